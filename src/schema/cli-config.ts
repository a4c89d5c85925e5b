import { z } from "zod";

export const COMPONENT_TYPES = ["terraform", "packer", "ansible", "kubernetes"] as const;
export type ComponentTypeName = (typeof COMPONENT_TYPES)[number];

export const ListMergeStrategy = z.enum(["replace", "append", "merge"]);
export type ListMergeStrategy = z.infer<typeof ListMergeStrategy>;

const ComponentTypeConfig = z.object({
  base_path: z.string().optional().describe("Folder of this type's components, relative to base_path"),
  command: z.string().optional().describe("The executable slipway runs for this type"),
});

/** `slipway.yaml` / `atmos.yaml`: the fields slipway reads. */
export const CliConfigSchema = z.object({
  base_path: z.string().optional().describe("Root of the repository, relative to this file"),
  components: z
    .object({
      terraform: ComponentTypeConfig.optional(),
      packer: ComponentTypeConfig.optional(),
      ansible: ComponentTypeConfig.optional(),
      kubernetes: ComponentTypeConfig.optional(),
    })
    .optional(),
  stacks: z
    .object({
      base_path: z.string().optional(),
      included_paths: z.array(z.string()).optional(),
      excluded_paths: z.array(z.string()).optional(),
      name_pattern: z.string().optional(),
      name_template: z.string().optional(),
    })
    .optional(),
  workflows: z.object({ base_path: z.string().optional() }).optional(),
  settings: z.object({ list_merge_strategy: ListMergeStrategy.optional() }).optional(),
  templates: z.object({ settings: z.object({ enabled: z.boolean().optional() }).optional() }).optional(),
});
export type CliConfigFile = z.infer<typeof CliConfigSchema>;

/** Top-level keys of atmos.yaml that slipway knows and deliberately ignores (no warning). */
export const ATMOS_ONLY_KEYS = new Set([
  "logs",
  "schemas",
  "integrations",
  "commands",
  "aliases",
  "validate",
  "describe",
  "vendor",
  "version",
  "errors",
  "docs",
  "toolchain",
  "settings.terminal",
  "settings.inject_github_token",
  "settings.docs",
  "components.helmfile",
  "templates.settings.sprig",
  "templates.settings.gomplate",
  "templates.settings.evaluations",
  "templates.settings.delimiters",
]);
