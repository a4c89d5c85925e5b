import type { CliConfig } from "../config/load-config.js";
import type { Inputs } from "../core/inputs.js";
import type { StackNamesStore } from "./kept-names.js";
import type { FunctionRuntime } from "./yaml-functions.js";

/** What a StackEngine is opened with. */
export interface StackEngineOptions {
  config: CliConfig;
  env: Record<string, string | undefined>;
  /** File reads, checks and globs (default: plain, unrecorded). */
  inputs?: Inputs;
  /** Keep merge results between calls (default). Off, every value is worked out afresh: slower, same answer. */
  memo?: boolean;
  /** Stack names kept from an earlier run: a command on one stack then loads only that stack's manifests. */
  names?: StackNamesStore;
  /**
   * Atmos's YAML functions (`!exec`, `!terraform.output`, …): `process: false` leaves them as their text
   * (`describe --process-functions=false`); `runtime` runs the ones that reach outside (default: none, so
   * those are an error).
   */
  functions?: { process?: boolean; runtime?: FunctionRuntime };
}
