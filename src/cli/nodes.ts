import { relative, resolve } from "node:path";
import { parse as parseYamlValue } from "yaml";
import { SlipwayError } from "../core/errors.js";
import { getConfig, setConfig } from "../nodes/config.js";
import { addPeers, discover, tailnetPeers } from "../nodes/discover.js";
import { prepareNodePlaybook, rebuildNode, rebuildPlan, rebuildSummary } from "../nodes/lifecycle.js";
import {
  addNode,
  checkRemoval,
  openNodes,
  removeNode,
  requireNode,
  type NewNode,
  type NodesView,
} from "../nodes/nodes.js";
import type { StackEngine } from "../stack/engine.js";
import { parseDuration } from "../workflow/duration.js";
import type { CommandContext, CommandResult } from "./command.js";
import { runReady } from "./drivers.js";
import { openEngine, requireStack } from "./open-engine.js";
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
async function applyPlaybook(
  c: CommandContext,
  engine: StackEngine,
  view: NodesView,
  playbook: string,
  node: string,
) {
  const ready = await prepareNodePlaybook(engine, view, playbook, node, { env: c.env, extra: c.extra });
  return runReady(c, ready);
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
  // Before the playbook too: a node that keeps the cluster up is not drained by accident.
  checkRemoval(view.config, name, stack, c.flags.force === true);
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
  const r = await removeNode(engine, stack, name, { ...editOptions(c), force: c.flags.force === true });
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
  const { engine, notes, stack, name } = namedNode(c);
  const target = parseDuration(str(c.flags.target) ?? "60m");
  if (target === undefined)
    throw new SlipwayError({
      code: "usage",
      message: `--target ${String(c.flags.target)}: expected a duration like 45m, 1h or 1h30m`,
    });
  const opts = { env: c.env, extra: c.extra, component: str(c.flags.component) };
  const show = (p: string) => relative(c.cwd, p) || ".";
  if (c.flags["dry-run"]) return { text: await rebuildPlan(engine, stack, name, opts, show), notes };
  const r = await rebuildNode(engine, stack, name, target, opts);
  return {
    text: rebuildSummary(r, show) + "\n",
    notes: [...notes, ...r.play.failures.map((f) => `error: ${f}`)],
    exitCode: r.met ? 0 : (r.play.exitCode ?? 1) || 1,
  };
}

/** `slipway config get <key> -s <stack> [--scope all|servers|agents|<node>]` */
export function configGetCommand(c: CommandContext): CommandResult {
  const { engine, notes } = openEngine(c);
  const opts = { scope: str(c.flags.scope), component: str(c.flags.component) };
  return { data: getConfig(engine, requireStack(c), c.args[0]!, opts), notes };
}

/**
 * `slipway config set <key> <value> -s <stack> [--scope …]`: cluster keys (`cluster.version`) or, with
 * --scope, node keys (`labels.zone`). The value is read as YAML (`true`, `3`, `[a, b]`).
 */
export async function configSetCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes } = openEngine(c);
  const value: unknown = parseYamlValue(c.args[1]!);
  const into = str(c.flags.in);
  const opts = {
    scope: str(c.flags.scope),
    component: str(c.flags.component),
    ...(into ? { in: resolve(c.cwd, into) } : {}),
    force: c.flags.force === true,
  };
  const r = await setConfig(engine, requireStack(c), c.args[0]!, value, opts);
  return {
    notes: [
      ...notes,
      `set ${r.key} = ${JSON.stringify(r.value)} in ${r.files.map((f) => relative(c.cwd, f)).join(", ")}`,
      ...(r.alsoChanged.length ? [`note: this changed stacks ${r.alsoChanged.join(", ")} too`] : []),
    ],
  };
}

/** `slipway discover [--from-file F] [--online] [--tag T] [--os O] [--add -s <stack> --role agent]` */
export async function discoverCommand(c: CommandContext): Promise<CommandResult> {
  const all = tailnetPeers(c.env, str(c.flags["from-file"]));
  const stack = str(c.flags.stack);
  const engine = stack ? openEngine(c).engine : undefined;
  const peers = discover(
    all,
    { online: c.flags.online === true, tag: str(c.flags.tag), os: str(c.flags.os) },
    engine,
    stack,
    str(c.flags.component),
  );
  if (c.flags.add) {
    if (!stack)
      throw new SlipwayError({
        code: "usage",
        message: "--add needs -s <stack>",
        hint: "e.g. slipway discover --online --tag k3s --add -s pve-prod --role agent",
      });
    const role = (str(c.flags.role) ?? "agent") as NewNode["role"];
    const added = await addPeers(() => openEngine(c).engine, stack, peers, role, editOptions(c));
    return {
      notes: [
        added.length ? `added ${added.join(", ")} to stack "${stack}" as ${role}` : "no new peers to add",
      ],
    };
  }
  if (c.flags.format) return { data: peers };
  const rows = peers.map((p) => [
    p.name,
    p.ips.join(","),
    p.os,
    p.online ? "yes" : "no",
    p.tags.join(","),
    p.in_cluster ? `yes (${p.in_cluster})` : stack ? "no" : "?",
  ]);
  return { text: textTable(["HOSTNAME", "TAILSCALE IPS", "OS", "ONLINE", "TAGS", "IN CLUSTER"], rows) };
}
