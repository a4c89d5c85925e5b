import { defineCommand, type CommandDef } from "../command.js";

/** The JSON Schemas slipway's own files follow. */
export const SCHEMA_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["schema"],
    summary: "Print JSON Schema for editors: stack manifests (default), config, or a built-in component",
    args: [{ name: "what", description: "manifest | config | <type>/<component>" }],
    load: async () => (await import("../schema.js")).schemaCommand,
  }),
];
