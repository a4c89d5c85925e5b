import { SlipwayError } from "../core/errors.js";
import { COMPONENT_TYPES, type ComponentTypeName } from "../schema/cli-config.js";
import { openStacks } from "../repo/open-stacks.js";
import type { StackEngine } from "../stack/engine.js";
import type { InputRecord } from "../core/inputs.js";
import type { CommandContext } from "./command.js";
import { formatWarning } from "./output.js";

/** Opens the repository the command runs in (`--config`, else the search the README documents). */
export function openEngine(
  ctx: CommandContext,
  record?: InputRecord,
): { engine: StackEngine; notes: string[] } {
  const { engine, config } = openStacks({
    cwd: ctx.cwd,
    env: ctx.env,
    config: ctx.flags.config as string | undefined,
    record,
    // Stack names kept between runs (not with --debug, which bypasses every cache).
    keepNames: ctx.build && !ctx.flags.debug ? { build: ctx.build() } : undefined,
    processFunctions: processFunctions(ctx.flags["process-functions"]),
  });
  return { engine, notes: config.warnings.map((w) => formatWarning(w, ctx.cwd)) };
}

/** The stack's manifest warnings (unknown keys, Atmos-only sections), formatted: every command on a stack shows them. */
export function stackWarnings(ctx: CommandContext, engine: StackEngine, stack: string): string[] {
  try {
    return engine.warningsOf(stack).map((w) => formatWarning(w, ctx.cwd));
  } catch (e) {
    // An unknown stack is reported by the command itself, with its own hint.
    if (e instanceof SlipwayError) return [];
    throw e;
  }
}

/** `--process-functions=true|false` (absent: true). */
function processFunctions(v: unknown): boolean {
  if (v === undefined || v === "true") return true;
  if (v === "false") return false;
  throw new SlipwayError({
    code: "usage",
    message: `--process-functions must be true or false, not "${String(v)}"`,
    hint: "use --process-functions=false to show YAML functions as written",
  });
}

/** `-s STACK`, required. */
export function requireStack(ctx: CommandContext): string {
  const s = ctx.flags.stack;
  if (typeof s !== "string" || !s)
    throw new SlipwayError({
      code: "usage",
      message: "missing -s <stack>",
      hint: "`slipway list stacks` lists the stacks",
    });
  return s;
}

/** A comma-separated flag as a list. */
export function listFlag(v: unknown): string[] | undefined {
  return typeof v === "string" && v
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

/** `--type` / `--component-types` values, checked. */
export function componentTypes(v: unknown, flag: string): ComponentTypeName[] | undefined {
  const list = listFlag(v);
  for (const t of list ?? []) {
    if (!(COMPONENT_TYPES as readonly string[]).includes(t)) {
      throw new SlipwayError({
        code: "usage",
        message: `${flag}: unknown component type "${t}"`,
        hint: `use ${COMPONENT_TYPES.join(", ")}`,
      });
    }
  }
  return list as ComponentTypeName[] | undefined;
}
