import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse as parseYamlValue, parseDocument } from "yaml";
import { recapLines } from "../components/ansible/driver.js";
import { preparePlaybook, runPlaybook } from "../components/ansible/run.js";
import { dryRunText } from "../components/terraform/driver.js";
import { SlipwayError } from "../core/errors.js";
import { requireTool } from "../core/tools.js";
import { withFileLock, writeFileAtomic } from "../core/fs-atomic.js";
import { addNode, openNodes, removeNode, requireNode, type NewNode, type NodesView } from "../nodes/nodes.js";
import { NodesVars, type NodeEntry } from "../nodes/schema.js";
import { peersOf, type Peer } from "../nodes/tailscale.js";
import type { StackEngine } from "../stack/engine.js";
import { parseDuration } from "../workflow/duration.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack } from "./open-engine.js";
import { playbookCommand } from "./drivers.js";
import { formatWarning, textTable } from "./output.js";

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);

/** How every node and config command starts: the engine, the `-s` stack and the stack's nodes. */
function stackNodes(c: CommandContext) {
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
  return { engine, notes, stack, view: openNodes(engine, stack, str(c.flags.component)) };
}

/** `stackNodes` for a command whose first argument must name one of the stack's nodes. */
function namedNode(c: CommandContext) {
  const opened = stackNodes(c);
  const name = c.args[0]!;
  requireNode(opened.view.config.nodes, name, opened.stack, opened.view.source.file);
  return { ...opened, name };
}

/** `--component` and `--edit-imported`, as the node list edits take them. */
const editOptions = (c: CommandContext) => ({
  component: str(c.flags.component),
  allowImported: c.flags["edit-imported"] === true,
});

/** `slipway node list -s <stack>` */
export function nodeListCommand(c: CommandContext): CommandResult {
  const { notes, view } = stackNodes(c);
  const warn = view.warnings.map((w) => formatWarning({ message: w, file: view.source.file }, c.cwd));
  if (c.flags.format) return { data: view.config.nodes, notes: [...notes, ...warn] };
  const rows = view.config.nodes.map((n) => [
    n.name,
    n.role,
    n.address,
    n.tailscale_ip ?? "",
    Object.entries(n.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
    n.taints.join(","),
  ]);
  return {
    text: textTable(["NAME", "ROLE", "ADDRESS", "TAILSCALE IP", "LABELS", "TAINTS"], rows),
    notes: [...notes, ...warn],
  };
}

/** Parses `--label k=v` and `--taint k=v:Effect` into a node entry (the schema checks the syntax). */
function nodeFromFlags(c: CommandContext, name: string): NewNode {
  const address = str(c.flags.address);
  const role = str(c.flags.role);
  if (!address || !role) {
    throw new SlipwayError({
      code: "usage",
      message: `node add needs --address and --role`,
      hint: "e.g. slipway node add pi-5 -s pve-prod --address 192.168.10.35 --role agent",
    });
  }
  const labels: Record<string, string> = {};
  for (const l of list(c.flags.label)) {
    const eq = l.indexOf("=");
    if (eq <= 0)
      throw new SlipwayError({
        code: "usage",
        message: `--label ${l}: expected key=value`,
        hint: "e.g. --label zone=attic",
      });
    labels[l.slice(0, eq)] = l.slice(eq + 1);
  }
  const taints = list(c.flags.taint);
  const sshUser = str(c.flags["ssh-user"]);
  const sshKey = str(c.flags["ssh-key"]);
  return {
    name,
    address,
    role: role as NewNode["role"],
    ...(str(c.flags["tailscale-ip"]) ? { tailscale_ip: str(c.flags["tailscale-ip"]) } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(taints.length ? { taints } : {}),
    ...(sshUser || sshKey
      ? { ssh: { ...(sshUser ? { user: sshUser } : {}), ...(sshKey ? { key: sshKey } : {}) } }
      : {}),
  };
}

/** Runs one of the shipped lifecycle playbooks limited to one node (the `--apply` of add/remove). */
function applyPlaybook(
  c: CommandContext,
  engine: StackEngine,
  view: NodesView,
  playbook: string,
  node: string,
) {
  const run = preparePlaybook(engine, view.component, { playbook, limit: node }, c.extra ?? [], c.env);
  return playbookCommand(c, engine, run, `node ${playbook.replace(/\.yml$/, "")} ${node}`);
}

/** `slipway node add <name> -s <stack> --address … --role … [--label k=v] [--taint k=v:Effect] [--apply]` */
export async function nodeAddCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
  const node = nodeFromFlags(c, c.args[0]!);
  const r = await addNode(engine, stack, node, editOptions(c));
  const done = [
    ...notes,
    `added node ${node.name} (${node.role}, ${node.address}) to ${relative(c.cwd, r.file)}`,
    ...r.warnings.map((w) => formatWarning({ ...w, file: r.file }, c.cwd)),
  ];
  if (!c.flags.apply) return { notes: done };
  // The file changed: read it again so the inventory holds the new node.
  const fresh = openEngine(c).engine;
  const applied = await applyPlaybook(
    c,
    fresh,
    openNodes(fresh, stack, str(c.flags.component)),
    "add_node.yml",
    node.name,
  );
  return { ...applied, notes: [...done, ...(applied.notes ?? [])] };
}

/** `slipway node remove <name> -s <stack> [--apply]`: with --apply, the node leaves the cluster first. */
export async function nodeRemoveCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes, stack, view, name } = namedNode(c);
  let applied: CommandResult = {};
  if (c.flags.apply) {
    // Cordon, drain, delete the Node object, then uninstall — while the node is still in the inventory.
    applied = await applyPlaybook(c, engine, view, "remove_node.yml", name);
    if (c.flags["dry-run"] || (applied.exitCode ?? 0) !== 0) {
      return {
        ...applied,
        notes: [
          ...notes,
          ...(applied.notes ?? []),
          ...(c.flags["dry-run"] ? [] : [`node ${name} stays in the stack`]),
        ],
      };
    }
  }
  const r = await removeNode(engine, stack, name, editOptions(c));
  return {
    ...applied,
    notes: [
      ...notes,
      ...(applied.notes ?? []),
      `removed node ${name} from ${relative(c.cwd, r.file)}`,
      ...r.warnings.map((w) => formatWarning({ ...w, file: r.file }, c.cwd)),
    ],
  };
}

