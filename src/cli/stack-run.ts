import { join, relative } from "node:path";
import { runStack, type StackAction } from "../components/stack-run.js";
import { SlipwayError } from "../core/errors.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack } from "./open-engine.js";
import { formatWarning, textTable } from "./output.js";
import { liveProgress, plainProgress } from "./progress.js";

async function stackCommand(c: CommandContext, action: StackAction): Promise<CommandResult> {
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
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
  const failed = runs.filter((r) => r.status === "failed");
  if (failed.length === 0) return { text: table, notes };
  return {
    text: table,
    notes: [
      ...notes,
      ...failed.map(
        (f) =>
          `error: ${f.component} failed${f.exitCode !== undefined ? ` (exit ${f.exitCode})` : ""}; see ${relative(c.cwd, f.log)}`,
      ),
    ],
    exitCode: failed.find((f) => f.exitCode)?.exitCode ?? 1,
  };
}

/** `slipway plan -s <stack>` */
export const planCommand = (c: CommandContext) => stackCommand(c, "plan");
/** `slipway apply -s <stack>` */
export const applyCommand = (c: CommandContext) => stackCommand(c, "apply");
