import { defaultCommands, REGISTRY } from "../components/registry.js";
import { findConfigFile, loadConfig } from "../config/load-config.js";
import type { CliConfig } from "../schema/cli-config.js";
import { StackEngine } from "../stack/engine.js";
import { Inputs, recordEnv, type InputRecord } from "../core/inputs.js";
import { validateStacks, type ValidationReport } from "../stack/validate.js";

export interface OpenStacksOptions {
  /** Where the search for slipway.yaml / atmos.yaml starts. */
  cwd: string;
  env?: Record<string, string | undefined>;
  /** A config file, or a folder holding one (`--config`); else SLIPWAY_CONFIG, ATMOS_CLI_CONFIG_PATH, cwd up. */
  config?: string;
  /** With a record, every file, check, glob and environment variable read is written into it (caches key on it). */
  record?: InputRecord;
}

/**
 * Opens a platform repository: finds its config the way the README documents, loads it with the
 * component types' defaults, and returns the stack engine on it. Config warnings are on `config.warnings`.
 */
export function openStacks(opts: OpenStacksOptions): { engine: StackEngine; config: CliConfig } {
  const env = opts.record ? recordEnv(opts.env ?? {}, opts.record) : (opts.env ?? {});
  const inputs = new Inputs(opts.record);
  const file = findConfigFile({ explicit: opts.config, cwd: opts.cwd, env, inputs });
  const config = loadConfig(file, env, inputs, defaultCommands);
  return { engine: new StackEngine({ config, env, inputs }), config };
}

/** Loads one config file with the component types' defaults (no search). */
export function loadStacksConfig(file: string, env: Record<string, string | undefined> = {}): CliConfig {
  return loadConfig(file, env, new Inputs(), defaultCommands);
}

/** `validate stacks` with the component types' folder rules: every finding in every file and stack. */
export function validateRepository(engine: StackEngine): ValidationReport {
  return validateStacks(engine, (type) => REGISTRY[type].folder.required);
}
