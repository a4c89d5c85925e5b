import { defineCommand, type CommandDef } from "../command.js";

/** Tracing a rendered file's values back to the stack values that produced them. */
export const WHY_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["why"],
    summary: "Show which stack value produced a line (or every value) of a rendered file",
    description:
      "Reads the provenance index `slipway render` keeps in the tree (.slipway-provenance): for each rendered value, the stack value it is a copy of or was built from, with its file:line:col, import chain and merge level, and where to edit it. Values the renderer computes are named as such. A file render did not write, or one changed since render, or rendered from stack files changed since, is an error: render again.",
    args: [{ name: "file", description: "A rendered file, optionally with :LINE", required: true }],
    dataOutput: "table",
    examples: [
      "slipway why gitops/distributions/homelab-prod/patches/cilium.yaml:9",
      "slipway why gitops/bases/addons/cilium/release.yaml --format json",
    ],
    load: async () => (await import("../why.js")).whyCommand,
  }),
];
