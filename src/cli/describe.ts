import type { CommandContext, CommandResult } from "./command.js";
import { componentTypes, listFlag, openEngine, requireStack, stackWarnings } from "./open-engine.js";
import { formatWithProvenance, mapChunks, outputFormat } from "./output.js";
import type { InputRecord } from "../core/inputs.js";
import { SlipwayError } from "../core/errors.js";
import { closestName } from "../core/suggest.js";

/** `slipway describe component <component> -s <stack> [--provenance]` */
export function describeComponentCommand(ctx: CommandContext): CommandResult {
  const { engine, notes } = openEngine(ctx);
  const stack = requireStack(ctx);
  notes.push(...stackWarnings(ctx, engine, stack));
  const [component] = ctx.args as [string];
  const type = componentTypes(ctx.flags.type, "--type")?.[0];
  const resolved = engine.resolveComponent(stack, component, type);
  if (!ctx.flags.provenance) return { data: resolved, notes };
  const origins = engine.provenance(stack, component, resolved.component_type);
  return {
    text: formatWithProvenance(
      resolved as unknown as Record<string, unknown>,
      origins,
      outputFormat(ctx.flags.format),
    ),
    notes,
  };
}

/**
 * The output of `describe stacks`, computed (describe-stacks.ts answers from the cache first). With
 * `record`, every input the run reads is written into it.
 */
export function describeStacksOutput(
  ctx: CommandContext,
  record?: InputRecord,
): { chunks: Iterable<string>; notes: string[] } {
  const { engine, notes } = openEngine(ctx, record);
  const stacks = engine.describeStacksEach({
    stack: typeof ctx.flags.stack === "string" ? ctx.flags.stack : undefined,
    components: listFlag(ctx.flags.components),
    componentTypes: componentTypes(ctx.flags["component-types"], "--component-types"),
    sections: knownSections(listFlag(ctx.flags.sections)),
  });
  // Written one stack at a time, so a large repository never holds its whole output in memory.
  return { chunks: mapChunks(stacks, outputFormat(ctx.flags.format)), notes };
}

/** What a resolved component holds, by the names `--sections` takes (Atmos's describe fields). */
const SECTIONS = [
  "atmos_component",
  "atmos_stack",
  "atmos_stack_file",
  "stack",
  "component",
  "component_type",
  "metadata",
  "vars",
  "settings",
  "env",
  "backend_type",
  "backend",
  "providers",
  "overrides",
  "imports",
  "inheritance",
  "workspace",
  "command",
  "dependencies",
];

/** `--sections`, checked: a name no component has would give empty output, never an error, without this. */
function knownSections(list: string[] | undefined): string[] | undefined {
  for (const s of list ?? []) {
    if (SECTIONS.includes(s)) continue;
    const near = closestName(s, SECTIONS);
    throw new SlipwayError({
      code: "usage",
      message: `--sections ${s}: no such section${near ? ` (did you mean ${near}?)` : ""}`,
      hint: `sections: ${SECTIONS.join(", ")}`,
    });
  }
  return list;
}
