import { relative } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { componentDir } from "../components/registry.js";
import { runOpaPolicies } from "../components/opa.js";
import { checkComponentVariables } from "../components/variables.js";
import { validateComponent } from "../components/validate-component.js";
import { validateRepository } from "../repo/open-stacks.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack } from "./open-engine.js";
import { formatError, formatWarning } from "./output.js";

/** `slipway validate stacks` — every finding, exit 1 when there is any. */
export async function validateStacksCommand(ctx: CommandContext): Promise<CommandResult> {
  const { engine } = openEngine(ctx);
  const found = await validateRepository(engine, ctx.env);
  // --strict: every warning fails the run as an error would, with its place.
  const report =
    ctx.flags.strict === true
      ? {
          ...found,
          errors: [
            ...found.errors,
            ...found.warnings.map(
              (w) =>
                new SlipwayError({
                  code: "validation",
                  message: w.message,
                  file: w.file,
                  line: w.line,
                  col: w.col,
                  hint: "--strict makes warnings errors",
                }),
            ),
          ],
          warnings: [],
        }
      : found;
  const notes = [
    ...report.warnings.map((w) => formatWarning(w, ctx.cwd)),
    ...report.errors.map((e) => formatError(e, ctx.cwd)),
  ];
  const { files, stacks, components } = report.checked;
  const summary = `${report.errors.length === 0 ? "ok" : `${report.errors.length} error(s)`}: ${files} files, ${stacks} stacks, ${components} components checked`;
  if (ctx.flags.format) {
    return {
      data: {
        valid: report.errors.length === 0,
        checked: report.checked,
        errors: report.errors.map((e) => ({
          code: e.code,
          message: e.message,
          file: e.file,
          line: e.line,
          col: e.col,
          hint: e.hint,
        })),
        warnings: report.warnings,
      },
      notes,
      exitCode: report.errors.length ? 1 : 0,
    };
  }
  return { text: summary + "\n", notes, exitCode: report.errors.length ? 1 : 0 };
}

/** `slipway validate component <component> -s <stack>` */
export async function validateComponentCommand(ctx: CommandContext): Promise<CommandResult> {
  const { engine, notes } = openEngine(ctx);
  const stack = requireStack(ctx);
  const result = await validateComponent(engine, stack, ctx.args[0]!);
  const resolved = engine.resolveComponent(stack, ctx.args[0]!);
  const opa = runOpaPolicies(result.policies, resolved, ctx.env);
  result.checks.push(...opa.checks);
  result.findings.push(...opa.findings);
  notes.push(...opa.skipped.map((s) => `warning: ${s}`));
  // The same variable check the drivers run: the stack's vars against the module's `variable` blocks.
  const dir = componentDir(engine.config.components, resolved);
  const report = await checkComponentVariables(engine, resolved, dir);
  if (report) {
    result.checks.push(`variables (${relative(engine.config.basePath, dir)})`);
    for (const e of report.errors) {
      result.findings.push({
        validation: "variables",
        schema: relative(engine.config.basePath, dir),
        path: "vars",
        message: e.message,
        ...(e.file ? { file: e.file, line: e.line, col: e.col } : {}),
      });
    }
    notes.push(...report.warnings.map((w) => formatWarning(w, ctx.cwd)));
  }
  const failed = result.findings.length > 0;
  const lines = result.findings.map((f) =>
    f.file
      ? `${relative(ctx.cwd, f.file)}:${f.line}:${f.col}: error: ${f.message}`
      : `error: ${f.path}: ${f.message} (${f.validation}: ${f.schema})`,
  );
  if (ctx.flags.format)
    return { data: { valid: !failed, ...result }, notes: [...notes, ...lines], exitCode: failed ? 1 : 0 };
  const summary =
    result.checks.length === 0
      ? `component "${result.component}" in stack "${result.stack}" has no schemas to check (add settings.validation.<name>.schema_path)\n`
      : `${failed ? `${result.findings.length} error(s)` : "ok"}: ${result.checks.join(", ")}\n`;
  return { text: summary, notes: [...notes, ...lines], exitCode: failed ? 1 : 0 };
}
