import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { SlipwayError } from "../core/errors.js";
import type { AgeStanza, SopsMetadata } from "./metadata.js";
import { combine, split } from "./shamir.js";

/** Age identities found for decryption, and where they were looked for (for the error when none fits). */
export interface Identities {
  keys: string[];
  searched: string[];
}

/** SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD, then $XDG_CONFIG_HOME/sops/age/keys.txt — as sops looks. */
export function findIdentities(env: Record<string, string | undefined>): Identities {
  const keys: string[] = [];
  const searched: string[] = [];
  const take = (text: string) =>
    keys.push(
      ...text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.startsWith("AGE-SECRET-KEY-")),
    );
  if (env.SOPS_AGE_KEY) {
    searched.push("SOPS_AGE_KEY");
    take(env.SOPS_AGE_KEY);
  }
  if (env.SOPS_AGE_KEY_FILE) {
    searched.push(`SOPS_AGE_KEY_FILE (${env.SOPS_AGE_KEY_FILE})`);
    try {
      take(readFileSync(env.SOPS_AGE_KEY_FILE, "utf8"));
    } catch {
      /* reported through `searched` when no key fits */
    }
  }
  if (env.SOPS_AGE_KEY_CMD) {
    searched.push(`SOPS_AGE_KEY_CMD (${env.SOPS_AGE_KEY_CMD})`);
    try {
      take(execSync(env.SOPS_AGE_KEY_CMD, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    } catch {
      /* as above */
    }
  }
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  const defaultFile = join(config, "sops", "age", "keys.txt");
  searched.push(defaultFile);
  try {
    take(readFileSync(defaultFile, "utf8"));
  } catch {
    /* as above */
  }
  return { keys, searched };
}

/** A new age identity and its recipient. */
export async function newIdentity(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** An identity file as age-keygen writes it: when, the public key, then the secret key. */
export function identityFileText(identity: string, recipient: string, now = new Date()): string {
  return `# created: ${now.toISOString().replace(/\.\d+Z$/, "Z")}\n# public key: ${recipient}\n${identity}\n`;
}

async function wrap(secret: Uint8Array, recipient: string): Promise<AgeStanza> {
  const e = new Encrypter();
  try {
    e.addRecipient(recipient);
  } catch {
    throw new SlipwayError({
      code: "validation",
      message: `"${recipient}" is not an age recipient`,
      hint: "age recipients start with age1 (`slipway secrets keygen` makes one)",
    });
  }
  return { recipient, enc: armor.encode(await e.encrypt(secret)) };
}

/** Wraps the data key for each recipient; with several groups, each group gets one Shamir share. */
export async function wrapDataKey(
  dataKey: Uint8Array,
  groups: string[][],
  threshold?: number,
): Promise<{ groups: AgeStanza[][]; keyGroups: boolean; threshold?: number }> {
  if (groups.length === 0 || groups.some((g) => g.length === 0)) {
    throw new SlipwayError({
      code: "validation",
      message: "no age recipients to encrypt for",
      hint: "pass --age age1…, or add a creation rule with `age:` to .sops.yaml",
    });
  }
  if (groups.length === 1)
    return { groups: [await Promise.all(groups[0]!.map((r) => wrap(dataKey, r)))], keyGroups: false };
  const t = threshold ?? groups.length;
  const shares = split(dataKey, groups.length, t);
  return {
    groups: await Promise.all(groups.map((g, i) => Promise.all(g.map((r) => wrap(shares[i]!, r))))),
    keyGroups: true,
    threshold: t,
  };
}

/**
 * No key at hand opens the file: no age identity fits, or the file is encrypted for key types slipway does
 * not open (PGP, cloud KMS, Vault). `secrets check` reports it as unverified, not as a broken file.
 */
export class NoKeyError extends SlipwayError {}

/** Unwraps the data key with the identities at hand; names the recipients and the places searched when none fits. */
export async function unwrapDataKey(meta: SopsMetadata, ids: Identities, file?: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const group of meta.groups) {
    for (const stanza of group) {
      const opened = await tryOpen(stanza, ids.keys);
      if (opened) {
        parts.push(opened);
        break;
      }
    }
  }
  const need = meta.keyGroups ? (meta.threshold ?? meta.groups.length) : 1;
  const others = meta.otherKeyTypes ?? [];
  if (parts.length < need && meta.groups.every((g) => g.length === 0)) {
    throw new NoKeyError({
      code: "validation",
      message: `no key for this file: it is encrypted for ${others.join(", ")} only, and slipway opens age keys`,
      file,
      hint: "decrypt it with sops and a key of that type, or have it re-encrypted for an age recipient (sops updatekeys with an age creation rule)",
    });
  }
  if (parts.length < need) {
    const recipients = meta.groups.flat().map((s) => s.recipient);
    throw new NoKeyError({
      code: "validation",
      message: `no age identity opens this file${meta.keyGroups ? ` (${parts.length} of ${need} key groups opened)` : ""}; it is encrypted for ${recipients.join(", ")}${others.length ? ` (and for ${others.join(", ")}, which slipway does not open)` : ""}`,
      file,
      hint: `identities were looked for in ${ids.searched.join(", ")}`,
    });
  }
  return meta.keyGroups && meta.groups.length > 1 ? combine(parts) : parts[0]!;
}

async function tryOpen(stanza: AgeStanza, keys: string[]): Promise<Uint8Array | undefined> {
  if (keys.length === 0) return undefined;
  const d = new Decrypter();
  for (const k of keys) d.addIdentity(k);
  try {
    return await d.decrypt(armor.decode(stanza.enc));
  } catch {
    return undefined;
  }
}
