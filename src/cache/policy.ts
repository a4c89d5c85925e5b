// One cache policy for every cache slipway keeps (the describe output cache, the module-variables cache,
// Node's compile cache of the CLI): per user, under `$XDG_CACHE_HOME/slipway` (else `~/.cache/slipway`),
// one folder per cache and format version, folders 0700 and files 0600, written with temp file + rename so
// a concurrent run never reads half a file, and only files this user wrote are read back. A cache is only
// ever worth speed: any failure to read or write one is a miss. `SLIPWAY_CACHE=off` turns every cache off,
// `SLIPWAY_CACHE=<folder>` moves them all.
import { randomBytes } from "node:crypto";
import { makeDirs } from "../core/fs-atomic.js";
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The caches slipway keeps. */
export type CacheName = "describe" | "variables" | "compile" | "names";

/** The root of every cache, or undefined when `SLIPWAY_CACHE` turns them off. */
export function cacheRoot(env: Record<string, string | undefined>): string | undefined {
  const setting = env.SLIPWAY_CACHE;
  if (setting === "off" || setting === "0" || setting === "false") return undefined;
  return setting || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "slipway");
}

/**
 * The folder of one cache at one format version (`<root>/<name>/v<format>`): bumping the format leaves
 * the old entries unread. Undefined when caches are off.
 */
export function cacheDir(
  env: Record<string, string | undefined>,
  name: CacheName,
  format: number,
): string | undefined {
  const root = cacheRoot(env);
  return root === undefined ? undefined : join(root, name, `v${format}`);
}

/** Makes a cache folder, only the user can enter it. False when it cannot be made (a miss, not an error). */
export function ensureCacheDir(dir: string): boolean {
  try {
    makeDirs(dir, 0o700);
    return true;
  } catch {
    return false;
  }
}

/** Writes a cache file atomically, readable by the user only. Failures are ignored: the next run misses. */
export function writeCacheFile(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** A cache file's text when it exists and this user wrote it; undefined otherwise. */
export function readCacheFile(path: string): string | undefined {
  try {
    if (!ownFile(path)) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Only files this user wrote count: a cache folder others can write to must not decide our output. */
export function ownFile(path: string): boolean {
  return !process.getuid || statSync(path).uid === process.getuid();
}
