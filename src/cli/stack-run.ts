import { join, relative } from "node:path";
import { runStack, type ComponentRun, type StackAction } from "../components/stack-run.js";
import { INTERRUPTED } from "../exec/spawn.js";
import { SlipwayError } from "../core/errors.js";
import type { StackEngine } from "../stack/engine.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack, stackWarnings } from "./open-engine.js";
import { formatWarning, textTable } from "./output.js";
import { liveProgress, plainProgress } from "./progress.js";
import type { StackTarget } from "./stack-run-affected.js";

async function stackCommand(c: CommandContext, action: StackAction): Promise<CommandResult> {
  if (c.flags.affected) {
    const { affectedTargets } = await import("./stack-run-affected.js");
    const { engine, targets, notes } = await affectedTargets(c);
    return runTargets(c, engine, action, targets, notes, `slipway ${action} --affected`);
  }
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
  notes.push(...stackWarnings(c, engine, stack));
  return runTargets(c, engine, action, [{ stack }], notes, `slipway ${action} -s ${stack}`);
}

/** Runs each target stack in turn (dependency order inside each), then one table and one summary for all. */
async function runTargets(
  c: CommandContext,
  engine: StackEngine,
  action: StackAction,
  targets: StackTarget[],
  notes: string[],
  again: string,
): Promise<CommandResult> {
  const parallelism = c.flags.parallelism === undefined ? 4 : Number(c.flags.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1)
    throw new SlipwayError({ code: "usage", message: "--parallelism must be a whole number of at least 1" });
  // A live table on a terminal; plain lines when output goes to a file, a pipe or CI.
  const live = c.terminal?.isTTY === true && !c.env.CI && c.env.TERM !== "dumb";
  const display = live && c.terminal ? await liveProgress(c.terminal) : plainProgress(c.progress);
  const runs: (ComponentRun & { stack: string })[] = [];
  try {
    for (const t of targets) {
      const done = await runStack(engine, t.stack, action, {
        parallelism,
        dryRun: c.flags["dry-run"] === true,
        env: c.env,
        logDir: join(engine.config.basePath, ".slipway", "logs"),
        // Across stacks a component's name alone is ambiguous: the progress lines say stack/component.
        progress: (e) => display.update(t.only ? { ...e, component: `${t.stack}/${e.component}` } : e),
        ...(t.only ? { only: t.only } : {}),
      });
      runs.push(...done.map((r) => ({ ...r, stack: t.stack })));
      if (done.some((r) => r.interrupted)) break;
    }
  } finally {
    await display.finish();
  }
  const several = targets.length !== 1 || targets[0]!.only !== undefined;
  const rows = runs.map((r) => [
    ...(several ? [r.stack] : []),
    r.component,
    r.type,
    r.status,
    `${(r.ms / 1000).toFixed(1)} s`,
    r.reason ?? (r.log ? relative(c.cwd, r.log) : ""),
  ]);
  const head = ["COMPONENT", "TYPE", "STATUS", "TIME", "LOG / NOTE"];
  const table = rows.length || !several ? textTable(several ? ["STACK", ...head] : head, rows) : "";
  notes.push(...runs.flatMap((r) => r.warnings.map((w) => formatWarning(w, c.cwd))));
  const count = (s: ComponentRun["status"]) => runs.filter((r) => r.status === s).length;
  const failed = runs.filter((r) => r.status === "failed");
  const checked = runs.filter((r) => r.status === "checked");
  const interrupted = runs.find((r) => r.interrupted)?.interrupted;
  const summary = summaryLine(action, runs.length, {
    "ran for real": count("done"),
    "dry run": count("dry-run"),
    "checked only": checked.length,
    failed: failed.length,
    skipped: count("skipped"),
  });
  const name = (r: { stack: string; component: string }) =>
    several ? `${r.stack}/${r.component}` : r.component;
  notes.push(
    ...failed.map(
      (f) =>
        `error: ${name(f)} failed${f.exitCode !== undefined ? ` (exit ${f.exitCode})` : ""}: ${f.firstError ?? f.reason ?? "see its log"}${f.log ? `\n  log: ${relative(c.cwd, f.log)}` : ""}`,
    ),
    ...checked.map((r) => `note: ${name(r)}: ${r.reason}, not run for real; to run it: ${r.instead}`),
  );
  // Kubernetes components are rendered into the GitOps tree, not planned: a plan of none is no plan.
  for (const t of targets) {
    const kube = engine
      .stack(t.stack)
      .componentNames("kubernetes")
      .filter((n) => !t.only || t.only.has(n)).length;
    if (kube > 0)
      notes.push(
        `note: the ${kube} kubernetes component(s) of stack "${t.stack}" are not part of ${action}: \`slipway render -s ${t.stack}\` writes them into the GitOps tree`,
      );
  }
  if (interrupted) {
    notes.push(
      `interrupted by ${interrupted}: the running components were stopped and nothing more was started; run \`${again}\` again to go on`,
    );
    return { text: table + summary, notes, exitCode: INTERRUPTED[interrupted] ?? 1 };
  }
  if (failed.length > 0) return { text: table + summary, notes, exitCode: EXIT_FAILED };
  // Nothing failed, but not everything did what the command promises: no green light for that.
  if (checked.length > 0) return { text: table + summary, notes, exitCode: EXIT_INCOMPLETE };
  return { text: table + summary, notes };
}

/** plan/apply: a component failed (its tool's exit code is in the table and the log). */
const EXIT_FAILED = 1;
/** plan/apply: nothing failed, but some component only had a check (ansible's syntax check), not the real run. */
const EXIT_INCOMPLETE = 3;

/** `apply: 4 components — 2 ran for real, 1 checked only, 1 failed`, the counts that are not 0. */
function summaryLine(action: StackAction, total: number, counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${what}`);
  return `\n${action}: ${total} component${total === 1 ? "" : "s"}${parts.length ? ` — ${parts.join(", ")}` : ""}\n`;
}

/** `slipway plan -s <stack>` */
export const planCommand = (c: CommandContext) => stackCommand(c, "plan");
/** `slipway apply -s <stack>` */
export const applyCommand = (c: CommandContext) => stackCommand(c, "apply");
