import { SlipwayError } from "../core/errors.js";
import { describeAffected, type AffectedReport } from "../repo/describe-affected.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine } from "./open-engine.js";
import { textTable } from "./output.js";

/** The affected components the flags ask for (`--ref`/`--sha`, `-s`, `--include-*`, `--exclude-locked`). */
export async function affectedFromFlags(
  ctx: CommandContext,
  dependents = ctx.flags["include-dependents"] === true,
) {
  const { engine, notes } = openEngine(ctx);
  const str = (k: string) => (typeof ctx.flags[k] === "string" ? (ctx.flags[k] as string) : undefined);
  if (str("base") && (str("ref") || str("sha")))
    throw new SlipwayError({
      code: "usage",
      message: "--base names the revision already; drop --ref / --sha",
    });
  const report = await describeAffected({
    engine,
    env: ctx.env,
    ref: str("ref") ?? str("base"),
    sha: str("sha"),
    stack: str("stack"),
    includeSettings: ctx.flags["include-settings"] === true,
    includeDependents: dependents,
    excludeLocked: ctx.flags["exclude-locked"] === true,
  });
  notes.push(...report.warnings);
  return { engine, report, notes };
}

/** `slipway describe affected [--ref REF | --sha SHA] [-s STACK] [--include-dependents] [--include-settings]` */
export async function describeAffectedCommand(ctx: CommandContext): Promise<CommandResult> {
  const { report, notes } = await affectedFromFlags(ctx);
  notes.push(baseNote(report));
  return { data: report.affected, notes };
}

/** `slipway list affected`: one row per affected component instance, with every reason. */
export async function listAffectedCommand(ctx: CommandContext): Promise<CommandResult> {
  const { report, notes } = await affectedFromFlags(ctx);
  notes.push(baseNote(report));
  if (ctx.flags.format) return { data: report.affected, notes };
  const rows = report.affected.map((a) => [
    a.stack,
    a.component,
    a.component_type,
    a.affected_all.join(", ") + (a.file ? ` (${a.file})` : a.folder ? ` (${a.folder})` : ""),
  ]);
  if (rows.length === 0) return { text: "", notes: [...notes, "nothing is affected"] };
  return { text: textTable(["STACK", "COMPONENT", "TYPE", "AFFECTED"], rows), notes };
}

const baseNote = (r: AffectedReport) =>
  `note: compared the work tree with ${r.base.sha.slice(0, 12)} (${r.base.from})`;
