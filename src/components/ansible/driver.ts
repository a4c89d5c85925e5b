import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { assetsDir } from "../../core/assets.js";
import { SlipwayError } from "../../core/errors.js";
import { isMap } from "../../yaml/markers.js";
import type { Json, ResolvedComponent } from "../../stack/types.js";
import type { PreparedFile, ToolCommand } from "../component-type.js";

export const ANSIBLE_ACTIONS = ["run", "inventory"] as const;
export type AnsibleAction = (typeof ANSIBLE_ACTIONS)[number];

/** `--limit`, `--tags`, `--check`, `--diff`, and the syntax-only mode `plan -s` uses. */
export interface AnsibleRunOptions {
  limit?: string;
  tags?: string;
  check?: boolean;
  diff?: boolean;
  syntaxCheck?: boolean;
}

/** An Ansible YAML inventory: groups with hosts (and their vars) and child groups. */
export interface Inventory {
  all: {
    hosts?: Record<string, Json>;
    children: Record<string, { hosts: Record<string, Json> }>;
    vars?: Json;
  };
}

/** Where slipway keeps a component's generated inventory, extra vars and event stream. */
export function ansibleStateDir(basePath: string, c: ResolvedComponent): string {
  return join(
    basePath,
    ".slipway",
    "ansible",
    `${c.atmos_stack.replace(/\//g, "-")}-${c.atmos_component.replace(/\//g, "-")}`,
  );
}

const where = (c: ResolvedComponent) => `component "${c.atmos_component}" in stack "${c.atmos_stack}"`;

/**
 * The inventory a component's vars describe. `vars.nodes` (a list of `{name, address, role, groups,
 * host_vars, ssh: {user, port, key}, connection}`) becomes hosts: each in the group of its role and in its
 * extra groups, with `ansible_host` / `ansible_user` / `ansible_port` / `ansible_ssh_private_key_file` and
 * the whole entry as the host var `node`. `vars.inventory`, an Ansible YAML inventory, is taken as it is.
 */
export function inventoryOf(c: ResolvedComponent): Inventory {
  if (isMap(c.vars.inventory)) {
    const inv = c.vars.inventory as Record<string, unknown>;
    return (isMap(inv.all) ? inv : { all: inv }) as unknown as Inventory;
  }
  const nodes = c.vars.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new SlipwayError({
      code: "validation",
      message: `${where(c)} has no hosts: set vars.nodes (a list of {name, address, role}) or vars.inventory`,
      hint: "see `slipway schema` for the node fields",
    });
  }
  const inv: Inventory = { all: { children: {} } };
  const seen = new Set<string>();
  nodes.forEach((n: unknown, i) => {
    if (!isMap(n) || typeof n.name !== "string" || n.name === "") {
      throw new SlipwayError({
        code: "validation",
        message: `${where(c)}: vars.nodes[${i}] needs a name`,
        hint: "each node is a map with at least name and address",
      });
    }
    if (seen.has(n.name)) {
      throw new SlipwayError({
        code: "validation",
        message: `${where(c)}: node "${n.name}" is listed twice in vars.nodes`,
        hint: "node names must be unique",
      });
    }
    const name = n.name;
    seen.add(name);
    const ssh = isMap(n.ssh) ? n.ssh : {};
    const host: Json = {
      ...(n.address !== undefined ? { ansible_host: String(n.address) } : {}),
      ...(ssh.user !== undefined ? { ansible_user: String(ssh.user) } : {}),
      ...(ssh.port !== undefined ? { ansible_port: Number(ssh.port) } : {}),
      ...(ssh.key !== undefined ? { ansible_ssh_private_key_file: String(ssh.key) } : {}),
      ...(n.connection !== undefined ? { ansible_connection: String(n.connection) } : {}),
      node: n,
      ...(isMap(n.host_vars) ? n.host_vars : {}),
    };
    const groups = [
      ...(typeof n.role === "string" ? [n.role] : []),
      ...(Array.isArray(n.groups) ? n.groups.map(String) : []),
    ];
    if (groups.length === 0) (inv.all.hosts ??= {})[name] = host;
    groups.forEach((g, gi) => {
      const group = (inv.all.children[g] ??= { hosts: {} });
      // Host vars once (in the first group); Ansible merges a host's entries across groups.
      group.hosts[name] = gi === 0 ? host : {};
    });
  });
  return inv;
}

