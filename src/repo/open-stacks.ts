import { defaultCommands, REGISTRY } from "../components/registry.js";
import { functionRuntime } from "../components/function-runtime.js";
import { SlipwayError } from "../core/errors.js";
import type { Warning } from "../core/place.js";
import { findConfigFile, loadConfig } from "../config/load-config.js";
import { COMPONENT_TYPES, type CliConfig } from "../schema/cli-config.js";
import { StackEngine } from "../stack/engine.js";
import type { KeptNames } from "../stack/kept-names.js";
import { Inputs, newRecord, recordEnv, type InputRecord } from "../core/inputs.js";
import { stackNamesDir, stackNamesStore } from "../cache/stack-names.js";
import { validateStacks, type ValidationReport } from "../stack/validate.js";

export interface OpenStacksOptions {
  /** Where the search for slipway.yaml / atmos.yaml starts. */
  cwd: string;
  env?: Record<string, string | undefined>;
  /** A config file, or a folder holding one (`--config`); else SLIPWAY_CONFIG, ATMOS_CLI_CONFIG_PATH, cwd up. */
  config?: string;
  /** With a record, every file, check, glob and environment variable read is written into it (caches key on it). */
  record?: InputRecord;
  /**
   * Keep the stack names between runs (src/cache/stack-names.ts), for this slipway build (its id): a
   * command on one stack then opens only that stack's manifests. Off without it, or with caches off.
   */
  keepNames?: { build: string };
  /** False: YAML functions stay as their text (`describe --process-functions=false`). */
  processFunctions?: boolean;
}

/**
 * Opens a platform repository: finds its config the way the README documents, loads it with the
 * component types' defaults, and returns the stack engine on it. Config warnings are on `config.warnings`.
 */
export function openStacks(opts: OpenStacksOptions): { engine: StackEngine; config: CliConfig } {
  const plainEnv = opts.env ?? {};
  const namesDir = opts.keepNames ? stackNamesDir(plainEnv) : undefined;
  const record = opts.record ?? (namesDir ? newRecord() : undefined);
  const store =
    namesDir && record
      ? stackNamesStore<KeptNames>(
          namesDir,
          plainEnv,
          { ...opts.keepNames, cwd: opts.cwd, config: opts.config },
          record,
        )
      : undefined;
  const env = record ? recordEnv(plainEnv, record) : plainEnv;
  const inputs = new Inputs(record);
  const file = findConfigFile({ explicit: opts.config, cwd: opts.cwd, env, inputs });
  const config = loadConfig(file, env, inputs, defaultCommands);
  const engine = new StackEngine({
    config,
    env,
    inputs,
    names: store,
    functions: { process: opts.processFunctions ?? true },
  });
  engine.functions.runtime = functionRuntime(engine, env, opts.cwd);
  return { engine, config };
}

/** Loads one config file with the component types' defaults (no search). */
export function loadStacksConfig(file: string, env: Record<string, string | undefined> = {}): CliConfig {
  return loadConfig(file, env, new Inputs(), defaultCommands);
}

/**
 * `validate stacks`, the CI gate: every finding in every file and stack — the manifests, the stacks they
 * make, each component's folder, and then each component's own checks (settings.validation schemas and
 * OPA policies, the built-in schema, the module variable check) — running no YAML function. A fault several stacks share (a catalog
 * both import) is reported once, at its place, naming the stacks.
 */
export async function validateRepository(
  engine: StackEngine,
  env: Record<string, string | undefined> = {},
): Promise<ValidationReport> {
  // Nothing runs: YAML functions (a shell, another component's state) are shown as written, as Atmos's
  // validate stacks leaves them; validateStacks checks their arguments.
  const process = engine.functions.process;
  engine.functions.process = false;
  try {
    return await checkRepository(engine, env);
  } finally {
    engine.functions.process = process;
  }
}

async function checkRepository(
  engine: StackEngine,
  env: Record<string, string | undefined>,
): Promise<ValidationReport> {
  const report = validateStacks(engine, (type) => REGISTRY[type].folder.required);
  const errors = [...report.errors];
  const warnings = [...report.warnings];
  if (errors.length === 0) {
    // Loaded here: every command opens the stacks, only this one checks each component.
    const { checkComponent } = await import("../components/check-component.js");
    for (const [stack, entry] of engine.stacks()) {
      for (const type of COMPONENT_TYPES) {
        for (const name of entry.componentNames(type)) {
          try {
            const c = engine.resolveComponent(stack, name, type);
            if (c.metadata.enabled === false) continue;
            const r = await checkComponent(engine, c, env, "gate");
            errors.push(...r.errors);
            warnings.push(...r.warnings);
          } catch (e) {
            if (!(e instanceof SlipwayError)) throw e;
            errors.push(e);
          }
        }
      }
    }
  }
  return { ...report, errors: oncePerFault(errors), warnings: oncePerWarning(warnings) };
}

/** `stack "x"` in a message: the part that differs when one fault shows through several stacks. */
const STACK_IN_MESSAGE = /stack "([^"]*)"/g;

/** Errors at the same place with the same message but for the stack, as one that names every stack. */
function oncePerFault(errors: SlipwayError[]): SlipwayError[] {
  const groups = new Map<string, { first: SlipwayError; stacks: string[] }>();
  for (const e of errors) {
    const key = `${e.file}:${e.line}:${e.col}:${e.message.replace(STACK_IN_MESSAGE, 'stack "*"')}`;
    const stacks = [...e.message.matchAll(STACK_IN_MESSAGE)].map((m) => m[1]!);
    const g = groups.get(key);
    if (g) g.stacks.push(...stacks.filter((s) => !g.stacks.includes(s)));
    else groups.set(key, { first: e, stacks });
  }
  return [...groups.values()].map(({ first, stacks }) =>
    stacks.length <= 1
      ? first
      : new SlipwayError({
          code: first.code,
          message: `${first.message} (the same in stacks ${stacks.join(", ")})`,
          ...(first.file ? { file: first.file, line: first.line, col: first.col } : {}),
          ...(first.hint ? { hint: first.hint } : {}),
        }),
  );
}

function oncePerWarning(warnings: Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.file}:${w.line}:${w.col}:${w.message.replace(STACK_IN_MESSAGE, 'stack "*"')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
