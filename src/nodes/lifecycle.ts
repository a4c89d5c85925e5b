import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { dryRunText } from "../components/component-type.js";
import { executeRun, prepareRun, type ReadyRun, type RunOutcome } from "../components/run.js";
import { writeFileAtomic, makeDirs } from "../core/fs-atomic.js";
import { requireTool } from "../core/tools.js";
import type { StackEngine } from "../stack/engine.js";
import { openNodes, requireNode, type NodesView } from "./nodes.js";

/** What a node's lifecycle run needs from its caller. */
export interface NodeRunOptions {
  env: Record<string, string | undefined>;
  /** Arguments after `--`, for ansible-playbook. */
  extra?: string[];
  /** The nodes component (default: the stack's k3s one). */
  component?: string;
}

/**
 * One of the shipped lifecycle playbooks (add_node.yml, remove_node.yml, rebuild_node.yml …) limited to
 * one node, prepared through the component runner: the same checks, files and argv as `slipway ansible`.
 */
export function prepareNodePlaybook(
  engine: StackEngine,
  view: NodesView,
  playbook: string,
  node: string,
  opts: NodeRunOptions,
): Promise<ReadyRun> {
  return prepareRun({
    engine,
    component: view.component,
    action: "run",
    env: opts.env,
    extra: opts.extra ?? [],
    options: { playbook, limit: node },
  });
}

/** How a rebuild drill went; the report is written whether or not the target was met. */
export interface RebuildReport {
  node: string;
  stack: string;
  started: Date;
  /** When the node reported Ready; undefined when it did not within the target. */
  readyAt?: Date;
  /** Milliseconds from the play's start to Ready (or to giving up). */
  ms: number;
  targetMs: number;
  met: boolean;
  /** The playbook run: status, exit code, failures per host and task, the recap. */
  play: RunOutcome;
  /** The drill report under docs/governance/reviews/. */
  reportFile: string;
}

/** What a rebuild would run, for a dry run: the play's files and argv, then the wait for Ready. */
export async function rebuildPlan(
  engine: StackEngine,
  stack: string,
  name: string,
  opts: NodeRunOptions,
  show: (p: string) => string = (p) => p,
): Promise<string> {
  const view = openNodes(engine, stack, opts.component);
  requireNode(view.config.nodes, name, stack, view.source.file);
  const ready = await prepareNodePlaybook(engine, view, "rebuild_node.yml", name, opts);
  return (
    dryRunText(ready.run.files, ready.run.commands, show) +
    waitArgv(view, name).join(" ") +
    " --timeout=<remaining>\n"
  );
}

/** `kubectl wait` for the node to be Ready, in the cluster's context. */
function waitArgv(view: NodesView, name: string): string[] {
  const context = view.config.cluster.kubeconfig_context ?? view.component.atmos_stack.replace(/\//g, "-");
  return ["kubectl", "--context", context, "wait", "--for=condition=Ready", `node/${name}`];
}

/**
 * A rebuild drill: the rebuild play for one node, timed from its start until the node reports Ready (for
 * at most the target), and a report of it in docs/governance/reviews/ — evidence a reviewer can read.
 */
export async function rebuildNode(
  engine: StackEngine,
  stack: string,
  name: string,
  targetMs: number,
  opts: NodeRunOptions,
): Promise<RebuildReport> {
  const view = openNodes(engine, stack, opts.component);
  requireNode(view.config.nodes, name, stack, view.source.file);
  const ready = await prepareNodePlaybook(engine, view, "rebuild_node.yml", name, opts);
  requireTool("kubectl", `node rebuild ${name} (to wait for the node to be Ready)`, opts.env);
  const started = new Date();
  const play = await executeRun(ready, {
    env: opts.env,
    dryRun: false,
    output: "inherit",
    onDryRun: () => {},
  });
  let readyAt: Date | undefined;
  if (play.status === "done") {
    const left = Math.max(1, Math.ceil((targetMs - (Date.now() - started.getTime())) / 1000));
    const wait = waitArgv(view, name);
    const w = spawnSync(wait[0]!, [...wait.slice(1), `--timeout=${left}s`], {
      env: opts.env as NodeJS.ProcessEnv,
      encoding: "utf8",
    });
    if (w.status === 0) readyAt = new Date();
  }
  const ms = (readyAt ?? new Date()).getTime() - started.getTime();
  const met = readyAt !== undefined && ms <= targetMs;
  const date = started.toISOString().slice(0, 10);
  const reportFile = join(
    engine.config.basePath,
    "docs",
    "governance",
    "reviews",
    `${date}-rebuild-${name}.md`,
  );
  const report: RebuildReport = { node: name, stack, started, readyAt, ms, targetMs, met, play, reportFile };
  makeDirs(dirname(reportFile));
  writeFileAtomic(reportFile, drillReport(report));
  return report;
}

const minutes = (x: number) => `${(x / 60_000).toFixed(1)} min`;

/** The drill report as Markdown. */
function drillReport(r: RebuildReport): string {
  return [
    `# Rebuild drill: ${r.node} (${r.stack})`,
    "",
    `- Started: ${r.started.toISOString()}`,
    `- Node Ready: ${r.readyAt ? r.readyAt.toISOString() : "not reached"}`,
    `- Time to Ready: ${r.readyAt ? minutes(r.ms) : "—"} (target ${minutes(r.targetMs)}: ${r.met ? "met" : "MISSED"})`,
    `- Playbook: rebuild_node.yml --limit ${r.node}, exit ${r.play.exitCode ?? 1}`,
    "",
    "## Recap",
    "",
    ...r.play.notes.map((l) => `- ${l.replace(/^recap: /, "")}`),
    ...(r.play.failures.length ? ["", "## Failures", "", ...r.play.failures.map((f) => `- ${f}`)] : []),
    "",
  ].join("\n");
}

/** One line for a terminal: Ready after how long, the target met or missed, where the report is. */
export function rebuildSummary(r: RebuildReport, show: (p: string) => string = (p) => p): string {
  return `${r.node}: ${r.readyAt ? `Ready after ${minutes(r.ms)}` : "did not become Ready"}; target ${minutes(r.targetMs)} ${r.met ? "met" : "MISSED"}; report ${show(r.reportFile)}`;
}
