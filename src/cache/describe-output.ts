// The output cache of `describe stacks`. At the scale of the largest Atmos repositories the command merges
// ~8,000 component instances into ~18 MB of JSON (~0.5 s); asked again with nothing changed, it should
// answer in about the time it takes to read the files. The engine is pure apart from what it reads —
// files, file checks, globs, environment variables — so a run records those reads (src/stack/inputs.ts),
// and a later run with the same slipway build, folder and flags replays them: when every read gives the
// same answer (file contents by SHA-1), the recorded output is the output. Anything else is a miss and
// the command runs as if there were no cache.
//
// What is kept: the last few runs, under the one cache policy (src/cache/policy.ts: per user, 0600 files in
// 0700 folders, atomic writes, other users' entries ignored, `SLIPWAY_CACHE`). A run that reads a set
// environment variable (`!env`, `{{ env }}`) is not kept: its value may be a secret, and comparing it later
// would mean storing it. `--debug` runs bypass the cache.
import { hash, randomBytes } from "node:crypto";
import { makeDirs } from "../core/fs-atomic.js";
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { cacheDir as policyDir, ownFile, writeCacheFile } from "./policy.js";
import { replays, type InputRecord } from "../core/inputs.js";

/** Bumped when the entry layout or the meaning of a record changes. */
const FORMAT = 1;
/** Entries kept; older ones are removed when a new one is written. */
const KEEP = 6;

export interface CacheSlot {
  dir: string;
  key: string;
}

interface Entry {
  format: number;
  output: string;
  notes: string[];
  inputs: InputRecord;
}

/** The describe cache's folder, or undefined when caches are off. */
export function cacheDir(env: Record<string, string | undefined>): string | undefined {
  return policyDir(env, "describe", FORMAT);
}

/** Where the output of one invocation (build, folder, arguments) is kept. */
export function cacheSlot(dir: string, invocation: unknown): CacheSlot {
  return { dir, key: hash("sha1", JSON.stringify([FORMAT, invocation]), "hex").slice(0, 32) };
}

/**
 * The recorded output and its notes when every recorded read still gives the same answer; undefined
 * otherwise (no entry, a damaged one, or anything changed).
 */
export function lookup(
  slot: CacheSlot,
  env: Record<string, string | undefined>,
): { output: Buffer; notes: string[] } | undefined {
  let entry: Entry;
  try {
    const index = join(slot.dir, `${slot.key}.json`);
    if (!ownFile(index)) return undefined;
    entry = JSON.parse(readFileSync(index, "utf8")) as Entry;
    const output = join(slot.dir, entry.output);
    if (entry.format !== FORMAT || !ownFile(output) || !replays(entry.inputs, env)) return undefined;
    return { output: readFileSync(output), notes: entry.notes };
  } catch {
    return undefined;
  }
}

/**
 * Passes `chunks` through and keeps a copy; once they are all out, and if the run is replayable, the copy
 * and the record become the slot's entry. A run that fails or is cut short leaves nothing behind.
 */
export function* keepOutput(
  chunks: Iterable<string>,
  slot: CacheSlot,
  record: InputRecord,
  notes: string[],
): Generator<string> {
  const output = `${slot.key}.${randomBytes(6).toString("hex")}.out`;
  const tmp = join(slot.dir, `${output}.tmp`);
  let fd: number | undefined;
  try {
    makeDirs(slot.dir, 0o700);
    fd = openSync(tmp, "w", 0o600);
  } catch {
    fd = undefined;
  }
  let complete = false;
  try {
    for (const chunk of chunks) {
      if (fd !== undefined && record.unreplayable) {
        // It will not be kept: stop copying.
        closeSync(fd);
        fd = undefined;
      }
      if (fd !== undefined) {
        try {
          writeSync(fd, chunk);
        } catch {
          closeSync(fd);
          fd = undefined;
        }
      }
      yield chunk;
    }
    complete = true;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
      if (complete && !record.unreplayable)
        commit(slot, tmp, output, { format: FORMAT, output, notes, inputs: record });
    }
    rmSync(tmp, { force: true });
  }
}

function commit(slot: CacheSlot, tmp: string, output: string, entry: Entry): void {
  try {
    renameSync(tmp, join(slot.dir, output));
    writeCacheFile(join(slot.dir, `${slot.key}.json`), JSON.stringify(entry));
    prune(slot.dir);
  } catch {
    /* a read-only or full disk: the next run computes again */
  }
}

/** Keeps the newest entries and only the outputs they name; removes temp files runs left behind. */
function prune(dir: string): void {
  const names = readdirSync(dir);
  const indexes = names
    .filter((n) => n.endsWith(".json"))
    .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  const live = new Set<string>();
  for (const [i, { n }] of indexes.entries()) {
    if (i >= KEEP) {
      rmSync(join(dir, n), { force: true });
      continue;
    }
    try {
      live.add((JSON.parse(readFileSync(join(dir, n), "utf8")) as Entry).output);
    } catch {
      rmSync(join(dir, n), { force: true });
    }
  }
  for (const n of names) if (n.endsWith(".out") && !live.has(n)) rmSync(join(dir, n), { force: true });
  // A run killed mid-write leaves its temp file; one untouched for an hour is no concurrent run's.
  const stale = Date.now() - 3600_000;
  for (const n of names) {
    if (!n.endsWith(".tmp")) continue;
    try {
      if (statSync(join(dir, n)).mtimeMs < stale) rmSync(join(dir, n), { force: true });
    } catch {
      /* already gone */
    }
  }
}
