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
import { globSync } from "tinyglobby";
import type { ManifestFinding, ManifestObject } from "./types.js";
import { isGoTemplate } from "./build-inputs.js";

const SKIP_DIRS = new Set([".git", "node_modules", ".github", ".slipway", "dist"]);
const KUSTOMIZE_GROUP = "kustomize.config.k8s.io/";

/** What a tree of YAML files holds: objects to validate, kustomizations to build, files to skip. */
export interface ManifestTree {
  objects: ManifestObject[];
  /** Folders holding a kustomization.yaml (build inputs). */
  kustomizations: string[];
  findings: ManifestFinding[];
  files: number;
  /** Files and documents not validated, with why (Helm templates, `--exclude`, Go templates). */
  skipped: { file: string; line?: number; reason: string }[];
  /** Absolute paths of the files read (not excluded), for the builds to follow. */
  paths: string[];
  /** The parsed kustomization files (kustomize.config.k8s.io), by absolute path. */
  kustomizeFiles: Map<string, Record<string, unknown>>;
}

export interface LoadOptions {
  /** Globs (relative to each root) of files to leave out. */
  exclude?: string[];
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

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Paths a kustomization lists as build inputs that are not objects: patches (also the legacy string form
 * of `patches:` entries) and the plugin configs of `transformers:`/`generators:`/`validators:`
 * (`apiVersion: builtin` LabelTransformer and the like), `configurations:` and `crds:`.
 */
function inputFiles(dir: string, k: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (p: unknown) => typeof p === "string" && !p.includes("\n") && out.push(resolve(dir, p));
  for (const p of asList(k.patchesStrategicMerge)) add(p);
  for (const p of [...asList(k.patches), ...asList(k.patchesJson6902)])
    add(typeof p === "string" ? p : (p as Record<string, unknown>)?.path);
  for (const field of ["transformers", "generators", "validators", "configurations", "crds"])
    for (const p of asList(k[field])) add(p);
  return out;
}

/** The Helm chart a file is a template of (`<chart>/templates/…` beside `<chart>/Chart.yaml`), if any. */
function chartOf(file: string, charts: Map<string, string | undefined>): string | undefined {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (!charts.has(dir))
      charts.set(
        dir,
        existsSync(join(dir, "Chart.yaml")) || existsSync(join(dir, "Chart.yml")) ? dir : undefined,
      );
    const chart = charts.get(dir);
    if (chart && file.startsWith(join(chart, "templates") + "/")) return chart;
  }
  return undefined;
}

/** Reads every YAML document under the paths; `shown` maps absolute paths back to the form given on the command line. */
export function loadTree(
  paths: string[],
  cwd: string,
  opts: LoadOptions = {},
): ManifestTree & { shown: (abs: string) => string } {
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
  const excluded = new Set(
    opts.exclude?.length
      ? roots.flatMap((r) =>
          statSync(r.abs).isDirectory()
            ? globSync(opts.exclude!, { cwd: r.abs, absolute: true, dot: true, onlyFiles: true })
            : [],
        )
      : [],
  );
  const skipped: ManifestTree["skipped"] = [];
  const charts = new Map<string, string | undefined>();
  const all = [...new Set(roots.flatMap((r) => yamlFiles(r.abs)))];
  const files = all.filter((file) => {
    if (excluded.has(file)) {
      skipped.push({ file: shown(file), reason: "excluded (--exclude)" });
      return false;
    }
    const chart = chartOf(file, charts);
    if (chart)
      skipped.push({
        file: shown(file),
        reason: `Helm chart template (${shown(join(chart, "Chart.yaml"))})`,
      });
    return !chart;
  });
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
        // A Go template is skipped below; reading it as YAML would only warn about `{{ … }}` keys.
        doc.errors.length || (doc.range && isGoTemplate(text.slice(doc.range[0], doc.range[2])))
          ? undefined
          : (doc.toJS({ maxAliasCount: 1000 }) as unknown),
      );
    return { file, text, values, failed: fast === undefined, positions };
  });
  const kustomizations: string[] = [];
  const kustomizeFiles = new Map<string, Record<string, unknown>>();
  const patches = new Set<string>();
  const findings: ManifestFinding[] = [];
  // First pass: kustomizations and their patches.
  for (const { file, text, values } of parsed) {
    // A templated kustomization (a scaffold's `namespace: {{ .app_namespace }}`) is not built; see below.
    if (/(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(file) && isGoTemplate(text)) continue;
    for (const v of values) {
      if (!v || typeof v !== "object") continue;
      const o = v as Record<string, unknown>;
      const isKustomize =
        typeof o.apiVersion === "string"
          ? o.apiVersion.startsWith(KUSTOMIZE_GROUP)
          : /(^|\/)kustomization\.ya?ml$/.test(file) && !o.apiVersion;
      if (!isKustomize) continue;
      if (/(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(file)) {
        kustomizeFiles.set(file, o);
        if (o.kind !== "Component") kustomizations.push(dirname(file));
      }
      for (const p of inputFiles(dirname(file), o)) patches.add(p);
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
    // A document that is a Go template (Helm, Jinja scaffolds) is skipped and said so, never validated.
    const templated = text.includes("{{") || text.includes("{%");
    values.forEach((v, i) => {
      if (templated) {
        const { docs, lc } = positions();
        const range = docs[i]?.range;
        if (range && isGoTemplate(text.slice(range[0], range[2]))) {
          skipped.push({
            file: shown(file),
            line: lc.linePos(range[0]).line,
            reason: "Go template ({{ … }})",
          });
          return;
        }
      }
      if (!v || typeof v !== "object" || Array.isArray(v)) return;
      const o = v as Record<string, unknown>;
      if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") return;
      // kustomize's own configs (Kustomization, Component, `apiVersion: builtin` plugin configs) are build inputs.
      if (o.apiVersion.startsWith(KUSTOMIZE_GROUP) || o.apiVersion === "builtin") return;
      const at = (prefix: (string | number)[]) => (path: (string | number)[]) => {
        const { docs, lc } = positions();
        const contents = (docs[i]?.contents ?? null) as YNode | null;
        const start = lc.linePos(contents?.range?.[0] ?? 0).line;
        const full = [...prefix, ...path];
        return full.length ? (lineOf(contents, full, lc) ?? start) : start;
      };
      const push = (value: Record<string, unknown>, prefix: (string | number)[]) =>
        objects.push({
          file: shown(file),
          get line() {
            return at(prefix)([]);
          },
          value,
          lineOf: at(prefix),
        });
      // The objects of a `kind: List` are objects too (kubectl applies each one).
      if (o.kind === "List" && o.apiVersion === "v1" && Array.isArray(o.items)) {
        o.items.forEach((item, j) => {
          const it = item as Record<string, unknown> | null;
          if (
            it &&
            typeof it === "object" &&
            typeof it.apiVersion === "string" &&
            typeof it.kind === "string"
          )
            push(it, ["items", j]);
        });
        return;
      }
      push(o, []);
    });
  }
  return {
    objects,
    kustomizations: kustomizations.sort(),
    findings,
    files: files.length,
    shown,
    skipped,
    paths: files,
    kustomizeFiles,
  };
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
