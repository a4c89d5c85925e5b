import { newRecord } from "../core/inputs.js";
import type { CommandContext, CommandResult } from "./command.js";
import { cacheDir, cacheSlot, keepOutput, lookup } from "../cache/describe-output.js";

/**
 * `slipway describe stacks [-s] [--components] [--component-types] [--sections]`. Asked again with nothing
 * changed, the answer is the last one (describe-cache.ts); the engine is loaded only when it must run.
 */
export async function describeStacksCommand(ctx: CommandContext): Promise<CommandResult> {
  const compute = async () => (await import("./describe.js")).describeStacksOutput;
  const dir = ctx.build && !ctx.flags.debug ? cacheDir(ctx.env) : undefined;
  if (!dir || !ctx.build) return (await compute())(ctx);
  const slot = cacheSlot(dir, { build: ctx.build(), cwd: ctx.cwd, args: ctx.args, flags: ctx.flags });
  const hit = lookup(slot, ctx.env);
  if (hit) return { chunks: [hit.output], notes: hit.notes };
  const record = newRecord();
  const { chunks, notes } = (await compute())(ctx, record);
  return { chunks: keepOutput(chunks, slot, record, notes), notes };
}
