import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import jsyaml from "js-yaml";
import { SlipwayError } from "../core/errors.js";
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node as YNode,
} from "yaml";
import type { ManifestFinding, ManifestObject } from "./types.js";

const SKIP_DIRS = new Set([".git", "node_modules", ".github", ".slipway", "dist"]);
const KUSTOMIZE_GROUP = "kustomize.config.k8s.io/";

/** What a tree of YAML files holds: objects to validate, kustomizations to build, files to skip. */
export interface ManifestTree {
  objects: ManifestObject[];
  /** Folders holding a kustomization.yaml (build inputs). */
  kustomizations: string[];
  findings: ManifestFinding[];
  files: number;
}

/** Files kustomize and kubectl take as manifests: YAML, and JSON (a Secret in .json is a Secret too). */
const MANIFEST_FILE = /\.(ya?ml|json)$/;

function yamlFiles(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return MANIFEST_FILE.test(path) ? [path] : [];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => !SKIP_DIRS.has(d.name))
    .flatMap((d) =>
      d.isDirectory()
        ? yamlFiles(join(path, d.name))
        : d.isFile() && MANIFEST_FILE.test(d.name)
          ? [join(path, d.name)]
          : [],
    )
    .sort();
}

/** Paths a kustomization lists as patches: partial objects, not objects to validate on their own. */
function patchFiles(dir: string, k: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (p: unknown) => typeof p === "string" && !p.includes("\n") && out.push(resolve(dir, p));
  for (const p of (k.patchesStrategicMerge as unknown[]) ?? []) add(p);
  for (const p of [...((k.patches as unknown[]) ?? []), ...((k.patchesJson6902 as unknown[]) ?? [])])
    add((p as Record<string, unknown>)?.path);
  return out;
}

/** Reads every YAML document under the paths; `shown` maps absolute paths back to the form given on the command line. */
export function loadTree(paths: string[], cwd: string): ManifestTree & { shown: (abs: string) => string } {
  const roots = paths.map((p) => ({ given: p, abs: resolve(cwd, p) }));
  for (const r of roots)
    if (!existsSync(r.abs))
      throw new SlipwayError({
        code: "usage",
        message: `${r.given}: no such file or folder`,
        hint: "give the files or folders of the GitOps tree (default: the current folder)",
      });
  const shown = (abs: string) => {
    const root = roots.find((r) => abs === r.abs || abs.startsWith(r.abs + "/"));
    return root ? join(root.given, relative(root.abs, abs)) : abs;
  };
  const files = [...new Set(roots.flatMap((r) => yamlFiles(r.abs)))];
  const parsed = files.map((file) => {
    const text = readFileSync(file, "utf8");
    const fast = fastDocs(text);
    // js-yaml reads the values; the `yaml` parser (positions, exact errors) runs only when a file fails
    // the fast read or a finding needs a line.
    let slow: { docs: Document.Parsed[]; lc: LineCounter } | undefined;
    const positions = () => {
      if (!slow) {
        const lc = new LineCounter();
        const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, merge: true });
        slow = { docs: Array.isArray(docs) ? docs : [], lc };
      }
      return slow;
    };
    const values =
      fast ??
      positions().docs.map((doc) =>
        doc.errors.length ? undefined : (doc.toJS({ maxAliasCount: 1000 }) as unknown),
      );
    return { file, text, values, failed: fast === undefined, positions };
  });
  const kustomizations: string[] = [];
  const patches = new Set<string>();
  const findings: ManifestFinding[] = [];
  // First pass: kustomizations and their patches.
  for (const { file, values } of parsed) {
    for (const v of values) {
      if (!v || typeof v !== "object") continue;
      const o = v as Record<string, unknown>;
      const isKustomize =
        typeof o.apiVersion === "string"
          ? o.apiVersion.startsWith(KUSTOMIZE_GROUP)
          : /(^|\/)kustomization\.ya?ml$/.test(file) && !o.apiVersion;
      if (!isKustomize) continue;
      if (o.kind !== "Component" && /(^|\/)kustomization\.ya?ml$/.test(file))
        kustomizations.push(dirname(file));
      for (const p of patchFiles(dirname(file), o)) patches.add(p);
    }
  }
  const objects: ManifestObject[] = [];
  for (const { file, text, values, failed, positions } of parsed) {
    if (patches.has(file)) continue;
    if (failed) {
      const bad = positions().docs.find((d) => d.errors.length);
      // Only a YAML error in what looks like a manifest is ours to report; templates (Helm, Jinja) are not.
      if (bad && /^\s*(apiVersion|kind):/m.test(text) && !/\{\{|\{%/.test(text)) {
        const e = bad.errors[0]!;
        findings.push({
          severity: "error",
          rule: "schema",
          file: shown(file),
          line: positions().lc.linePos(e.pos[0]).line,
          message: `invalid YAML: ${e.message.split("\n")[0]}`,
        });
      }
    }
    values.forEach((v, i) => {
      if (!v || typeof v !== "object" || Array.isArray(v)) return;
      const o = v as Record<string, unknown>;
      if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") return;
      if (o.apiVersion.startsWith(KUSTOMIZE_GROUP)) return;
      const at = (path: (string | number)[]) => {
        const { docs, lc } = positions();
        const contents = (docs[i]?.contents ?? null) as YNode | null;
        const start = lc.linePos(contents?.range?.[0] ?? 0).line;
        return path.length ? (lineOf(contents, path, lc) ?? start) : start;
      };
      objects.push({
        file: shown(file),
        get line() {
          return at([]);
        },
        value: o,
        lineOf: at,
      });
    });
  }
  return { objects, kustomizations: kustomizations.sort(), findings, files: files.length, shown };
}

const fastSchema = jsyaml.CORE_SCHEMA.extend({
  implicit: [(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge],
});

/** All documents of a file with js-yaml (YAML 1.2 core, merge keys, later duplicate keys win), or undefined. */
function fastDocs(text: string): unknown[] | undefined {
  try {
    return jsyaml.loadAll(text, undefined, { schema: fastSchema, json: true });
  } catch {
    return undefined;
  }
}

function lineOf(node: YNode | null, path: (string | number)[], lc: LineCounter): number | undefined {
  let cur: unknown = node;
  let line: number | undefined;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = cur.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      if (!pair) break;
      const k = pair.key as YNode | undefined;
      if (k?.range) line = lc.linePos(k.range[0]).line;
      cur = pair.value;
    } else if (isSeq(cur) && typeof seg === "number") {
      const item = cur.items[seg] as YNode | undefined;
      if (!item) break;
      if (item.range) line = lc.linePos(item.range[0]).line;
      cur = item;
    } else break;
  }
  return line;
}
