/** Which values sops encrypts: the `*_suffix` / `*_regex` fields of the metadata and of `.sops.yaml`. */
export interface EncryptionRules {
  unencrypted_suffix?: string;
  encrypted_suffix?: string;
  unencrypted_regex?: string;
  encrypted_regex?: string;
  mac_only_encrypted?: boolean;
}

export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

/** A compiled rule set: `encrypts(path)` tells whether the value at these keys is encrypted. */
export interface RuleCheck {
  encrypts(path: readonly string[]): boolean;
  macOnlyEncrypted: boolean;
}

/**
 * sops's rule: start encrypted unless an encrypted_* rule is set; any key on the path that matches
 * an unencrypted rule turns encryption off, any that matches an encrypted rule turns it on.
 */
export function compileRules(r: EncryptionRules): RuleCheck {
  const unRe = r.unencrypted_regex ? new RegExp(r.unencrypted_regex) : undefined;
  const enRe = r.encrypted_regex ? new RegExp(r.encrypted_regex) : undefined;
  const start = !(r.encrypted_suffix || r.encrypted_regex);
  return {
    macOnlyEncrypted: r.mac_only_encrypted === true,
    encrypts(path) {
      let on = start;
      for (const key of path) {
        if (r.unencrypted_suffix && key.endsWith(r.unencrypted_suffix)) on = false;
        if (r.encrypted_suffix && key.endsWith(r.encrypted_suffix)) on = true;
        if (unRe?.test(key)) on = false;
        if (enRe?.test(key)) on = true;
      }
      return on;
    },
  };
}

/** The rules as the metadata stores them (only one of the four is allowed; suffix default `_unencrypted`). */
export function normalizeRules(r: EncryptionRules): EncryptionRules {
  const set = (
    ["unencrypted_suffix", "encrypted_suffix", "unencrypted_regex", "encrypted_regex"] as const
  ).filter((k) => r[k]);
  if (set.length > 1)
    throw new Error(
      `only one of unencrypted_suffix, encrypted_suffix, unencrypted_regex, encrypted_regex may be set (got ${set.join(", ")})`,
    );
  const out: EncryptionRules = set.length
    ? { [set[0]!]: r[set[0]!] }
    : { unencrypted_suffix: DEFAULT_UNENCRYPTED_SUFFIX };
  if (r.mac_only_encrypted) out.mac_only_encrypted = true;
  return out;
}
