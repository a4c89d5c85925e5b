import { randomBytes } from "node:crypto";
import { extname } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { decryptValue, encryptValue, sameMac, strOfBytes, ValueError } from "./cipher.js";
import { decryptDocs, encryptDocs, type Reuse } from "./codec.js";
import { emitDotenv, parseDotenv } from "./formats/dotenv-format.js";
import { emitJson, parseJson } from "./formats/json-format.js";
import { emitYamlDocs, parseYamlDocs } from "./formats/yaml-format.js";
import { unwrapDataKey, wrapDataKey, type Identities } from "./keys.js";
import {
  flattenMetadata,
  metadataFromPlain,
  metadataToPlain,
  SOPS_VERSION,
  unflattenMetadata,
  type SopsMetadata,
} from "./metadata.js";
import { compileRules, normalizeRules, type EncryptionRules } from "./rules.js";
import { fromPlain, get, str, toPlain, without, type MapNode, type Node } from "./tree.js";

export type SecretsFormat = "yaml" | "json" | "dotenv" | "binary";

/** The store sops would pick for a file name. */
export function formatOf(path: string): SecretsFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  if (ext === ".json") return "json";
  if (ext === ".env") return "dotenv";
  return "binary";
}

const FORMATS: Record<string, SecretsFormat> = {
  yaml: "yaml",
  json: "json",
  dotenv: "dotenv",
  binary: "binary",
};

/** `--input-type` / `--output-type` as sops names them; sops's `ini` store is one slipway does not have. */
export function formatNamed(name: string, flag: string): SecretsFormat {
  const format = FORMATS[name.toLowerCase()];
  if (format) return format;
  throw new SlipwayError({
    code: "usage",
    message: `${flag} ${name}: slipway reads and writes yaml, json, dotenv and binary`,
    hint:
      name.toLowerCase() === "ini"
        ? "sops's ini store is not supported; convert the file to dotenv or yaml"
        : `use one of: ${Object.keys(FORMATS).join(", ")}`,
  });
}

/** A file split into its documents and, when encrypted, its sops metadata. */
export interface SopsDocument {
  format: SecretsFormat;
  docs: MapNode[];
  meta?: SopsMetadata;
}

/**
 * Parses a file in its format; a `sops` key (or `sops_*` lines) becomes the metadata. Give a binary file
 * as bytes: sops encrypts them as they are, UTF-8 or not.
 */
export function readDocument(input: string | Uint8Array, format: SecretsFormat, file?: string): SopsDocument {
  const name = file ?? "(input)";
  const text = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
  if (format === "dotenv") {
    const root = parseDotenv(text, name);
    const meta = root.items.filter((i) => i.kind === "pair" && i.key.startsWith("sops_"));
    const body: MapNode = {
      kind: "map",
      items: root.items.filter((i) => !(i.kind === "pair" && i.key.startsWith("sops_"))),
    };
    const pairs = meta.map(
      (i) => [(i as { key: string }).key, String(toPlain((i as { value: Node }).value))] as [string, string],
    );
    return {
      format,
      docs: [body],
      meta: pairs.length ? metadataFromPlain(unflattenMetadata(pairs), file) : undefined,
    };
  }
  let docs: MapNode[];
  if (format === "yaml") docs = parseYamlDocs(text, name);
  else if (format === "json") docs = [parseJson(text, name)];
  else {
    // binary: an encrypted file is sops JSON {"data": …, "sops": …}; anything else is the plaintext itself.
    const trimmed = text.trimStart();
    if (trimmed.startsWith("{") && trimmed.includes('"sops"')) {
      try {
        docs = [parseJson(text, name)];
      } catch {
        docs = [{ kind: "map", items: [{ kind: "pair", key: "data", value: str(text) }] }];
      }
    } else {
      const data = typeof input === "string" ? str(input) : strOfBytes(input);
      docs = [{ kind: "map", items: [{ kind: "pair", key: "data", value: data }] }];
    }
  }
  const metaNode = docs.map((d) => get(d, "sops")).find((m) => m !== undefined);
  return {
    format,
    docs: docs.map((d) => without(d, "sops")),
    meta: metaNode ? metadataFromPlain(toPlain(metaNode), file) : undefined,
  };
}

/** A document as the bytes of its file: a decrypted binary file is its data, byte for byte. */
export function documentBytes(doc: SopsDocument): Buffer {
  if (doc.format === "binary" && !doc.meta) {
    const data = get(doc.docs[0] ?? { kind: "map", items: [] }, "data");
    if (data?.kind === "scalar" && data.raw) return Buffer.from(data.raw);
  }
  return Buffer.from(writeDocument(doc), "utf8");
}

/** Writes documents in their format, with the metadata when given (encrypted files). */
export function writeDocument(doc: SopsDocument): string {
  const { format, docs, meta } = doc;
  if (format === "dotenv") {
    const root = docs[0] ?? { kind: "map", items: [] };
    const metaItems = meta
      ? flattenMetadata(metadataToPlain(meta, null)).map(([key, value]) => ({
          kind: "pair" as const,
          key,
          value: str(value),
        }))
      : [];
    return emitDotenv({ kind: "map", items: [...root.items, ...metaItems] });
  }
  if (format === "binary" && !meta) {
    const data = get(docs[0] ?? { kind: "map", items: [] }, "data");
    return data && data.kind === "scalar" ? String(data.value ?? "") : "";
  }
  const withMeta = (d: MapNode, emptyList: [] | null): MapNode =>
    meta
      ? {
          kind: "map",
          items: [
            ...d.items,
            { kind: "pair", key: "sops", value: fromPlain(metadataToPlain(meta, emptyList)) },
          ],
        }
      : d;
  if (format === "yaml") return emitYamlDocs(docs.map((d) => withMeta(d, [])));
  return emitJson(withMeta(docs[0] ?? { kind: "map", items: [] }, null));
}

