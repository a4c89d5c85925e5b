import { z } from "zod";
import type { Warning } from "../core/place.js";

export const COMPONENT_TYPES = ["terraform", "packer", "ansible", "kubernetes"] as const;
export type ComponentTypeName = (typeof COMPONENT_TYPES)[number];

export const ListMergeStrategy = z.enum(["replace", "append", "merge"]);
export type ListMergeStrategy = z.infer<typeof ListMergeStrategy>;

const ComponentTypeConfig = z.object({
  base_path: z.string().optional().describe("Folder of this type's components, relative to base_path"),
  command: z.string().optional().describe("The executable slipway runs for this type"),
});

const TerraformConfig = ComponentTypeConfig.extend({
  workspace: z
    .object({
      prefix_separator: z
        .string()
        .optional()
        .describe('What "/" in a component name becomes in default state keys: "-" (default) or "/"'),
    })
    .optional(),
});

/** `slipway.yaml` / `atmos.yaml`: the fields slipway reads. */
export const CliConfigSchema = z.object({
  base_path: z.string().optional().describe("Root of the repository, relative to this file"),
  components: z
    .object({
      terraform: TerraformConfig.optional(),
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
  templates: z
    .object({
      settings: z
        .object({
          enabled: z.boolean().optional(),
          env: z
            .record(z.string(), z.string())
            .optional()
            .describe('Environment variables the stack templates see ({{ env "NAME" }}), over the real ones'),
        })
        .optional(),
    })
    .optional(),
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe("Environment for every component, below the stacks' own env (as Atmos's atmos.yaml env)"),
});
export type CliConfigFile = z.infer<typeof CliConfigSchema>;

/** Which file the config came from: an atmos.yaml keeps Atmos's defaults. */
export type ConfigFlavour = "slipway" | "atmos";

/** Each component type's command when the config names none, per flavour. */
export type DefaultCommands = (flavour: ConfigFlavour) => Record<ComponentTypeName, string>;

/** The resolved CLI configuration: every path absolute, every default filled in. */
export interface CliConfig {
  /** The file it came from. */
  file: string;
  basePath: string;
  components: Record<ComponentTypeName, { basePath: string; command: string }>;
  stacks: {
    basePath: string;
    includedPaths: string[];
    excludedPaths: string[];
    namePattern?: string;
    nameTemplate?: string;
  };
  workflowsBasePath: string;
  /** components.terraform.workspace.prefix_separator: what "/" in a component name becomes in default state keys. */
  prefixSeparator: string;
  listMergeStrategy: ListMergeStrategy;
  templatesEnabled: boolean;
  /** `templates.settings.env`: what `{{ env "NAME" }}` sees over the process environment. */
  templateEnv: Record<string, string>;
  /** The config's own `env:`, merged under every component's env. */
  env: Record<string, string>;
  warnings: Warning[];
}

/** Top-level sections of atmos.yaml that slipway does not use; they are accepted without a warning. */
const ATMOS_TOP_LEVEL = new Set([
  "edition",
  "cast",
  "imports",
  "import",
  "logs",
  "diagnostics",
  "errors",
  "commands",
  "aliases",
  "command_aliases",
  "integrations",
  "schemas",
  "describe",
  "stores",
  "secrets",
  "vendor",
  "version",
  "validate",
  "docs",
  "auth",
  "container",
  "compositions",
  "profiler",
  "track_provenance",
  "toolchain",
  "git",
  "devcontainer",
  "profiles",
  "metadata",
  "list",
  "ci",
  "ai",
  "aws",
  "mcp",
  "lsp",
  "scaffold",
  "cli",
]);

/** Atmos settings for each component type that slipway does not use. */
const ATMOS_COMPONENT_KEYS = new Set([
  "apply_auto_approve",
  "deploy_run_init",
  "init_run_reconfigure",
  "auto_generate_backend_file",
  "apply_auto_generated_backend_file",
  "auto_generate_files",
  "append_user_agent",
  "shell",
  "init",
  "plan",
  "plugin_cache",
  "plugin_cache_dir",
  "planfiles",
  "ci",
  "lint",
  "platforms",
  "provider",
  "use_eks",
  "kubeconfig_path",
  "helm_aws_profile_pattern",
  "cluster_name_pattern",
  "cluster_name_template",
  "cluster_name",
  "auto_provision_workdir_for_outputs",
]);

/**
 * True for a config path that Atmos defines and slipway ignores on purpose: an existing atmos.yaml should
 * load without a wall of warnings, while a typo in a field slipway reads still gets one.
 */
export function isAtmosOnlyField(path: readonly (string | number)[]): boolean {
  const [top, second, third] = path.map(String);
  if (path.length === 1) return ATMOS_TOP_LEVEL.has(top!);
  if (top === "settings" || top === "templates")
    return !(top === "settings" && second === "list_merge_strategy");
  if (top === "components" && path.length === 2)
    return !["terraform", "packer", "ansible", "kubernetes"].includes(second!);
  if (top === "components" && path.length === 3) return ATMOS_COMPONENT_KEYS.has(third!);
  if (top === "stacks") return second === "list" || second === "inherit";
  return false;
}
