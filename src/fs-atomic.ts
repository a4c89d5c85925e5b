import { chmodSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

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
