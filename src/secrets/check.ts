// `secrets check`: the pre-commit / CI gate over a tree of files.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isMap, isScalar, parseAllDocuments } from "yaml";
import { SlipwayError } from "../core/errors.js";
import { isNotASecret } from "../core/not-a-secret.js";
import { findIdentities, NoKeyError } from "./keys.js";
import { chooseRule, findSopsConfig, type ChosenRule } from "./sops-config.js";
import { decryptDocument, formatOf, readDocument } from "./sops-file.js";

/** Where check runs: the folder paths are relative to, and the environment identities are found in. */
export interface CheckContext {
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface CheckFinding {
  file: string;
  line?: number;
  rule: "plaintext-secret" | "not-encrypted" | "mac" | "unverified";
  message: string;
}

const SKIP_DIRS = new Set([".git", "node_modules", ".slipway", "dist"]);

function filesUnder(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => !SKIP_DIRS.has(d.name))
    .flatMap((d) =>
      d.isDirectory() ? filesUnder(join(path, d.name)) : d.isFile() ? [join(path, d.name)] : [],
    )
    .sort();
}

/** `secrets check`: plaintext Kubernetes Secrets, files a creation rule covers that are not encrypted, MACs that do not verify. */
export async function check(paths: string[], ctx: CheckContext): Promise<CheckFinding[]> {
  const findings: CheckFinding[] = [];
  const ids = findIdentities(ctx.env);
  for (const p of paths.length ? paths : ["."]) {
    const root = resolve(ctx.cwd, p);
    if (!existsSync(root)) throw new SlipwayError({ code: "usage", message: `${p} does not exist` });
    for (const file of filesUnder(root)) {
      const format = formatOf(file);
      const config = findSopsConfig(dirname(file));
      const rule = config && !/\.sops\.ya?ml$/.test(file) ? safeRule(config, file) : undefined;
      const covered = rule?.pathRegex !== undefined;
      // Other files (binaries, sources) are only read when a creation rule says they hold secrets.
      if (format === "binary" && !covered) continue;
      const text = readFileSync(file, "utf8");
      const encrypted = /(^|\n)\s*"?sops"?\s*:|(^|\n)sops_mac=/.test(text) && text.includes("ENC[AES256_GCM");
      // A Secret in JSON is as plaintext as one in YAML (`yaml` reads both).
      if ((format === "yaml" || format === "json") && !encrypted)
        findings.push(...plaintextSecrets(text, file));
      if (covered && !encrypted) {
        findings.push({
          file,
          rule: "not-encrypted",
          message: `creation rule ${rule!.index} of ${rule!.configFile} (path_regex ${rule!.pathRegex}) covers this file, but it is not encrypted`,
        });
      }
      if (encrypted) {
        try {
          await decryptDocument(readDocument(text, format, file), ids, file);
        } catch (e) {
          if (!(e instanceof SlipwayError)) throw e;
          // No key here (no age identity fits, or PGP / cloud KMS only) says nothing about the file itself.
          const noKey = e instanceof NoKeyError;
          findings.push({
            file,
            rule: noKey ? "unverified" : "mac",
            message: noKey ? `cannot verify: ${e.message}` : e.message,
          });
        }
      }
    }
  }
  return findings;
}

function safeRule(config: string, file: string): ChosenRule | undefined {
  try {
    return chooseRule(config, file);
  } catch {
    return undefined;
  }
}

/** Kubernetes Secrets whose data/stringData hold values that are secrets in clear (see isNotASecret). */
function plaintextSecrets(text: string, file: string): CheckFinding[] {
  const out: CheckFinding[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return out;
  }
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length) continue;
    const v = doc.toJS() as Record<string, unknown> | null;
    if (!v || v.kind !== "Secret") continue;
    for (const section of ["data", "stringData"]) {
      const values = v[section];
      if (!values || typeof values !== "object") continue;
      const plain = Object.entries(values).filter(([, x]) => !isNotASecret(x));
      if (plain.length === 0) continue;
      // Point at the `data:` / `stringData:` key of this document.
      const contents = doc.contents;
      const pair = isMap(contents)
        ? contents.items.find((p) => isScalar(p.key) && p.key.value === section)
        : undefined;
      const offset = (pair?.key as { range?: number[] } | undefined)?.range?.[0] ?? doc.range[0];
      const line = text.slice(0, offset).split("\n").length;
      const name = (v.metadata as Record<string, unknown> | undefined)?.name ?? "(unnamed)";
      out.push({
        file,
        line,
        rule: "plaintext-secret",
        message: `Secret ${String(name)} has plaintext ${section} (${plain.map(([k]) => k).join(", ")})`,
      });
    }
  }
  return out;
}
