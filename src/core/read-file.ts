import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { SlipwayError } from "./errors.js";

/** The largest file slipway reads as input (a manifest, an `!include`), unless `SLIPWAY_MAX_FILE_SIZE` says otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/** The limit in bytes: `SLIPWAY_MAX_FILE_SIZE` (bytes, or with a k/m/g suffix), else the default. */
export function maxFileBytes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SLIPWAY_MAX_FILE_SIZE?.trim();
  if (raw === undefined || raw === "") return DEFAULT_MAX_FILE_BYTES;
  const m = /^(\d+)\s*([kmg]i?b?)?$/i.exec(raw);
  if (!m || Number(m[1]) === 0)
    throw new SlipwayError({
      code: "usage",
      message: `SLIPWAY_MAX_FILE_SIZE=${raw} is not a size`,
      hint: "give bytes, or a number with k, m or g (e.g. 64m); unset it for the default 16m",
    });
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? "").charAt(0).toLowerCase()] ?? 1;
  return Number(m[1]) * unit;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * A file's text, read only when it is a regular file (a FIFO would hang, `/dev/zero` never ends — opened
 * without blocking and refused) and at most `limit` bytes long: the read stops one byte past the limit, so
 * a file whose size the system does not report (`/proc`) cannot grow memory either. Errors from the system
 * (ENOENT, EACCES) are thrown as they are; these two limits as SlipwayErrors naming the file.
 */
export function readBoundedText(path: string, limit: number = maxFileBytes()): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new SlipwayError({
        code: "validation",
        message: `${path} is ${kindOf(st)}; slipway reads only regular files`,
        file: path,
        hint: "point the import or !include at a regular file",
      });
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(limit + 1, 1 << 20));
    for (;;) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, limit + 1 - total), null);
      if (n === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      total += n;
      if (total > limit)
        throw new SlipwayError({
          code: "validation",
          message: `${path} is larger than ${limit} bytes, the most slipway reads from one file`,
          file: path,
          hint: "split it up, or raise SLIPWAY_MAX_FILE_SIZE (bytes, or e.g. 64m) if it really is that big",
        });
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Paths whose content is the system's or a key's, never to be kept in a cache: `/proc`, `/sys`, `/dev`. */
export function isSystemPath(path: string): boolean {
  return /^\/(proc|sys|dev)(\/|$)/.test(path);
}

/** Whether text holds private key material (an age identity, a PEM or OpenSSH private key). */
export function holdsPrivateKey(text: string): boolean {
  return /AGE-SECRET-KEY-1|-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/.test(text);
}