/**
 * `slipway node rebuild <name> -s <stack> [--target 60m]`: the rebuild play for one node, timed from its
 * start until the node reports Ready, and a drill report in docs/governance/reviews/.
 */
export async function nodeRebuildCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes, stack, view, name } = namedNode(c);
  const target = parseDuration(str(c.flags.target) ?? "60m");
  if (target === undefined)
    throw new SlipwayError({
      code: "usage",
      message: `--target ${String(c.flags.target)}: expected a duration like 45m, 1h or 1h30m`,
    });
  const run = preparePlaybook(
    engine,
    view.component,
    { playbook: "rebuild_node.yml", limit: name },
    c.extra ?? [],
    c.env,
  );
  const context = view.config.cluster.kubeconfig_context ?? view.component.atmos_stack.replace(/\//g, "-");
  const wait = ["kubectl", "--context", context, "wait", "--for=condition=Ready", `node/${name}`];
  if (c.flags["dry-run"]) {
    return {
      text:
        dryRunText(run.files, run.commands, (p) => relative(c.cwd, p) || ".") +
        wait.join(" ") +
        " --timeout=<remaining>\n",
      notes,
    };
  }
  requireTool("kubectl", `node rebuild ${name} (to wait for the node to be Ready)`, c.env);
  const started = new Date();
  const play = await runPlaybook(run, `node rebuild ${name}`, c.env, engine.config.basePath);
  let ready = false;
  let readyAt: Date | undefined;
  if (play.exitCode === 0) {
    const left = Math.max(1, Math.ceil((target - (Date.now() - started.getTime())) / 1000));
    const w = spawnSync(wait[0]!, [...wait.slice(1), `--timeout=${left}s`], {
      env: c.env as NodeJS.ProcessEnv,
      encoding: "utf8",
    });
    ready = w.status === 0;
    readyAt = ready ? new Date() : undefined;
  }
  const ms = (readyAt ?? new Date()).getTime() - started.getTime();
  const met = ready && ms <= target;
  const date = started.toISOString().slice(0, 10);
  const report = join(engine.config.basePath, "docs", "governance", "reviews", `${date}-rebuild-${name}.md`);
  const minutes = (x: number) => `${(x / 60_000).toFixed(1)} min`;
  const body = [
    `# Rebuild drill: ${name} (${stack})`,
    "",
    `- Started: ${started.toISOString()}`,
    `- Node Ready: ${readyAt ? readyAt.toISOString() : "not reached"}`,
    `- Time to Ready: ${ready ? minutes(ms) : "—"} (target ${minutes(target)}: ${met ? "met" : "MISSED"})`,
    `- Playbook: rebuild_node.yml --limit ${name}, exit ${play.exitCode}`,
    "",
    "## Recap",
    "",
    ...recapLines(play.recap).map((l) => `- ${l}`),
    ...(play.failures.length ? ["", "## Failures", "", ...play.failures.map((f) => `- ${f}`)] : []),
    "",
  ].join("\n");
  mkdirSync(dirname(report), { recursive: true });
  writeFileAtomic(report, body);
  const summary = `${name}: ${ready ? `Ready after ${minutes(ms)}` : "did not become Ready"}; target ${minutes(target)} ${met ? "met" : "MISSED"}; report ${relative(c.cwd, report)}`;
  return {
    text: summary + "\n",
    notes: [...notes, ...play.failures.map((f) => `error: ${f}`)],
    exitCode: met ? 0 : play.exitCode || 1,
  };
}

