import { findConfigFile, loadConfig } from "../config/load-config.js";
import { SlipwayError } from "../core/errors.js";
import { COMPONENT_TYPES, type ComponentTypeName } from "../schema/cli-config.js";
import { StackEngine } from "../stack/engine.js";
import { Inputs, recordEnv, type InputRecord } from "../stack/inputs.js";
import type { CommandContext } from "./command.js";
import { formatWarning } from "./output.js";

/**
 * Finds the config the way the README documents and opens the stack engine on it. With `record`, every
 * file, check, glob and environment variable the config and the engine read is written into it.
 */
export function openEngine(
  ctx: CommandContext,
  record?: InputRecord,
): { engine: StackEngine; notes: string[] } {
  const env = record ? recordEnv(ctx.env, record) : ctx.env;
  const inputs = new Inputs(record);
  const file = findConfigFile({
    explicit: ctx.flags.config as string | undefined,
    cwd: ctx.cwd,
    env,
    inputs,
  });
  const config = loadConfig(file, env, inputs);
  return {
    engine: new StackEngine({ config, env, inputs }),
    notes: config.warnings.map((w) => formatWarning(w, ctx.cwd)),
  };
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
