// The stack-names cache: which top-level manifest gives which stack name, kept from the last run that
// named every stack, so that a command on one stack (`describe component`, `describe stacks -s`, `list
// stacks`, `validate component`, a plan) loads and merges only that stack's manifests. At 550 stacks
// naming them all means parsing every manifest (~0.5 s); checking that nothing changed means reading and
// hashing them (~30 ms). The names are given back only when every input the naming run read — config,
// globs, file checks, each file's contents by SHA-1, path variables — reads the same again (the record
// of src/core/inputs.ts); a run that read another environment variable is not kept. Same policy as every
// cache (src/cache/policy.ts): per user, 0600 files, atomic writes, `SLIPWAY_CACHE`.
import { hash } from "node:crypto";
import { join } from "node:path";
import { replays, type InputRecord } from "../core/inputs.js";
import { cacheDir, ensureCacheDir, readCacheFile, writeCacheFile } from "./policy.js";

/** Bumped when the entry layout or the meaning of kept names changes. */
const FORMAT = 1;

interface Entry<T> {
  format: number;
  names: T;
  inputs: InputRecord;
}

/** Kept names (the engine's KeptNames: this layer does not know their shape). */
export interface NamesStore<T> {
  load(): T | undefined;
  save(names: T): void;
}

/** The cache's folder, or undefined when caches are off. */
export function stackNamesDir(env: Record<string, string | undefined>): string | undefined {
  return cacheDir(env, "names", FORMAT);
}

/**
 * The store in `dir` for one repository as one slipway build opens it (`invocation`: build, folder, `--config`),
 * `record` is the record of the run's reads; `env` the plain
 * environment, for replaying.
 */
export function stackNamesStore<T>(
  dir: string,
  env: Record<string, string | undefined>,
  invocation: unknown,
  record: InputRecord,
): NamesStore<T> {
  const file = join(dir, `${hash("sha1", JSON.stringify([FORMAT, invocation]), "hex").slice(0, 32)}.json`);
  return {
    load() {
      try {
        const text = readCacheFile(file);
        if (text === undefined) return undefined;
        const entry = JSON.parse(text) as Entry<T>;
        return entry.format === FORMAT && replays(entry.inputs, env) ? entry.names : undefined;
      } catch {
        return undefined;
      }
    },
    save(names) {
      if (record.unreplayable || !ensureCacheDir(dir)) return;
      writeCacheFile(file, JSON.stringify({ format: FORMAT, names, inputs: record } satisfies Entry<T>));
    },
  };
}
