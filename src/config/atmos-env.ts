import { resolve } from "node:path";
import { SlipwayError } from "../core/errors.js";
import type { Warning } from "../core/place.js";
import type { ComponentTypeName, ListMergeStrategy } from "../schema/cli-config.js";

/** What the `ATMOS_*` variables set, each over the same field of atmos.yaml. */
export interface AtmosEnvOverlay {
  /** Absolute: a relative ATMOS_BASE_PATH starts at the working directory, as in Atmos. */
  basePath?: string;
  stacksBasePath?: string;
  includedPaths?: string[];
  excludedPaths?: string[];
  namePattern?: string;
  nameTemplate?: string;
  workflowsBasePath?: string;
  listMergeStrategy?: ListMergeStrategy;
  commands: Partial<Record<ComponentTypeName, string>>;
  basePaths: Partial<Record<ComponentTypeName, string>>;
  warnings: Warning[];
}

/** Atmos's component types that are slipway's too, as their variables spell them. */
const TYPES: [string, ComponentTypeName][] = [
  ["TERRAFORM", "terraform"],
  ["PACKER", "packer"],
];

/**
 * Atmos's documented variables for settings slipway does not have, or has its own way (it always writes
 * the backend file, runs `init -reconfigure` when the backend changed, …). Set, each is a warning: the
 * user expects it to change something, and here it does not.
 */
const NOT_READ = [
  "ATMOS_COMPONENTS_TERRAFORM_APPLY_AUTO_APPROVE",
  "ATMOS_COMPONENTS_TERRAFORM_DEPLOY_RUN_INIT",
  "ATMOS_COMPONENTS_TERRAFORM_INIT_RUN_RECONFIGURE",
  "ATMOS_COMPONENTS_TERRAFORM_INIT_PASS_VARS",
  "ATMOS_COMPONENTS_TERRAFORM_PLAN_SKIP_PLANFILE",
  "ATMOS_COMPONENTS_TERRAFORM_AUTO_GENERATE_BACKEND_FILE",
  "ATMOS_COMPONENTS_TERRAFORM_APPEND_USER_AGENT",
  "ATMOS_COMPONENTS_HELMFILE_COMMAND",
  "ATMOS_COMPONENTS_HELMFILE_BASE_PATH",
  "ATMOS_VENDOR_BASE_PATH",
  "ATMOS_SCHEMAS_JSONSCHEMA_BASE_PATH",
  "ATMOS_SCHEMAS_OPA_BASE_PATH",
  "ATMOS_SCHEMAS_CUE_BASE_PATH",
  "ATMOS_SCHEMAS_ATMOS_MANIFEST",
];

const STRATEGIES: readonly ListMergeStrategy[] = ["replace", "append", "merge"];

/**
 * The `ATMOS_*` variables Atmos documents for the settings slipway shares with it, read the way Atmos reads
 * them (lists comma-separated). One that slipway has no use for is a warning when set, not silently ignored.
 */
export function atmosEnv(env: Record<string, string | undefined>, file: string): AtmosEnvOverlay {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === "" ? undefined : v;
  };
  const list = (name: string) => get(name)?.split(",");
  const out: AtmosEnvOverlay = { commands: {}, basePaths: {}, warnings: [] };
  const set = <K extends keyof AtmosEnvOverlay>(key: K, v: AtmosEnvOverlay[K] | undefined) => {
    if (v !== undefined) out[key] = v;
  };
  const base = get("ATMOS_BASE_PATH");
  set("basePath", base === undefined ? undefined : resolve(base));
  set("stacksBasePath", get("ATMOS_STACKS_BASE_PATH"));
  set("includedPaths", list("ATMOS_STACKS_INCLUDED_PATHS"));
  set("excludedPaths", list("ATMOS_STACKS_EXCLUDED_PATHS"));
  set("namePattern", get("ATMOS_STACKS_NAME_PATTERN"));
  set("nameTemplate", get("ATMOS_STACKS_NAME_TEMPLATE"));
  set("workflowsBasePath", get("ATMOS_WORKFLOWS_BASE_PATH"));
  for (const [spelled, type] of TYPES) {
    const command = get(`ATMOS_COMPONENTS_${spelled}_COMMAND`);
    const basePath = get(`ATMOS_COMPONENTS_${spelled}_BASE_PATH`);
    if (command !== undefined) out.commands[type] = command;
    if (basePath !== undefined) out.basePaths[type] = basePath;
  }
  const strategy = get("ATMOS_SETTINGS_LIST_MERGE_STRATEGY");
  if (strategy !== undefined) {
    if (!STRATEGIES.includes(strategy as ListMergeStrategy))
      throw new SlipwayError({
        code: "config",
        message: `ATMOS_SETTINGS_LIST_MERGE_STRATEGY is "${strategy}", which is not a list merge strategy`,
        hint: `set it to one of ${STRATEGIES.join(", ")}, or unset it`,
      });
    out.listMergeStrategy = strategy as ListMergeStrategy;
  }
  for (const name of NOT_READ) {
    if (get(name) === undefined) continue;
    out.warnings.push({
      message: `${name} is set, but slipway does not read it: it changes nothing here (config ${file})`,
      file,
    });
  }
  return out;
}
