import { newRecord } from "../stack/inputs.js";
import type { CommandContext, CommandResult } from "./command.js";
import { cacheDir, cacheSlot, keepOutput, lookup } from "./describe-cache.js";

/**
 * `slipway describe stacks [-s] [--components] [--component-types] [--sections]`. Asked again with nothing
 * changed, the answer is the last one (describe-cache.ts); the engine is loaded only when it must run.
 */
export async function describeStacksCommand(ctx: CommandContext): Promise<CommandResult> {
  const dir = ctx.build && !ctx.flags.debug ? cacheDir(ctx.env) : undefined;
  const slot = dir
    ? cacheSlot(dir, { build: ctx.build, cwd: ctx.cwd, args: ctx.args, flags: ctx.flags })
    : undefined;
  const hit = slot && lookup(slot, ctx.env);
  if (hit) return { chunks: [hit.output], notes: hit.notes };
  const record = slot ? newRecord() : undefined;
  const { describeStacksOutput } = await import("./describe.js");
  const { chunks, notes } = describeStacksOutput(ctx, record);
  return { chunks: slot && record ? keepOutput(chunks, slot, record, notes) : chunks, notes };
}
