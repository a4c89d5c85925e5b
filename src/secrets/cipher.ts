import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from "node:crypto";
import { SlipwayError } from "../core/errors.js";
import type { Comment, Scalar } from "./tree.js";

const ENC = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]+),tag:([^,]+),type:([a-z]+)\]$/;
const TYPES = new Set(["str", "int", "float", "bool", "bytes", "comment"]);

/** True when a string is a sops-encrypted value. */
export function isEncrypted(s: unknown): boolean {
  return typeof s === "string" && s.startsWith("ENC[AES256_GCM,");
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest decimal, never an exponent. */
export function formatFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : f < 0 ? "-Inf" : "NaN";
  const s = String(f);
  if (!/e/i.test(s)) return s;
  const [mant, exp] = s.toLowerCase().split("e") as [string, string];
  const e = Number(exp);
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  const point =
    (mant.replace("-", "").indexOf(".") === -1
      ? mant.replace("-", "").length
      : mant.replace("-", "").indexOf(".")) + e;
  let out: string;
  if (point <= 0) out = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = digits.slice(0, point) + "." + digits.slice(point);
  return (neg ? "-" : "") + out;
}

/** The bytes sops encrypts and hashes for a value (bools as True/False, floats as Go formats them). */
export function plainBytes(v: Scalar | Comment): Buffer {
  if (v.kind === "comment") return Buffer.from(v.text, "utf8");
  switch (v.type) {
    case "str":
      return v.raw ? Buffer.from(v.raw) : Buffer.from(v.value as string, "utf8");
    case "int":
      // Go's strconv.Itoa never writes an exponent; String(1e21) would.
      return Buffer.from(BigInt(v.value as number).toString(), "utf8");
    case "float":
      return Buffer.from(formatFloat(v.value as number), "utf8");
    case "bool":
      return Buffer.from(v.value ? "True" : "False", "utf8");
    case "bytes":
      return Buffer.from(v.value as Uint8Array);
    case "null":
      return Buffer.alloc(0);
  }
}

/** Encrypts one value: AES-256-GCM, 32-byte IV, the value's path as additional data. */
export function encryptValue(v: Scalar | Comment, key: Uint8Array, aad: string): string {
  const iv = randomBytes(32);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(plainBytes(v)), cipher.final()]);
  const type = v.kind === "comment" ? "comment" : v.type === "null" ? "str" : v.type;
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${iv.toString("base64")},tag:${cipher.getAuthTag().toString("base64")},type:${type}]`;
}

/** A `str` scalar of some bytes; bytes that UTF-8 cannot carry are kept as they are in `raw`. */
export function strOfBytes(bytes: Uint8Array): Scalar {
  const text = Buffer.from(bytes).toString("utf8");
  const exact = Buffer.from(text, "utf8").equals(bytes);
  return exact
    ? { kind: "scalar", type: "str", value: text }
    : { kind: "scalar", type: "str", value: text, raw: new Uint8Array(bytes) };
}

/** What a failed decryption is about: the path, never the value. */
export class ValueError extends Error {}

/** Decrypts one `ENC[…]` value into a typed scalar or a comment. */
export function decryptValue(enc: string, key: Uint8Array, aad: string): Scalar | Comment {
  const m = ENC.exec(enc);
  if (!m) throw new ValueError("malformed ENC[…] value: expected ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]");
  const [, data, iv, tag, type] = m as unknown as [string, string, string, string, string];
  if (!TYPES.has(type))
    throw new ValueError(`unknown value type "${type}" (sops knows str, int, float, bool, bytes, comment)`);
  const ivBytes = Buffer.from(iv, "base64");
  const tagBytes = Buffer.from(tag, "base64");
  if (ivBytes.length === 0 || tagBytes.length !== 16)
    throw new ValueError("malformed ENC[…] value: bad iv or tag");
  let plain: Buffer;
  try {
    const d = createDecipheriv("aes-256-gcm", key, ivBytes);
    d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(tagBytes);
    plain = Buffer.concat([d.update(Buffer.from(data, "base64")), d.final()]);
  } catch {
    throw new ValueError(
      "the value does not decrypt with this file's data key (changed ciphertext, moved value, or wrong key)",
    );
  }
  const text = plain.toString("utf8");
  switch (type) {
    case "comment":
      return { kind: "comment", text };
    case "str":
      return strOfBytes(plain);
    case "int": {
      if (!/^[-+]?\d+$/.test(text)) throw new ValueError("an int value that is not an integer");
      return { kind: "scalar", type: "int", value: Number(text) };
    }
    case "float": {
      const f = Number(text);
      if (text.trim() === "" || Number.isNaN(f)) throw new ValueError("a float value that is not a number");
      return { kind: "scalar", type: "float", value: f };
    }
    case "bool": {
      const t = text.toLowerCase();
      if (t !== "true" && t !== "false") throw new ValueError("a bool value that is not true or false");
      return { kind: "scalar", type: "bool", value: t === "true" };
    }
    default:
      return { kind: "scalar", type: "bytes", value: new Uint8Array(plain) };
  }
}

/** Constant-time comparison of two MACs (upper-case hex strings). */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a.toUpperCase(), "utf8");
  const y = Buffer.from(b.toUpperCase(), "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A SlipwayError for a value at `path` that failed — naming the path only. */
export function valueError(file: string | undefined, path: string, e: ValueError): SlipwayError {
  return new SlipwayError({
    code: "validation",
    message: `${path || "(root)"}: ${e.message}`,
    file,
    hint: "restore the file from version control, or re-encrypt it from the plaintext",
  });
}
