// The render provenance index: for each file `slipway render` wrote, which stack value produced each of
// its values. render writes it (components/kubernetes/origin-index.ts); `slipway why` and `validate
// manifests` read it. It lives here, below components/, because validate manifests reads it too.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from "yaml";

/**
 * Kept beside render's ownership index (`.slipway-rendered`), in the tree. JSON, but no `.json` extension:
 * Flux and Argo CD read `.yaml`/`.yml`/`.json` files as manifests.
 */
export const ORIGINS_FILE = ".slipway-provenance";
/** Bumped when the shape changes; an index of another version is reported, never half-read. */
export const ORIGINS_VERSION = 1;

/** One stack value a rendered value came from. */
export interface ValueSource {
  /** Path of the value in the component's vars, `a.b[0].c`. */
  var: string;
  /** `copy`: the rendered value is the stack value; `derived`: it is built from it (it changes when it does). */
  how: "copy" | "derived";
  /** Set when no stack file sets the value: the renderer's schema default. */
  default?: true;
  /** The stack file, relative to the folder of the index (the tree root), posix. */
  file?: string;
  line?: number;
  col?: number;
  chain?: string[];
  level?: string;
}

/** What one stack rendered into one file. */
export interface FileOrigins {
  sha256: string;
  /** The component whose renderer wrote the file; absent for the files render itself adds. */
  component?: string;
  /** The renderer (apps, addons, gitops, tenants), or `render` for the kustomization.yaml listings it adds. */
  renderer: string;
  /** Vars whose probe the renderer refused: the values made from them are not traced (shown as such). */
  untraced?: string[];
  /** The stack values this file's values came from, each once. */
  sources: ValueSource[];
  /**
   * Values traced to the stack, by document path `[doc, key, …]`, each with indexes into `sources`. Every
   * other value is computed by `renderer`.
   */
  values: { at: (string | number)[]; from: number[] }[];
}

export interface OriginsIndex {
  format: "slipway-render-provenance";
  version: number;
  stacks: Record<
    string,
    {
      /** sha256 of each stack file (relative to the tree) the stack's components were resolved from. */
      stackFiles?: Record<string, string>;
      files: Record<string, FileOrigins>;
    }
  >;
}

/** sha256 of a text, hex. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

// validate manifests asks once per finding: the index is read once per tree while it stays the same file.
const read = new Map<string, { mtimeMs: number; size: number; index: OriginsIndex }>();

/** The index in a tree, or undefined when render wrote none there. Throws on an index of another version. */
export function readOriginsIndex(tree: string): OriginsIndex | undefined {
  const file = join(tree, ORIGINS_FILE);
  if (!existsSync(file)) return undefined;
  const st = statSync(file);
  const kept = read.get(file);
  if (kept && kept.mtimeMs === st.mtimeMs && kept.size === st.size) return kept.index;
  let parsed: OriginsIndex;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as OriginsIndex;
  } catch (e) {
    throw new SlipwayError({
      code: "validation",
      message: `not a render provenance index (${(e as Error).message})`,
      file,
      hint: "render again: it rewrites the index",
      cause: e,
    });
  }
  if (parsed.format !== "slipway-render-provenance" || parsed.version !== ORIGINS_VERSION)
    throw new SlipwayError({
      code: "validation",
      message: `render provenance index version ${String(parsed.version)}; this slipway reads version ${ORIGINS_VERSION}`,
      file,
      hint: "render again with this slipway: it rewrites the index",
    });
  read.set(file, { mtimeMs: st.mtimeMs, size: st.size, index: parsed });
  return parsed;
}

/** The deterministic text of an index: one file's entry a line, so a render's changes read as a diff. */
export function originsIndexText(index: OriginsIndex): string {
  const stacks = Object.keys(index.stacks).sort();
  const lines: string[] = [];
  stacks.forEach((s, i) => {
    const files = index.stacks[s]!.files;
    const paths = Object.keys(files).sort();
    lines.push(`${JSON.stringify(s)}: {"stackFiles": ${JSON.stringify(index.stacks[s]!.stackFiles ?? {})},`);
    lines.push(`"files": {`);
    paths.forEach((p, j) =>
      lines.push(`${JSON.stringify(p)}: ${JSON.stringify(files[p])}${j < paths.length - 1 ? "," : ""}`),
    );
    lines.push(`}}${i < stacks.length - 1 ? "," : ""}`);
  });
  return `{"format": "slipway-render-provenance", "version": ${ORIGINS_VERSION}, "stacks": {\n${lines.join("\n")}\n}}\n`;
}

