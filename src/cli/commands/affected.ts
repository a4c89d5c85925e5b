import { defineCommand, type CommandDef, type FlagDef } from "../command.js";
import { stackFlag } from "./flags.js";

/** Which revision to compare the work tree with, and what to keep: flags of describe/list affected. */
export const AFFECTED_FLAGS: Record<string, FlagDef> = {
  ref: {
    type: "string",
    description: "Compare with this branch or tag (default: the merge base of HEAD and the default branch)",
    value: "REF",
  },
  sha: { type: "string", description: "Compare with this commit", value: "SHA" },
  base: {
    type: "string",
    description: "Compare with this branch, tag or commit (Atmos 1.225's name for --ref / --sha)",
    value: "REV",
  },
  stack: { ...stackFlag, description: "Only this stack" },
  "include-dependents": {
    type: "boolean",
    description: "Add, to each affected component, the components that depend on it (settings.depends_on)",
  },
  "include-settings": {
    type: "boolean",
    description: "Keep each affected component's settings in the output",
  },
  "exclude-locked": { type: "boolean", description: "Leave out components with metadata.locked: true" },
};

/** Change detection: which component instances a change between two revisions touches. */
export const AFFECTED_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["describe", "affected"],
    summary: "List the component instances a change affects, with why (Atmos's describe affected)",
    description:
      "Resolves the repository at the other revision — read through git, nothing checked out — and in the work tree, and lists each component instance that differs: stack.metadata, component.module (a local module it calls changed), component (a file in its folder changed), stack.vars, stack.env, stack.providers, stack.backend, stack.backend_type, stack.command, stack.settings, file / folder (a settings.depends_on file or folder changed), deleted, deleted.stack. The JSON has Atmos's fields (component, component_type, component_path, stack, stack_slug, affected, affected_all, file, folder, dependents, included_in_dependents, settings, deleted, deletion_type), so CI integrations keep working; entries are sorted by stack, type and component. Uncommitted and untracked changes count.",
    args: [],
    flags: AFFECTED_FLAGS,
    dataOutput: true,
    examples: [
      "slipway describe affected --format json",
      "slipway describe affected --ref main --include-dependents --format json",
    ],
    load: async () => (await import("../affected.js")).describeAffectedCommand,
  }),
  defineCommand({
    words: ["list", "affected"],
    summary: "List the affected component instances as a table (stack, component, type, reasons)",
    args: [],
    flags: AFFECTED_FLAGS,
    dataOutput: "table",
    examples: ["slipway list affected", "slipway list affected --sha HEAD~3"],
    load: async () => (await import("../affected.js")).listAffectedCommand,
  }),
];
