import { spawnSync } from "node:child_process";
import { SlipwayError } from "../core/errors.js";
import type { Cluster } from "../kube/cluster.js";
import { buildStatus, watchStatus, type DesiredState, type StatusReport } from "../kube/status.js";
import { NODES_COMPONENT, openNodes } from "../nodes/nodes.js";
import type { StackEngine } from "../stack/engine.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openStackCluster } from "./kube-target.js";
import { openEngine, requireStack, stackWarnings } from "./open-engine.js";
import { formatData, outputFormat } from "./output.js";
import { statusText } from "./status-view.js";

// `slipway status -s <stack>`: parse → read the stack's desired state → open the cluster (the API server is the
// only thing contacted) → build the report (src/kube/status.ts) → print. Exit codes: 0 healthy, 3 degraded,
// 1 unreachable (any KubeError, like every other failure slipway reports), 2 usage.

/** The exit code of a degraded cluster (docs/commands.md, "Exit codes"). */
export const EXIT_DEGRADED = 3;

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

/** Whether the stack has a nodes component at all (a stack without one still gets the cluster half). */
function hasNodesComponent(engine: StackEngine, stack: string, name?: string): boolean {
  if (name) return true;
  const entry = engine.stack(stack);
  return entry.componentNames("ansible").some((n) => {
    const c = engine.resolveComponent(entry.name, n, "ansible");
    return c.component === NODES_COMPONENT && c.metadata.type !== "abstract";
  });
}

/** The repository's HEAD commit, when it is a Git checkout (local `git`; no network). */
function gitHead(dir: string): string | undefined {
  const r = spawnSync("git", ["-C", dir, "rev-parse", "HEAD"], { encoding: "utf8" });
  const sha = r.status === 0 ? r.stdout.trim() : "";
  return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
}

/** The stack's desired state: declared nodes and cluster.version (when it has a nodes component), HEAD. */
function desiredState(
  engine: StackEngine,
  stack: string,
  component?: string,
): { desired: DesiredState; notes: string[] } {
  const notes: string[] = [];
  const desired: DesiredState = { stack };
  if (hasNodesComponent(engine, stack, component)) {
    const view = openNodes(engine, stack, component);
    desired.nodes = view.config.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      address: n.address,
      ...(n.tailscale_ip ? { tailscaleIP: n.tailscale_ip } : {}),
    }));
    desired.clusterVersion = view.config.cluster.version;
    notes.push(...view.warnings.map((w) => `warning: ${view.source.rel}: ${w}`));
  }
  const head = gitHead(engine.config.basePath);
  if (head) desired.gitHead = head;
  else
    notes.push(
      `note: ${engine.config.basePath} is not a Git checkout: GitOps revisions are not compared with HEAD`,
    );
  return { desired, notes };
}

/** `slipway status -s <stack> [--context C] [--kubeconfig F] [--events N] [--watch] [--format json|yaml]` */
export async function statusCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
  const events = str(c.flags.events) === undefined ? 10 : Number(c.flags.events);
  if (!Number.isInteger(events) || events < 0)
    throw new SlipwayError({
      code: "usage",
      message: `--events must be a whole number, not "${String(c.flags.events)}"`,
      hint: "e.g. --events 20",
    });
  const format = c.flags.format === undefined ? undefined : outputFormat(c.flags.format);
  const { desired, notes: desiredNotes } = desiredState(engine, stack, str(c.flags.component));
  const cluster = await openStackCluster(engine, stack, c, { readonly: true, listFromCache: !c.flags.watch });
  const allNotes = [...notes, ...stackWarnings(c, engine, stack), ...desiredNotes];
  const colour = process.stdout.isTTY === true && !c.env.NO_COLOR && format === undefined;
  const render = (r: StatusReport) => (format ? formatData(r, format) : statusText(r, { colour }));
  try {
    const collections = watchStatus(cluster);
    await cluster.synced();
    const build = () => buildStatus(desired, cluster, collections, { events });
    if (c.flags.watch !== true) {
      const r = build();
      return { text: render(r), notes: allNotes, exitCode: r.verdict === "healthy" ? 0 : EXIT_DEGRADED };
    }
    for (const n of allNotes) c.progress(n + "\n");
    const last = await watchLoop(cluster, build, render, format);
    return { exitCode: last.verdict === "healthy" ? 0 : EXIT_DEGRADED };
  } finally {
    await cluster.close();
  }
}

/**
 * `--watch`: the report again on every change batch the adapter delivers (no polling), until Ctrl-C or
 * SIGTERM. On a terminal the screen is redrawn; otherwise each changed report is appended (one JSON document a
 * line with --format json, `---`-separated YAML documents with --format yaml), so a script can follow it.
 */
function watchLoop(
  cluster: Cluster,
  build: () => StatusReport,
  render: (r: StatusReport) => string,
  format: "json" | "yaml" | undefined,
): Promise<StatusReport> {
  const out = process.stdout;
  const data = format !== undefined;
  const redraw = out.isTTY === true && !data;
  let last = build();
  let shown = "";
  const show = () => {
    const text =
      format === "json"
        ? JSON.stringify(last) + "\n"
        : format === "yaml"
          ? `---\n${render(last)}`
          : render(last);
    if (text === shown) return;
    shown = text;
    const c = cluster.connection();
    const state =
      c.state === "live" ? "" : `connection: ${c.state}${"message" in c ? ` (${c.message})` : ""}\n`;
    out.write(redraw ? `\x1b[H\x1b[2J${state}${text}` : data ? text : `${state}${text}\n`);
  };
  show();
  return new Promise((done) => {
    const unsubscribe = cluster.subscribe(() => {
      last = build();
      show();
    });
    const stop = () => {
      unsubscribe();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done(last);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