/** The nearest folder at or above `file` holding a render index (ownership or provenance), if any. */
export function renderedTreeOf(file: string): string | undefined {
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ORIGINS_FILE)) || existsSync(join(dir, ".slipway-rendered"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A value's place in a rendered file: the lines its text spans. */
export interface RenderedPlace {
  line: number;
  col: number;
  endLine: number;
  /** The value as the file holds it now (scalar text). */
  value: string;
}

/** Every scalar of a YAML stream, by JSON of its document path `[doc, key, …]`. */
export function scalarPlaces(text: string): Map<string, RenderedPlace> {
  const lc = new LineCounter();
  const out = new Map<string, RenderedPlace>();
  const walk = (node: unknown, path: (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
    else if (isScalar(node) && node.range) {
      const start = lc.linePos(node.range[0]);
      const end = lc.linePos(Math.max(node.range[0], node.range[1] - 1));
      out.set(JSON.stringify(path), {
        line: start.line,
        col: start.col,
        endLine: end.line,
        value: String((node as YamlNode & { value: unknown }).value),
      });
    }
  };
  parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false }).forEach((doc, i) => {
    if (!("contents" in doc)) return;
    walk(doc.contents, [i]);
  });
  return out;
}

/** How one file's values trace back, for one stack that rendered it, as read now. */
export interface FileAnswer {
  stack: string;
  component?: string;
  renderer: string;
  values: { at: (string | number)[]; place: RenderedPlace; from: ValueSource[] }[];
  untraced?: string[];
  /** Stack files (relative to the tree) changed since render: what render would write now may differ. */
  changedStackFiles: string[];
}

/** Why a file looks as it does: per stack that rendered it, or the reason no answer can be given. */
export type FileOrigin =
  | { status: "ok"; tree: string; path: string; answers: FileAnswer[] }
  | {
      status: "no-tree" | "no-index" | "not-rendered" | "stale";
      tree?: string;
      path?: string;
      stacks?: string[];
    };

/** Reads what render recorded for `file` and checks it is still the file render wrote. */
export function originsOfFile(file: string): FileOrigin {
  const abs = resolve(file);
  const tree = renderedTreeOf(abs);
  if (!tree) return { status: "no-tree" };
  const path = relative(tree, abs).split(sep).join("/");
  const index = readOriginsIndex(tree);
  if (!index) return { status: "no-index", tree, path };
  const entries = Object.entries(index.stacks).flatMap(([stack, s]) =>
    s.files[path] ? [{ stack, f: s.files[path], stackFiles: s.stackFiles ?? {} }] : [],
  );
  if (entries.length === 0) return { status: "not-rendered", tree, path };
  const text = existsSync(abs) ? readFileSync(abs, "utf8") : undefined;
  const hash = text === undefined ? undefined : sha256(text);
  const fresh = entries.filter((e) => e.f.sha256 === hash);
  if (!fresh.length || text === undefined)
    return { status: "stale", tree, path, stacks: entries.map((e) => e.stack) };
  const places = scalarPlaces(text);
  const answers = fresh.map(({ stack, f, stackFiles }): FileAnswer => {
    const changedStackFiles = Object.entries(stackFiles)
      .filter(([rel, hash]) => {
        const p = join(tree, rel);
        return !existsSync(p) || sha256(readFileSync(p, "utf8")) !== hash;
      })
      .map(([rel]) => rel);
    const values = f.values.flatMap((v) => {
      const place = places.get(JSON.stringify(v.at));
      if (!place) return [];
      return [{ at: v.at, place, from: v.from.map((i) => f.sources[i]!) }];
    });
    values.sort((a, b) => a.place.line - b.place.line || a.place.col - b.place.col);
    return {
      stack,
      ...(f.component ? { component: f.component } : {}),
      renderer: f.renderer,
      values,
      ...(f.untraced ? { untraced: f.untraced } : {}),
      changedStackFiles,
    };
  });
  return { status: "ok", tree, path, answers };
}

/** Where the value on one line of a rendered file came from — what a finding on that line shows. */
export interface StackOrigin {
  stack: string;
  component?: string;
  renderer: string;
  /** The stack value's place (absolute file); absent when the line is computed by the renderer. */
  source?: ValueSource & { path?: string };
}

/**
 * The stack value behind line `line` of a rendered file, or the renderer that computed it; undefined when
 * the file is not one render wrote, or it or a stack file it was rendered from changed since (never a guess).
 */
export function stackOriginOf(file: string, line: number | undefined): StackOrigin | undefined {
  if (line === undefined) return undefined;
  let found: FileOrigin;
  try {
    found = originsOfFile(file);
  } catch {
    return undefined;
  }
  if (found.status !== "ok") return undefined;
  const a = found.answers[0]!;
  const on = a.values.filter((v) => v.place.line <= line && line <= v.place.endLine);
  const base = { stack: a.stack, ...(a.component ? { component: a.component } : {}), renderer: a.renderer };
  if (on.length === 0) return base;
  const s = on[0]!.from[0]!;
  if (a.changedStackFiles.length) return undefined;
  return { ...base, source: { ...s, ...(s.file ? { path: join(found.tree, s.file) } : {}) } };
}
