import { basename, dirname, join, resolve } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { atmosEnv, type AtmosEnvOverlay } from "./atmos-env.js";
import {
  CliConfigSchema,
  COMPONENT_TYPES,
  isAtmosOnlyField,
  type CliConfig,
  type DefaultCommands,
} from "../schema/cli-config.js";
import { checkAgainst } from "../schema/check-yaml.js";
import { unknownKeys } from "../schema/zod-walk.js";
import { Inputs } from "../core/inputs.js";
import { parseYaml } from "../yaml/parse.js";
import { locate } from "../yaml/positions.js";
import type { Warning } from "../core/place.js";

const CONFIG_NAMES = ["slipway.yaml", "slipway.yml", "atmos.yaml", "atmos.yml"];

/** An atmos.yaml gets Atmos's defaults, so an existing Atmos repository resolves as Atmos resolves it. */
const isAtmosConfig = (file: string) => /^atmos\.ya?ml$/.test(basename(file));

export type { CliConfig, ConfigFlavour, DefaultCommands } from "../schema/cli-config.js";

export interface FindConfigOptions {
  /** `--config`: a file, or a folder holding one. */
  explicit?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** File checks (default: plain, unrecorded). */
  inputs?: Inputs;
}

/** Finds the config file: `--config`, then SLIPWAY_CONFIG / ATMOS_CLI_CONFIG_PATH, then cwd up to the git root. */
export function findConfigFile(opts: FindConfigOptions): string {
  const inputs = opts.inputs ?? new Inputs();
  const explicit = [
    { value: opts.explicit, source: "--config" },
    { value: opts.env.SLIPWAY_CONFIG, source: "SLIPWAY_CONFIG" },
    { value: opts.env.ATMOS_CLI_CONFIG_PATH, source: "ATMOS_CLI_CONFIG_PATH" },
  ].find((c) => c.value);
  if (explicit?.value) {
    const path = resolve(opts.cwd, explicit.value);
    const found = fileOrFolderConfig(path, inputs);
    if (found) return found;
    throw new SlipwayError({
      code: "config",
      message: `${explicit.source} points at ${path}, which is not a config file or a folder holding slipway.yaml or atmos.yaml`,
      hint: `fix ${explicit.source} or create ${join(path, "slipway.yaml")}`,
    });
  }
  for (let dir = resolve(opts.cwd); ; dir = dirname(dir)) {
    const found = fileOrFolderConfig(dir, inputs);
    if (found) return found;
    if (inputs.exists(join(dir, ".git")) || dirname(dir) === dir) break;
  }
  throw new SlipwayError({
    code: "config",
    message: `no slipway.yaml or atmos.yaml in ${opts.cwd} or its parents (up to the git root)`,
    hint: "run slipway from your platform repository or pass --config PATH; to start one here: slipway init",
  });
}

function fileOrFolderConfig(path: string, inputs: Inputs): string | undefined {
  if (!inputs.exists(path)) return undefined;
  if (inputs.isFile(path)) return path;
  // slipway.yaml wins over atmos.yaml in the same folder.
  return CONFIG_NAMES.map((n) => join(path, n)).find((p) => inputs.exists(p));
}

/**
 * Loads and validates a config file; unknown fields are warnings. `defaultCommands` gives each component
 * type's command when the file names none (the component-type registry's `defaultCommands`).
 */
export function loadConfig(
  file: string,
  env: Record<string, string | undefined>,
  inputs: Inputs,
  defaultCommands: DefaultCommands,
): CliConfig {
  const text = readText(file, inputs);
  const parseOpts = { file, env, basePath: dirname(file), read: (p: string) => inputs.read(p) };
  const raw = parseYaml(text, parseOpts) ?? {};
  const c = checkAgainst(CliConfigSchema, raw, text, parseOpts, {
    code: "config",
    hint: "see `slipway schema config` for the fields and their types",
  });
  const warnings: Warning[] = unknownKeys(CliConfigSchema, raw)
    .filter((p) => !isAtmosOnlyField(p))
    .map((p) => ({
      message: `unknown config field "${p.join(".")}" is ignored`,
      file,
      ...locate(text, p, parseOpts, "key"),
    }));
  // An atmos.yaml reads the ATMOS_* variables over its fields, as Atmos does.
  const atmos = isAtmosConfig(file);
  const e: AtmosEnvOverlay = atmos ? atmosEnv(env, file) : { commands: {}, basePaths: {}, warnings: [] };
  warnings.push(...e.warnings);
  const root = e.basePath ?? resolve(dirname(file), c.base_path ?? ".");
  const defaults = defaultCommands(atmos ? "atmos" : "slipway");
  const components = Object.fromEntries(
    COMPONENT_TYPES.map((t) => [
      t,
      {
        basePath: resolve(root, e.basePaths[t] ?? c.components?.[t]?.base_path ?? join("components", t)),
        command: e.commands[t] ?? c.components?.[t]?.command ?? defaults[t],
      },
    ]),
  ) as CliConfig["components"];
  return {
    file,
    basePath: root,
    components,
    stacks: {
      basePath: resolve(root, e.stacksBasePath ?? c.stacks?.base_path ?? "stacks"),
      includedPaths: e.includedPaths ?? c.stacks?.included_paths ?? ["**/*"],
      excludedPaths: e.excludedPaths ?? c.stacks?.excluded_paths ?? [],
      namePattern: (e.namePattern ?? c.stacks?.name_pattern) || undefined,
      nameTemplate: (e.nameTemplate ?? c.stacks?.name_template) || undefined,
    },
    workflowsBasePath: resolve(root, e.workflowsBasePath ?? c.workflows?.base_path ?? "stacks/workflows"),
    prefixSeparator: c.components?.terraform?.workspace?.prefix_separator || "-",
    listMergeStrategy: e.listMergeStrategy ?? c.settings?.list_merge_strategy ?? "replace",
    // Atmos renders stack templates only when atmos.yaml turns them on; slipway.yaml has them on by default.
    templatesEnabled: c.templates?.settings?.enabled ?? !isAtmosConfig(file),
    templateEnv: c.templates?.settings?.env ?? {},
    env: c.env ?? {},
    warnings,
  };
}

function readText(file: string, inputs: Inputs): string {
  try {
    return inputs.read(file);
  } catch (e) {
    if (e instanceof SlipwayError) throw e;
    throw new SlipwayError({ code: "io", message: `cannot read ${file}: ${(e as Error).message}`, file });
  }
}
