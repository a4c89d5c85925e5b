import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { isNotASecret } from "../core/not-a-secret.js";
import type { RuleHit } from "./rules.js";
import { ALLOW_ANNOTATION, type ManifestObject } from "./types.js";
import { map, list } from "./json.js";

// `secret-generator-plaintext`: a kustomization's secretGenerator that would put a plaintext secret in Git — the
// same fault as a plaintext Secret (`plaintext-secret`), written one step earlier. The loader does not keep
// kustomization files as objects, so this module reads them itself.

/** A kustomization file as an object with positions, and the folder its sources are relative to. */
export interface KustomizationDoc {
  obj: ManifestObject;
  dir: string;
}

/** Reads kustomization files (absolute paths) for the generator rule; `shown` is how findings name them. */
export function readKustomizations(files: string[], shown: (abs: string) => string): KustomizationDoc[] {
  return files.flatMap((abs) => {
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch {
      return []; // a missing kustomization file is the build's finding
    }
    if (!text.includes("secretGenerator")) return [];
    const lc = new LineCounter();
    const doc = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false })[0];
    if (!doc || Array.isArray(doc) || doc.errors.length) return [];
    const value = map(doc.toJS());
    const lineAt = (path: (string | number)[]): number => {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lc.linePos(node.range[0]).line;
      }
      return 1;
    };
    return [{ obj: { file: shown(abs), line: lineAt([]), value, lineOf: lineAt }, dir: dirname(abs) }];
  });
}

/** Words that make a key name a secret's: `DB_PASSWORD`, `apiKey`, `token`, `client-secret`, `privateKey`. */
const SECRET_WORDS = /password|passwd|passphrase|secret|token|apikey|credential|private/;
const SECRET_TOKENS = new Set(["key", "pass", "pwd", "auth", "pat", "jwt"]);
function secretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return SECRET_WORDS.test(words.join("")) || words.some((w) => SECRET_TOKENS.has(w));
}

/** A value that looks generated: long, base64/hex-like, mixed characters, high Shannon entropy. */
function highEntropy(value: string): boolean {
  if (!/^[A-Za-z0-9+/=_-]{20,}$/.test(value) || !/\d/.test(value) || !/[A-Za-z]/.test(value)) return false;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length);
  return bits >= 3.5;
}

/** Marks sops leaves in every format it writes: YAML/JSON `sops:` key, dotenv `sops_mac=`, INI `[sops]`. */
const SOPS_FILE = /(^|\n)sops:\s*\n|"sops"\s*:\s*\{|(^|\n)sops_(mac|version)=|(^|\n)\[sops\]/;

/** The file path of a `files:` entry (`key=path` or `path`). */
const fileOf = (entry: string) => (entry.includes("=") ? entry.slice(entry.indexOf("=") + 1) : entry);

/** `secret-generator-plaintext` over kustomization files; `read` returns a source file's text (undefined: absent). */
export function secretGeneratorPlaintext(
  docs: KustomizationDoc[],
  read: (abs: string) => string | undefined = (abs) => {
    try {
      return readFileSync(abs, "utf8");
    } catch {
      return undefined;
    }
  },
): RuleHit[] {
  return docs.flatMap(({ obj, dir }) =>
    list(obj.value.secretGenerator).flatMap((g, i): RuleHit[] => {
      const gen = map(g);
      const allow = map(map(gen.options).annotations)[ALLOW_ANNOTATION];
      if (typeof allow === "string" && /(^|[\n,])\s*secret-generator-plaintext\s*:/.test(allow)) return [];
      const name = String(gen.name ?? "(unnamed)");
      const hits: RuleHit[] = [];
      const at = (path: (string | number)[], message: string) =>
        hits.push({
          rule: "secret-generator-plaintext",
          obj,
          path: ["secretGenerator", i, ...path],
          message,
        });
      list(gen.literals).forEach((lit, j) => {
        if (typeof lit !== "string") return;
        const cut = lit.indexOf("=");
        const key = cut >= 0 ? lit.slice(0, cut) : lit;
        const value = cut >= 0 ? lit.slice(cut + 1) : "";
        if (isNotASecret(value)) return;
        const why = secretName(key)
          ? "a secret's name"
          : highEntropy(value)
            ? "a generated-looking value"
            : "";
        if (why)
          at(
            ["literals", j],
            `secretGenerator ${name}: literal ${key} (${why}) is plaintext in Git: move it to a SOPS-encrypted file (\`envs:\` or \`files:\`, encrypted with \`slipway secrets encrypt -i\`) or a Flux \${VAR} substitution`,
          );
      });
      for (const field of ["envs", "env", "files"]) {
        const sources = field === "env" ? [gen.env] : list(gen[field]);
        sources.forEach((s, j) => {
          if (typeof s !== "string") return;
          const text = read(resolve(dir, fileOf(s)));
          // An absent file (kept out of Git on purpose, or a typo) is the kustomize build's finding, not ours.
          if (text === undefined || SOPS_FILE.test(text)) return;
          at(
            field === "env" ? ["env"] : [field, j],
            `secretGenerator ${name}: ${field} source ${fileOf(s)} is not SOPS-encrypted: encrypt it with \`slipway secrets encrypt -i ${fileOf(s)}\` (Flux decrypts it before the build)`,
          );
        });
      }
      return hits;
    }),
  );
}
