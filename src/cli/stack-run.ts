import { join, relative } from "node:path";
import { runStack, type ComponentRun, type StackAction } from "../components/stack-run.js";
import { INTERRUPTED } from "../exec/spawn.js";
import { SlipwayError } from "../core/errors.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack, stackWarnings } from "./open-engine.js";
import { formatWarning, textTable } from "./output.js";
import { liveProgress, plainProgress } from "./progress.js";

async function stackCommand(c: CommandContext, action: StackAction): Promise<CommandResult> {
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
  notes.push(...stackWarnings(c, engine, stack));
  const parallelism = c.flags.parallelism === undefined ? 4 : Number(c.flags.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1)
    throw new SlipwayError({ code: "usage", message: "--parallelism must be a whole number of at least 1" });
  // A live table on a terminal; plain lines when output goes to a file, a pipe or CI.
  const live = c.terminal?.isTTY === true && !c.env.CI && c.env.TERM !== "dumb";
  const display = live && c.terminal ? await liveProgress(c.terminal) : plainProgress(c.progress);
  let runs;
  try {
    runs = await runStack(engine, stack, action, {
      parallelism,
      dryRun: c.flags["dry-run"] === true,
      env: c.env,
      logDir: join(engine.config.basePath, ".slipway", "logs"),
      progress: (e) => display.update(e),
    });
  } finally {
    await display.finish();
  }
  const rows = runs.map((r) => [
    r.component,
    r.type,
    r.status,
    `${(r.ms / 1000).toFixed(1)} s`,
    r.reason ?? (r.log ? relative(c.cwd, r.log) : ""),
  ]);
  const table = textTable(["COMPONENT", "TYPE", "STATUS", "TIME", "LOG / NOTE"], rows);
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
  notes.push(
    ...failed.map(
      (f) =>
        `error: ${f.component} failed${f.exitCode !== undefined ? ` (exit ${f.exitCode})` : ""}: ${f.firstError ?? f.reason ?? "see its log"}${f.log ? `\n  log: ${relative(c.cwd, f.log)}` : ""}`,
    ),
    ...checked.map((r) => `note: ${r.component}: ${r.reason}, not run for real; to run it: ${r.instead}`),
  );
  // Kubernetes components are rendered into the GitOps tree, not planned: a plan of none is no plan.
  const kube = engine.stack(stack).componentNames("kubernetes").length;
  if (kube > 0)
    notes.push(
      `note: the ${kube} kubernetes component(s) of stack "${stack}" are not part of ${action}: \`slipway render -s ${stack}\` writes them into the GitOps tree`,
    );
  const again = `slipway ${action} -s ${stack}`;
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