/** Which nodes a node-level key applies to: all, servers, agents or one node by name. */
function scoped(view: NodesView, scope: string): NodeEntry[] {
  const ns = view.config.nodes;
  const picked =
    scope === "all"
      ? ns
      : scope === "servers"
        ? ns.filter((n) => n.role === "server")
        : scope === "agents"
          ? ns.filter((n) => n.role === "agent")
          : ns.filter((n) => n.name === scope);
  if (picked.length === 0)
    throw new SlipwayError({
      code: "usage",
      message: `--scope ${scope} matches no node`,
      hint: `use all, servers, agents or a node name (${ns.map((n) => n.name).join(", ")})`,
    });
  return picked;
}

const getPath = (v: unknown, path: string[]): unknown =>
  path.reduce<unknown>(
    (cur, k) => (cur && typeof cur === "object" ? (cur as Record<string, unknown>)[k] : undefined),
    v,
  );

/** `slipway config get <key> -s <stack> [--scope all|servers|agents|<node>]` */
export function configGetCommand(c: CommandContext): CommandResult {
  const { notes, view } = stackNodes(c);
  const key = c.args[0]!.split(".");
  const scope = str(c.flags.scope);
  if (!scope) return { data: getPath(view.config, key) ?? null, notes };
  return {
    data: Object.fromEntries(scoped(view, scope).map((n) => [n.name, getPath(n, key) ?? null])),
    notes,
  };
}

/**
 * `slipway config set <key> <value> -s <stack> [--scope …]`: cluster keys (`cluster.version`) or, with
 * --scope, node keys (`labels.zone`). The value is read as YAML (`true`, `3`, `[a, b]`). The change is made
 * in the file that defines the value, validated against the schema before anything is written.
 */