/** Everything in vars except the hosts, passed with `-e @file`. */
export function extraVarsOf(c: ResolvedComponent): Json {
  const { nodes: _nodes, inventory: _inventory, ...rest } = c.vars;
  return rest;
}

/** The playbook a component runs: `settings.ansible.playbook`, default site.yml, in the component folder. */
export function playbookOf(c: ResolvedComponent): string {
  const s = isMap(c.settings.ansible) ? c.settings.ansible : {};
  return typeof s.playbook === "string" ? s.playbook : "site.yml";
}

/** The generated inventory and extra-vars files. */
export function prepareAnsible(c: ResolvedComponent, stateDir: string): PreparedFile[] {
  return [
    { path: join(stateDir, "inventory.json"), content: JSON.stringify(inventoryOf(c), null, 2) + "\n" },
    { path: join(stateDir, "extra-vars.json"), content: JSON.stringify(extraVarsOf(c), null, 2) + "\n" },
  ];
}

/** The ansible-playbook argv, with slipway's event callback enabled through the environment. */
export function ansibleCommands(
  c: ResolvedComponent,
  dir: string,
  stateDir: string,
  opts: AnsibleRunOptions,
  extra: string[],
  inherited: Record<string, string | undefined> = {},
): ToolCommand[] {
  const env = Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, String(v)]));
  const plugins = join(assetsDir(), "ansible", "callback_plugins");
  const append = (name: string, value: string, sep: string) => {
    const before = env[name] ?? inherited[name];
    return before ? `${before}${sep}${value}` : value;
  };
  env.ANSIBLE_CALLBACK_PLUGINS = append("ANSIBLE_CALLBACK_PLUGINS", plugins, delimiter);
  env.ANSIBLE_CALLBACKS_ENABLED = append("ANSIBLE_CALLBACKS_ENABLED", "slipway_events", ",");
  env.SLIPWAY_EVENTS = join(stateDir, "events.jsonl");
  const argv = [
    c.command,
    "-i",
    join(stateDir, "inventory.json"),
    "-e",
    `@${join(stateDir, "extra-vars.json")}`,
    ...(opts.syntaxCheck ? ["--syntax-check"] : []),
    ...(opts.limit ? ["--limit", opts.limit] : []),
    ...(opts.tags ? ["--tags", opts.tags] : []),
    ...(opts.check ? ["--check"] : []),
    ...(opts.diff ? ["--diff"] : []),
    ...extra,
    playbookOf(c),
  ];
  return [{ argv, env, cwd: dir }];
}

/** Per-host recap counts, as Ansible prints them at the end of a run. */
export type Recap = Record<
  string,
  {
    ok: number;
    changed: number;
    failures: number;
    unreachable: number;
    skipped: number;
    rescued: number;
    ignored: number;
  }
>;

export interface AnsibleOutcome {
  /** `node pi-3: task "k3s_agent : install k3s" failed: <message>` — one per failed host and task. */
  failures: string[];
  recap: Recap;
}

/** Reads the event stream the slipway_events callback wrote; a missing file means Ansible never started. */
export function readAnsibleEvents(path: string): AnsibleOutcome {
  const out: AnsibleOutcome = { failures: [], recap: {} };
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const msg = String(e.message ?? "")
      .trim()
      .split("\n")[0];
    if (e.event === "failed" && !e.ignored)
      out.failures.push(`node ${String(e.host)}: task "${String(e.task)}" failed: ${msg || "(no message)"}`);
    if (e.event === "unreachable")
      out.failures.push(
        `node ${String(e.host)}: unreachable at task "${String(e.task)}": ${msg || "(no message)"}`,
      );
    if (e.event === "recap" && isMap(e.hosts)) out.recap = e.hosts as Recap;
  }
  return out;
}

/** `ok=3 changed=1 unreachable=0 failed=0 skipped=0` lines, one per host. */
export function recapLines(recap: Recap): string[] {
  return Object.entries(recap).map(
    ([h, s]) =>
      `${h}: ok=${s.ok} changed=${s.changed} unreachable=${s.unreachable} failed=${s.failures} skipped=${s.skipped} rescued=${s.rescued} ignored=${s.ignored}`,
  );
}
