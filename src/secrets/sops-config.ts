import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { z } from "zod";
import { SlipwayError } from "../core/errors.js";
import { checkAgainst } from "../schema/check-yaml.js";
import { parseYamlWithPositions } from "../yaml/parse.js";
import { locate } from "../yaml/positions.js";
import type { EncryptionRules } from "./rules.js";

const Recipients = z.union([z.string(), z.array(z.string())]);

const CreationRule = z.looseObject({
  path_regex: z.string().optional(),
  age: Recipients.optional(),
  key_groups: z.array(z.looseObject({ age: Recipients.optional() })).optional(),
  shamir_threshold: z.number().int().min(1).optional(),
  unencrypted_suffix: z.string().optional(),
  encrypted_suffix: z.string().optional(),
  unencrypted_regex: z.string().optional(),
  encrypted_regex: z.string().optional(),
  mac_only_encrypted: z.boolean().optional(),
});

/** `.sops.yaml`, the fields slipway reads. */
export const SopsConfigSchema = z.looseObject({ creation_rules: z.array(CreationRule).optional() });

/** The creation rule chosen for a file: recipients per key group and the encryption rules. */
export interface ChosenRule {
  configFile: string;
  index: number;
  groups: string[][];
  threshold?: number;
  rules: EncryptionRules;
  /** Whether the rule's path_regex covers the file (false only for a catch-all rule). */
  pathRegex?: string;
}

/** The nearest `.sops.yaml` from `from` up to the filesystem root, as sops looks for it. */
export function findSopsConfig(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const name of [".sops.yaml", ".sops.yml"]) if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}

const splitRecipients = (r: z.infer<typeof Recipients> | undefined): string[] =>
  (Array.isArray(r) ? r : (r ?? "").split(",")).map((s) => s.trim()).filter(Boolean);

/** Loads `.sops.yaml` and validates it; errors carry file, line and column. */
export function loadSopsConfig(file: string): { rules: z.infer<typeof CreationRule>[]; text: string } {
  const text = readFileSync(file, "utf8");
  const opts = { file, env: {}, basePath: dirname(file) };
  const data = checkAgainst(SopsConfigSchema, parseYamlWithPositions(text, opts) ?? {}, text, opts, {
    code: "config",
    hint: "see sops's documentation of creation_rules",
  });
  const rules = data.creation_rules ?? [];
  rules.forEach((rule, i) => {
    if (rule.path_regex === undefined) return;
    try {
      new RegExp(rule.path_regex);
    } catch (e) {
      throw new SlipwayError({
        code: "config",
        message: `creation_rules[${i}].path_regex is not a valid regular expression: ${(e as Error).message}`,
        file,
        ...locate(text, ["creation_rules", i, "path_regex"], opts),
        hint: "path_regex uses regular expression syntax, e.g. .*\\.enc\\.yaml$",
      });
    }
  });
  return { rules, text };
}

/** The first creation rule whose path_regex matches the file (relative to `.sops.yaml`'s folder). */
export function chooseRule(configFile: string, path: string): ChosenRule | undefined {
  const { rules, text } = loadSopsConfig(configFile);
  const rel = relative(dirname(configFile), path).split(sep).join("/");
  const index = rules.findIndex(
    (r) =>
      r.path_regex === undefined || new RegExp(r.path_regex).test(rel) || new RegExp(r.path_regex).test(path),
  );
  if (index < 0) return undefined;
  const rule = rules[index]!;
  const groups = rule.key_groups
    ? rule.key_groups.map((g) => splitRecipients(g.age))
    : [splitRecipients(rule.age)];
  if (groups.every((g) => g.length === 0)) {
    throw new SlipwayError({
      code: "config",
      message: `creation_rules[${index}] has no age recipients`,
      file: configFile,
      ...locate(text, ["creation_rules", index], {
        file: configFile,
        env: {},
        basePath: dirname(configFile),
      }),
      hint: "add `age: age1…` (comma-separated or a list) or key_groups with age lists",
    });
  }
  const rules2: EncryptionRules = {};
  for (const k of [
    "unencrypted_suffix",
    "encrypted_suffix",
    "unencrypted_regex",
    "encrypted_regex",
    "mac_only_encrypted",
  ] as const) {
    if (rule[k] !== undefined) (rules2 as Record<string, unknown>)[k] = rule[k];
  }
  const kinds = (
    ["unencrypted_suffix", "encrypted_suffix", "unencrypted_regex", "encrypted_regex"] as const
  ).filter((k) => rule[k] !== undefined);
  if (kinds.length > 1) {
    // sops refuses such a rule too ("cannot use more than one of …"); say where it is.
    throw new SlipwayError({
      code: "config",
      message: `creation_rules[${index}] sets ${kinds.join(" and ")}: a rule may use only one of unencrypted_suffix, encrypted_suffix, unencrypted_regex, encrypted_regex`,
      file: configFile,
      ...locate(
        text,
        ["creation_rules", index, kinds[1]!],
        { file: configFile, env: {}, basePath: dirname(configFile) },
        "key",
      ),
      hint: `keep the one that says what to encrypt, e.g. only ${kinds.includes("encrypted_regex") ? "encrypted_regex" : kinds[0]}`,
    });
  }
  return {
    configFile,
    index,
    groups,
    threshold: rule.shamir_threshold,
    rules: rules2,
    pathRegex: rule.path_regex,
  };
}
