import type { CommandDef } from "./command.js";

const stackFlag = { type: "string", short: "s", description: "Stack name", value: "STACK" } as const;

/** Every command slipway has. The README's command reference is generated from this table. */
export const COMMANDS: CommandDef[] = [
  {
    words: ["describe", "component"],
    summary: "Show a component's resolved configuration in a stack",
    description:
      "Imports, deep merge (global → type → bases → component → overrides), inheritance and templates applied. " +
      "Field names match Atmos's `describe component`, so existing scripts keep working.",
    args: [{ name: "component", description: "Component name", required: true }],
    flags: {
      stack: { ...stackFlag, description: "Stack name (required)" },
      provenance: {
        type: "boolean",
        description: "Show, next to each value, the file:line and import chain it came from",
      },
      type: { type: "string", description: "Component type, when the name exists in several", value: "TYPE" },
    },
    dataOutput: true,
    examples: [
      "slipway describe component k3s-cluster -s pve-prod",
      "slipway describe component k3s-cluster -s pve-prod --provenance",
    ],
    load: async () => (await import("./describe.js")).describeComponentCommand,
  },
  {
    words: ["describe", "stacks"],
    summary: "Show every stack with its resolved components",
    args: [],
    flags: {
      stack: { ...stackFlag, description: "Only this stack" },
      components: { type: "string", description: "Only these components (comma-separated)", value: "A,B" },
      "component-types": {
        type: "string",
        description: "Only these types (terraform,packer,ansible,kubernetes)",
        value: "T,…",
      },
      sections: { type: "string", description: "Only these sections (vars,settings,env,…)", value: "S,…" },
    },
    dataOutput: true,
    examples: ["slipway describe stacks --format json", "slipway describe stacks -s pve-dev --sections vars"],
    load: async () => (await import("./describe.js")).describeStacksCommand,
  },
  {
    words: ["list", "stacks"],
    summary: "List stack names",
    dataOutput: true,
    load: async () => (await import("./list.js")).listStacksCommand,
  },
  {
    words: ["list", "components"],
    summary: "List components, per stack (abstract and disabled ones marked)",
    flags: { stack: { ...stackFlag, description: "Only this stack" } },
    dataOutput: true,
    load: async () => (await import("./list.js")).listComponentsCommand,
  },
  {
    words: ["validate", "stacks"],
    summary: "Check every manifest and stack: YAML, imports, cycles, inheritance, section types, conflicts",
    description:
      "Reports every finding, not only the first, as file:line:col with a hint; exits 1 when there is any.",
    dataOutput: true,
    load: async () => (await import("./validate.js")).validateStacksCommand,
  },
  {
    words: ["validate", "component"],
    summary:
      "Validate a component's resolved config against its JSON Schemas (settings.validation) and built-in schema",
    args: [{ name: "component", description: "Component name", required: true }],
    flags: { stack: { ...stackFlag, description: "Stack name (required)" } },
    dataOutput: true,
    load: async () => (await import("./validate.js")).validateComponentCommand,
  },
  {
    words: ["schema"],
    summary: "Print JSON Schema for editors: stack manifests (default), config, or a built-in component",
    args: [{ name: "what", description: "manifest | config | <type>/<component>" }],
    load: async () => (await import("./schema.js")).schemaCommand,
  },
];
