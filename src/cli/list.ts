import { COMPONENT_TYPES } from "../schema/cli-config.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine } from "./open-engine.js";
import { textTable } from "./output.js";

/** `slipway list stacks` */
export function listStacksCommand(ctx: CommandContext): CommandResult {
  const { engine, notes } = openEngine(ctx);
  const stacks = engine.stackNames();
  return ctx.flags.format ? { data: stacks, notes } : { text: stacks.map((s) => s + "\n").join(""), notes };
}

export interface ComponentListing {
  stack: string;
  component: string;
  type: string;
  folder: string;
  abstract: boolean;
  enabled: boolean;
}

/** `slipway list components [-s stack]` — abstract and disabled components marked. */
export function listComponentsCommand(ctx: CommandContext): CommandResult {
  const { engine, notes } = openEngine(ctx);
  const entries =
    typeof ctx.flags.stack === "string" ? [engine.stack(ctx.flags.stack)] : [...engine.stacks().values()];
  const rows: ComponentListing[] = [];
  for (const entry of entries) {
    for (const type of COMPONENT_TYPES) {
      for (const name of entry.componentNames(type)) {
        const c = engine.resolveComponent(entry.name, name, type);
        rows.push({
          stack: entry.name,
          component: name,
          type,
          folder: c.component,
          abstract: c.metadata.type === "abstract",
          enabled: c.metadata.enabled !== false,
        });
      }
    }
  }
  if (ctx.flags.format) return { data: rows, notes };
  return { text: table(rows), notes };
}

function table(rows: ComponentListing[]): string {
  return textTable(
    ["STACK", "COMPONENT", "TYPE", "FOLDER", "MARKS"],
    rows.map((r) => [
      r.stack,
      r.component,
      r.type,
      r.folder,
      [r.abstract ? "abstract" : "", r.enabled ? "" : "disabled"].filter(Boolean).join(","),
    ]),
  );
}
