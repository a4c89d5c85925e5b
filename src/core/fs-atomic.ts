import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { SlipwayError } from "./errors.js";

/** Writes a file atomically (temp file in the same folder, then rename), keeping the old file's mode. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let keep = mode;
  try {
    keep ??= statSync(path).mode & 0o777;
  } catch {
    /* a new file */
  }
  try {
    writeFileSync(tmp, data, { mode: keep ?? 0o644, flag: "wx" });
    if (keep !== undefined) chmodSync(tmp, keep);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Runs `fn` holding `<file>.lock`: a second writer waits (up to `timeoutMs`) instead of interleaving; a
 * lock left by a process that no longer runs is taken over.
 */
export async function withFileLock<T>(file: string, fn: () => T, timeoutMs = 30_000): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lock, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (staleLock(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new SlipwayError({
          code: "io",
          message: `${file} is locked by another slipway process (${lock})`,
          file,
          hint: "wait for it to finish; remove the lock file only if no slipway process is running",
        });
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  try {
    removeLeftTempFiles(file);
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** How long a lock may hold no PID: its writer creates it and writes the PID in one breath. */
const UNWRITTEN_LOCK_MS = 2_000;

/**
 * A lock nobody holds: its process is gone, or it never got a PID (a writer killed between creating it
 * and writing to it) and is older than a writer takes to write one.
 */
function staleLock(lock: string): boolean {
  try {
    const text = readFileSync(lock, "utf8");
    const pid = Number(text);
    if (text.trim() === "" || !Number.isInteger(pid) || pid <= 0)
      return Date.now() - statSync(lock).mtimeMs > UNWRITTEN_LOCK_MS;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes the temp files `writeFileAtomic` left beside `path` when its writer was killed before the rename
 * (`.<name>.<12 hex>.tmp`). Called under the file's lock, so no live writer's temp file is taken.
 */
function removeLeftTempFiles(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const n of names)
    if (n.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(n.slice(prefix.length)))
      rmSync(join(dirname(path), n), { force: true });
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns on a path under /proc (it retries
 * ENOENT forever), so each missing folder is made on its own and the first failure is thrown as it is.
 */
export function makeDirs(dir: string, mode?: number): string | undefined {
  const missing: string[] = [];
  let cur = resolve(dir);
  while (!existsSync(cur)) {
    missing.push(cur);
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  let first: string | undefined;
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, mode === undefined ? undefined : { mode });
      first ??= d;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  // Like mkdirSync's recursive form: the first folder it made, if any.
  return first;
}
