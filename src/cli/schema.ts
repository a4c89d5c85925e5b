import { z } from "zod";
import { SlipwayError } from "../core/errors.js";
import { builtinSchemas } from "../components/registry.js";
import { CliConfigSchema } from "../schema/cli-config.js";
import { ManifestSchema } from "../schema/manifest.js";
import type { CommandContext, CommandResult } from "./command.js";

/** The JSON Schemas slipway can print, by name; built-in component vars join under `<type>/<component>`. */
export async function jsonSchemas(): Promise<Record<string, object>> {
  const out: Record<string, object> = {
    manifest: {
      title: "slipway stack manifest",
      ...z.toJSONSchema(ManifestSchema, { io: "input", unrepresentable: "any" }),
    },
    config: {
      title: "slipway.yaml / atmos.yaml",
      ...z.toJSONSchema(CliConfigSchema, { io: "input", unrepresentable: "any" }),
    },
  };
  for (const [name, schema] of await builtinSchemas())
    out[name] = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return out;
}

/** `slipway schema [manifest|config|<type>/<component>]` */
export async function schemaCommand(ctx: CommandContext): Promise<CommandResult> {
  const what = ctx.args[0] ?? "manifest";
  const all = await jsonSchemas();
  const schema = all[what];
  if (!schema) {
    throw new SlipwayError({
      code: "usage",
      message: `no schema named "${what}"`,
      hint: `available: ${Object.keys(all).join(", ")}`,
    });
  }
  return { text: JSON.stringify(schema, null, 2) + "\n" };
}