export async function configSetCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes, view } = stackNodes(c);
  const key = c.args[0]!.split(".");
  const value: unknown = parseYamlValue(c.args[1]!);
  const scope = str(c.flags.scope);
  const build = engine
    .stack(view.component.atmos_stack)
    .buildsDefining("ansible", view.component.atmos_component)[0]!;
  // Edits: [file, document path, value]; node keys go to the nodes list, cluster keys where cluster is set.
  const edits: { file: string; docPath: (string | number)[] }[] = [];
  const nextVars = structuredClone(view.component.vars) as Record<string, unknown>;
  if (scope) {
    const nodes = nextVars.nodes as Record<string, unknown>[];
    for (const n of scoped(view, scope)) {
      const i = nodes.findIndex((x) => x.name === n.name);
      setPath(nodes[i]!, key, value);
      edits.push({ file: view.source.file, docPath: [...view.source.docPath, i, ...key] });
    }
  } else {
    if (key[0] === "nodes")
      throw new SlipwayError({
        code: "usage",
        message: "node keys need --scope",
        hint: "e.g. config set labels.zone attic --scope pi-3",
      });
    setPath(nextVars, key, value);
    // The deepest part of the key some file sets decides which file changes, and where in it.
    let found: { file: string; docPath: (string | number)[] } | undefined;
    for (let n = key.length; n > 0 && !found; n--) {
      const src = build.sourceOf("ansible", view.component.atmos_component, "vars", key.slice(0, n));
      if (src) found = { file: src.file.path, docPath: [...src.docPath, ...key.slice(n)] };
    }
    if (!found) {
      throw new SlipwayError({
        code: "validation",
        message: `no file sets vars.${key[0]} for component "${view.component.atmos_component}"`,
        hint: "add it to the stack by hand first; config set changes values that exist",
      });
    }
    edits.push(found);
  }
  const checked = NodesVars.safeParse(nextVars);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new SlipwayError({
      code: "validation",
      message: `vars.${issue.path.join(".")}: ${issue.message}; nothing was written`,
      hint: "see `slipway schema builtin ansible/k3s` for the field's type",
    });
  }
  const files = [...new Set(edits.map((e) => e.file))];
  for (const file of files) {
    await withFileLock(file, () => {
      const doc = parseDocument(readFileSync(file, "utf8"));
      for (const e of edits.filter((x) => x.file === file)) doc.setIn(e.docPath, value);
      writeFileAtomic(file, doc.toString());
    });
  }
  return {
    notes: [
      ...notes,
      `set ${c.args[0]} = ${JSON.stringify(value)} in ${files.map((f) => relative(c.cwd, f)).join(", ")}`,
    ],
  };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (const k of path.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== "object") cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path.at(-1)!] = value;
}

/** `slipway discover [--online] [--tag T] [--os O] [--add -s <stack> --role agent]` */
export async function discoverCommand(c: CommandContext): Promise<CommandResult> {
  requireTool("tailscale", "discover (it lists the tailnet's peers)", c.env);
  const r = spawnSync("tailscale", ["status", "--json"], {
    env: c.env as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
  if (r.status !== 0) {
    throw new SlipwayError({
      code: "validation",
      message: `tailscale status --json failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split("\n")[0]}`,
      hint: "check that tailscaled is running: `tailscale status`",
    });
  }
  let peers = peersOf(r.stdout);
  const stack = str(c.flags.stack);
  let view: NodesView | undefined;
  let engine: StackEngine | undefined;
  if (stack) {
    engine = openEngine(c).engine;
    view = openNodes(engine, stack, str(c.flags.component));
  }
  const inCluster = (p: Peer) =>
    view?.config.nodes.find(
      (n) =>
        n.name === p.name ||
        p.ips.includes(n.address) ||
        (n.tailscale_ip !== undefined && p.ips.includes(n.tailscale_ip)),
    )?.name;
  if (c.flags.online) peers = peers.filter((p) => p.online);
  const tag = str(c.flags.tag);
  if (tag) peers = peers.filter((p) => p.tags.includes(tag.startsWith("tag:") ? tag : `tag:${tag}`));
  const os = str(c.flags.os);
  if (os) peers = peers.filter((p) => p.os.toLowerCase() === os.toLowerCase());
  if (c.flags.add) {
    if (!stack || !engine || !view)
      throw new SlipwayError({
        code: "usage",
        message: "--add needs -s <stack>",
        hint: "e.g. slipway discover --online --tag k3s --add -s pve-prod --role agent",
      });
    const role = str(c.flags.role) ?? "agent";
    const added: string[] = [];
    for (const p of peers.filter((x) => !inCluster(x))) {
      const ipv4 = p.ips.find((ip) => ip.includes(".")) ?? p.ips[0]!;
      await addNode(
        openEngine(c).engine,
        stack,
        { name: p.name, address: ipv4, role: role as NewNode["role"], tailscale_ip: ipv4 },
        editOptions(c),
      );
      added.push(p.name);
    }
    return {
      notes: [
        added.length ? `added ${added.join(", ")} to stack "${stack}" as ${role}` : "no new peers to add",
      ],
    };
  }
  if (c.flags.format) return { data: peers.map((p) => ({ ...p, in_cluster: inCluster(p) ?? null })) };
  const rows = peers.map((p) => [
    p.name,
    p.ips.join(","),
    p.os,
    p.online ? "yes" : "no",
    p.tags.join(","),
    inCluster(p) ? `yes (${inCluster(p)})` : view ? "no" : "?",
  ]);
  return { text: textTable(["HOSTNAME", "TAILSCALE IPS", "OS", "ONLINE", "TAGS", "IN CLUSTER"], rows) };
}