export interface EncryptOptions {
  /** Recipients per key group (one group without Shamir). */
  groups: string[][];
  threshold?: number;
  rules?: EncryptionRules;
  now?: Date;
  /** Reuse this data key (edit keeps it; encrypt and rotate make a new one). */
  dataKey?: Uint8Array;
  /** Ciphertexts to keep for unchanged values (edit). */
  reuse?: Reuse;
}

/** sops's lastmodified: RFC 3339, UTC, no fraction. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

/** Encrypts plaintext documents: values by the rules, the MAC over all values, the data key per recipient. */
export async function encryptDocument(
  plain: SopsDocument,
  opts: EncryptOptions,
  file?: string,
): Promise<SopsDocument> {
  if (plain.meta) {
    throw new SlipwayError({
      code: "validation",
      message: "the file is already encrypted",
      file,
      hint: "use `slipway secrets edit`, `updatekeys` or `rotate` on encrypted files",
    });
  }
  // A binary file is one value, always encrypted: sops ignores every rule for it (and writes none).
  const rules = plain.format === "binary" ? {} : normalizeRules(opts.rules ?? {});
  const dataKey = opts.dataKey ?? new Uint8Array(randomBytes(32));
  const { docs, mac } = encryptDocs(plain.docs, dataKey, compileRules(rules), opts.reuse);
  const lastmodified = timestamp(opts.now ?? new Date());
  const wrapped = await wrapDataKey(dataKey, opts.groups, opts.threshold);
  const meta: SopsMetadata = {
    ...wrapped,
    lastmodified,
    mac: encryptValue(str(mac), dataKey, lastmodified),
    rules,
    version: SOPS_VERSION,
  };
  return { format: plain.format, docs: docs as MapNode[], meta };
}

/**
 * Encrypts `plain` again under `enc`'s metadata and data key: the master key blocks (age and any other) stay
 * byte for byte, values listed in `reuse` keep their ciphertext, and only `mac` and `lastmodified` are new —
 * what `edit`, `set` and `unset` change in a file.
 */
export function reencryptDocument(
  enc: SopsDocument,
  plain: SopsDocument,
  dataKey: Uint8Array,
  reuse: Reuse,
  now = new Date(),
): SopsDocument {
  const meta = enc.meta!;
  const { docs, mac } = encryptDocs(plain.docs, dataKey, compileRules(meta.rules), reuse);
  const lastmodified = timestamp(now);
  return {
    format: plain.format,
    docs: docs as MapNode[],
    meta: { ...meta, lastmodified, mac: encryptValue(str(mac), dataKey, lastmodified) },
  };
}

/** Decrypts an encrypted document and verifies its MAC; returns the plaintext and the data key. */
export async function decryptDocument(
  enc: SopsDocument,
  ids: Identities,
  file?: string,
  reuse?: Reuse,
): Promise<{ plain: SopsDocument; dataKey: Uint8Array }> {
  const meta = enc.meta;
  if (!meta)
    throw new SlipwayError({
      code: "validation",
      message: "the file is not encrypted (no sops metadata)",
      file,
      // Stdin has no name to tell its format by: read as binary, a sops YAML file shows no metadata.
      hint:
        file === "(stdin)"
          ? "stdin is read as --input-type says (binary without it): pass --input-type yaml, json or dotenv"
          : "`slipway secrets encrypt` encrypts it",
    });
  const dataKey = await unwrapDataKey(meta, ids, file);
  const rules = compileRules(meta.rules);
  const { docs, mac } = decryptDocs(enc.docs, dataKey, rules, file, reuse);
  let stored: string;
  try {
    const m = decryptValue(meta.mac, dataKey, meta.lastmodified);
    stored = m.kind === "scalar" ? String(m.value) : "";
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    throw new SlipwayError({
      code: "validation",
      message: "sops metadata: the MAC does not decrypt (mac or lastmodified changed)",
      file,
      hint: "restore the file from version control",
    });
  }
  if (!sameMac(stored, mac)) {
    const clear = clearPaths(enc.docs, rules);
    throw new SlipwayError({
      code: "validation",
      message:
        "MAC mismatch: the file was changed outside sops (a value in clear, or a key added, removed or moved)",
      file,
      hint: clear.length
        ? `values in clear, which the MAC also covers: ${clear.slice(0, 10).join(", ")}`
        : "restore the file from version control, or re-encrypt it",
    });
  }
  return { plain: { format: enc.format, docs: docs as MapNode[] }, dataKey };
}

/** Paths whose values are stored in clear (covered by the MAC, not by encryption). */
function clearPaths(docs: Node[], rules: ReturnType<typeof compileRules>): string[] {
  const out: string[] = [];
  const walk = (n: Node, path: string[]) => {
    if (n.kind === "scalar") {
      if (!rules.encrypts(path)) out.push(path.join("."));
    } else if (n.kind === "seq") n.items.forEach((i) => i.kind !== "comment" && walk(i, path));
    else n.items.forEach((i) => i.kind === "pair" && walk(i.value, [...path, i.key]));
  };
  docs.forEach((d) => walk(d, []));
  return [...new Set(out)];
}
