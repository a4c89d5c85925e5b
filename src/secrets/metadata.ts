import { SlipwayError } from "../core/errors.js";
import { normalizeRules, type EncryptionRules } from "./rules.js";

/** The sops version whose metadata layout slipway writes; any sops ≥ 3.8 reads it. */
export const SOPS_VERSION = "3.8.1";

export interface AgeStanza {
  recipient: string;
  /** An armored age file holding the data key (or this group's Shamir share). */
  enc: string;
}

export interface SopsMetadata {
  /** Key groups; a file without `key_groups` has one group (its top-level `age` list). */
  groups: AgeStanza[][];
  keyGroups: boolean;
  threshold?: number;
  lastmodified: string;
  mac: string;
  rules: EncryptionRules;
  version: string;
  /**
   * Master keys of other kinds (kms, gcp_kms, azure_kv, hc_vault, pgp) as the file holds them: slipway
   * cannot open them, but writes them back unchanged when the data key stays (edit, set, unset).
   */
  otherKeys?: Record<string, unknown[]>;
  /** Every other key type the file names, key groups included (for the message when none can be opened). */
  otherKeyTypes?: string[];
}

const RULE_KEYS = [
  "unencrypted_suffix",
  "encrypted_suffix",
  "unencrypted_regex",
  "encrypted_regex",
  "mac_only_encrypted",
] as const;
/** The master key types sops has besides age, in the order its metadata lists them. */
export const OTHER_KEY_TYPES = ["kms", "gcp_kms", "azure_kv", "hc_vault", "pgp"] as const;

function bad(file: string | undefined, message: string): SlipwayError {
  return new SlipwayError({
    code: "validation",
    message: `sops metadata: ${message}`,
    file,
    hint: "the `sops:` block was changed by hand or the file is not a sops file",
  });
}

function stanzas(v: unknown, file: string | undefined, where: string): AgeStanza[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw bad(file, `${where} must be a list`);
  return v.map((s, i) => {
    const o = s as Record<string, unknown>;
    if (typeof o?.recipient !== "string" || typeof o?.enc !== "string")
      throw bad(file, `${where}[${i}] needs recipient and enc`);
    return { recipient: o.recipient, enc: o.enc };
  });
}

/** Reads the `sops` block of a file. */
export function metadataFromPlain(v: unknown, file?: string): SopsMetadata {
  if (!v || typeof v !== "object") throw bad(file, "missing");
  const o = v as Record<string, unknown>;
  const others = OTHER_KEY_TYPES.filter((k) => Array.isArray(o[k]) && (o[k] as unknown[]).length > 0);
  const inGroups = Array.isArray(o.key_groups)
    ? OTHER_KEY_TYPES.filter((k) =>
        (o.key_groups as unknown[]).some((g) => ((g as Record<string, unknown>)?.[k] as unknown[])?.length),
      )
    : [];
  const keyGroups = Array.isArray(o.key_groups);
  const groups = keyGroups
    ? (o.key_groups as unknown[]).map((g, i) =>
        stanzas((g as Record<string, unknown>)?.age, file, `key_groups[${i}].age`),
      )
    : [stanzas(o.age, file, "age")];
  // A file for other key types only is still a sops file: it is read, and opening it says which keys it needs.
  if (groups.every((g) => g.length === 0) && others.length === 0 && inGroups.length === 0)
    throw bad(file, "no age recipients");
  if (typeof o.lastmodified !== "string" && !(o.lastmodified instanceof Date))
    throw bad(file, "lastmodified is missing");
  if (typeof o.mac !== "string") throw bad(file, "mac is missing");
  const rules: EncryptionRules = {};
  for (const k of RULE_KEYS)
    if (o[k] !== undefined && o[k] !== null && o[k] !== "")
      (rules as Record<string, unknown>)[k] =
        k === "mac_only_encrypted" ? o[k] === true || o[k] === "true" : String(o[k]);
  return {
    groups,
    keyGroups,
    threshold: o.shamir_threshold === undefined ? undefined : Number(o.shamir_threshold),
    lastmodified:
      o.lastmodified instanceof Date
        ? o.lastmodified.toISOString().replace(/\.\d+Z$/, "Z")
        : (o.lastmodified as string),
    mac: o.mac,
    rules: normalizeRules(rules),
    version: String(o.version ?? ""),
    ...(others.length || inGroups.length
      ? {
          otherKeys: Object.fromEntries(others.map((k) => [k, o[k] as unknown[]])),
          otherKeyTypes: [...new Set([...others, ...inGroups])],
        }
      : {}),
  };
}

/** The `sops` block in sops 3.8.1's field order; `emptyLists` is `[]` for YAML and null for JSON, as sops writes them. */
export function metadataToPlain(m: SopsMetadata, emptyList: [] | null): Record<string, unknown> {
  const age = (g: AgeStanza[]) => g.map((s) => ({ recipient: s.recipient, enc: s.enc }));
  const out: Record<string, unknown> = {};
  if (m.keyGroups) {
    out.shamir_threshold = m.threshold;
    out.key_groups = m.groups.map((g) => ({ age: age(g) }));
  }
  const other = (k: string) => m.otherKeys?.[k] ?? emptyList;
  out.kms = other("kms");
  out.gcp_kms = other("gcp_kms");
  out.azure_kv = other("azure_kv");
  out.hc_vault = other("hc_vault");
  if (!m.keyGroups) out.age = age(m.groups[0] ?? []);
  out.lastmodified = m.lastmodified;
  out.mac = m.mac;
  out.pgp = other("pgp");
  for (const k of RULE_KEYS) if (m.rules[k] !== undefined) out[k] = m.rules[k];
  out.version = m.version;
  return out;
}

/** dotenv keeps metadata flat: `sops_age__list_0__map_enc=…`. */
export function flattenMetadata(plain: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const walk = (v: unknown, key: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${key}__list_${i}`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${key}__map_${k}`);
    else if (v !== null && v !== undefined) out.push([key, String(v)]);
  };
  for (const [k, v] of Object.entries(plain)) walk(v, `sops_${k}`);
  return out;
}

/** The inverse of flattenMetadata. */
export function unflattenMetadata(pairs: [string, string][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [flat, value] of pairs) {
    const parts = flat.slice("sops_".length).split(/__(list|map)_/);
    let cur: Record<string, unknown> | unknown[] = root;
    let key: string | number = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) {
      const kind = parts[i];
      const next: string | number = kind === "list" ? Number(parts[i + 1]) : parts[i + 1]!;
      const holder = cur as Record<string | number, unknown>;
      holder[key] ??= kind === "list" ? [] : {};
      cur = holder[key] as Record<string, unknown> | unknown[];
      key = next;
    }
    (cur as Record<string | number, unknown>)[key] = value;
  }
  return root;
}
