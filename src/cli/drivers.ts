import { relative } from "node:path";
import { checkComponent } from "../components/check-component.js";
import { SlipwayError } from "../core/errors.js";
import { dataOf, executeRun, prepareRun, type ReadyRun } from "../components/run.js";
import type { ComponentTypeName } from "../schema/cli-config.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack, stackWarnings } from "./open-engine.js";
import { formatError, formatWarning } from "./output.js";

/**
 * `slipway <type> <action> <component> -s <stack> [--dry-run] [-- extra args]`: one command for every type
 * with tool actions, through the same runner `plan`/`apply` and workflows use.
 */
export function driverCommand(
  type: ComponentTypeName,
  options: (c: CommandContext) => Record<string, unknown> = () => ({}),
) {
  return async (c: CommandContext): Promise<CommandResult> => {
    const { action, component, extra } = positionals(c);
    const { engine, notes } = openEngine(c);
    const stack = requireStack(c);
    notes.push(...stackWarnings(c, engine, stack));
    const resolved = engine.resolveComponent(stack, component, type);
    // A data action (the ansible inventory) prints, it runs no tool.
    const shown = dataOf(resolved, action);
    if (shown) return { ...shown, notes };
    // Validate first, as Atmos does: settings.validation schemas and policies, the built-in schema.
    const checked = await checkComponent(engine, resolved, c.env, "run", { variables: false });
    notes.push(...checked.warnings.map((w) => formatWarning(w, c.cwd)));
    if (checked.errors.length > 0)
      return {
        notes: [...notes, ...checked.errors.map((e) => formatError(e, c.cwd)), "nothing ran"],
        exitCode: 1,
      };
    const ready = await prepareRun({
      engine,
      component: resolved,
      action,
      env: c.env,
      extra,
      options: options(c),
    });
    return runReady(c, ready, notes);
  };
}

/**
 * The action, the component and what goes to the tool, from the words as Atmos spells them:
 * `state <subcommand> <component>` (`state list vpc`), otherwise `<action> <component> [tool args…]`
 * (`import vpc ADDR ID`, `taint vpc ADDR`); arguments after `--` come last.
 */
function positionals(c: CommandContext): { action: string; component: string; extra: string[] } {
  const [action, first, ...rest] = c.args as [string, string, ...string[]];
  const after = c.extra ?? [];
  if (action === "state") {
    if (rest.length === 0)
      throw new SlipwayError({
        code: "usage",
        message: `state needs a subcommand and a component: "state ${first ?? "list"} <component>"`,
        hint: "e.g. slipway terraform state list vpc -s dev",
      });
    return { action, component: rest[0]!, extra: [first, ...rest.slice(1), ...after] };
  }
  return { action, component: first, extra: [...rest, ...after] };
}

/** String flags a command passes to its type, by name. */
export function stringFlags(c: CommandContext, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) if (typeof c.flags[n] === "string") out[n] = c.flags[n];
  return out;
}

/**
 * A prepared run as a command result: on --dry-run the files and argv; otherwise the run with the tool's
 * output on this terminal, failures (per host and task for ansible) and notes, and the tool's exit code.
 */
export async function runReady(
  c: CommandContext,
  ready: ReadyRun,
  notes: string[] = [],
): Promise<CommandResult> {
  const warnings = ready.warnings.map((w) => formatWarning(w, c.cwd));
  if (ready.errors.length > 0)
    return { notes: [...notes, ...warnings, ...ready.errors.map((e) => formatError(e, c.cwd))], exitCode: 1 };
  let text: string | undefined;
  const outcome = await executeRun(ready, {
    env: c.env,
    dryRun: c.flags["dry-run"] === true,
    output: "inherit",
    show: (p) => relative(c.cwd, p) || ".",
    onDryRun: (t) => (text = t),
  });
  const what = `component "${ready.component.atmos_component}" in stack "${ready.component.atmos_stack}"`;
  const all = [...notes, ...warnings, ...outcome.failures.map((f) => `error: ${f}`), ...outcome.notes];
  if (outcome.status === "failed" && outcome.failures.length === 0)
    all.push(`error: ${outcome.reason} for ${what}`);
  return {
    ...(text !== undefined ? { text } : {}),
    notes: all,
    ...(outcome.status === "failed" ? { exitCode: outcome.exitCode ?? 1 } : {}),
  };
}

/** `slipway terraform <action> <component> -s <stack> [--dry-run] [-- extra args]` */
export const terraformCommand = driverCommand("terraform");
/** `slipway packer <init|validate|build|fmt|inspect> <component> -s <stack> [--dry-run] [-- extra args]` */
export const packerCommand = driverCommand("packer");
/** `slipway ansible <run|inventory|syntax-check> <component> -s <stack> [--limit H] [--tags T] [--check] [--diff]` */
export const ansibleCommand = driverCommand("ansible", (c) => ({
  ...stringFlags(c, ["limit", "tags"]),
  check: c.flags.check === true,
  diff: c.flags.diff === true,
}));
