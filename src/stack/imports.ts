import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { closest } from "fastest-levenshtein";
import { globSync, isDynamicPattern } from "tinyglobby";
import { SlipwayError } from "../core/errors.js";
import { COMPONENT_TYPES } from "../schema/cli-config.js";
import { isMap } from "../yaml/markers.js";
import { MANIFEST_EXTENSIONS, type ManifestLoader } from "./loader.js";
import type { Json, Layer, ManifestFile } from "./types.js";

interface ImportSpec {
  path: string;
  context?: Json;
  skipIfMissing: boolean;
  skipTemplates: boolean;
  index: number;
}

function specsOf(file: ManifestFile): ImportSpec[] {
  const list = file.data.import;
  if (!Array.isArray(list)) return [];
  return list.map((entry, index) =>
    typeof entry === "string"
      ? { path: entry, skipIfMissing: false, skipTemplates: false, index }
      : {
          path: String((entry as Json).path),
          context: (entry as Json).context as Json | undefined,
          skipIfMissing: (entry as Json).skip_if_missing === true,
          skipTemplates: (entry as Json).skip_templates_processing === true,
          index,
        },
  );
}

/**
 * Flattens a top-level manifest's imports into merge order: depth first, each file after its imports,
 * globs in sorted order. A file imported twice (same context) counts once, where it was last imported: Atmos
 * merges it at both places, and merging it again later is what makes it win.
 */
export function flattenImports(loader: ManifestLoader, top: ManifestFile): Layer[] {
  /** A file's imports and itself in merge order, each (file, context) once at its last place; chains from it. */
  interface Entry {
    file: ManifestFile;
    key: string;
    rel: string[];
  }
  const memo = new Map<string, Entry[]>();
  const visit = (file: ManifestFile, chain: string[], contextKey: string): Entry[] => {
    const id = file.path + contextKey;
    const known = memo.get(id);
    if (known) return known;
    const all: Entry[] = [];
    for (const imp of importsOf(loader, file)) {
      imp.targets ??= resolveImport(loader, file, imp.spec).map((path) => ({ path }));
      for (const target of imp.targets) {
        if (chain.includes(target.path)) throw cycleError(loader, file, imp.spec, [...chain, target.path]);
        const child = (target.file ??= loader.load({
          path: target.path,
          context: imp.spec.context,
          skipTemplates: imp.spec.skipTemplates,
        }));
        for (const e of visit(child, [...chain, target.path], imp.key))
          all.push({ ...e, rel: [file.rel, ...e.rel] });
      }
    }
    all.push({ file, key: contextKey, rel: [file.rel] });
    // Atmos merges a file imported twice at both places, so the later one wins: keep each at its last.
    const last = new Map<string, number>();
    all.forEach((e, i) => last.set(e.file.path + e.key, i));
    const entries = all.filter((e, i) => last.get(e.file.path + e.key) === i);
    memo.set(id, entries);
    return entries;
  };
  const entries = visit(top, [top.path], "");
  const layers: Layer[] = entries.map((e) => ({ file: e.file, chain: e.rel, overrides: [] }));
  if (layers.some((l) => hasOverrides(l.file.data)))
    orderOverrides(
      loader,
      top,
      layers,
      entries.map((e) => e.file.path + e.key),
    );
  return layers;
}

const typeOverrides = (data: Json): boolean =>
  COMPONENT_TYPES.some((t) => isMap(data[t]) && (data[t] as Json).overrides !== undefined);
/** A file that sets `overrides`, global or type-level. */
export const hasOverrides = (data: Json): boolean => data.overrides !== undefined || typeOverrides(data);

/** Keeps the last of equal entries: merging a map again later wins over merging it earlier. */
export function lastOnly(seq: number[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = seq.length - 1; i >= 0; i--) {
    if (seen.has(seq[i]!)) continue;
    seen.add(seq[i]!);
    out.push(seq[i]!);
  }
  return out.reverse();
}

/**
 * Which `overrides` reach the components of each file, as Atmos works them out. Atmos walks every import
 * (a file imported twice is walked twice) and gives each visit of a file two lists: its *inline* overrides
 * (its own global and type-level ones, then its importers', so an importer wins) and the overrides its
 * earlier sibling imports and its own imports brought (*imports*). The components a visit defines get
 * imports then inline; visits merge in walk order (imports first), so a later import wins over an earlier.
 * An entry is `layer * 2` for a layer's global `overrides`, `layer * 2 + 1` for its type-level ones.
 */
function orderOverrides(loader: ManifestLoader, top: ManifestFile, layers: Layer[], keys: string[]): void {
  const layerOf = new Map(keys.map((k, i) => [k, i]));
  let order = 0;
  const own = (i: number): number[] => {
    const data = layers[i]!.file.data;
    const out: number[] = [];
    if (data.overrides !== undefined) out.push(i * 2);
    if (typeOverrides(data)) out.push(i * 2 + 1);
    return out;
  };
  const visit = (file: ManifestFile, key: string, parentInline: number[], entry: number[]) => {
    const i = layerOf.get(file.path + key)!;
    const inline = lastOnly([...own(i), ...parentInline]);
    let imported = entry;
    for (const imp of importsOf(loader, file)) {
      // The files of one import (a glob's matches) all start from the same list; their results then add up in order.
      const start = imported;
      for (const target of imp.targets ?? []) {
        const child = (target.file ??= loader.load({
          path: target.path,
          context: imp.spec.context,
          skipTemplates: imp.spec.skipTemplates,
        }));
        const r = visit(child, imp.key, inline, start);
        imported = lastOnly([...imported, ...r.imported, ...r.inline]);
      }
    }
    layers[i]!.overrides.push({ order: order++, entries: lastOnly([...imported, ...inline]) });
    return { inline, imported };
  };
  visit(top, "", [], []);
}

interface ResolvedImport {
  spec: ImportSpec;
  /** Context key: a file imported with another context is another layer. */
  key: string;
  /** The files it names, worked out when first reached (a missing import is reported in order). */
  targets?: { path: string; file?: ManifestFile }[];
}

/**
 * A file's imports, resolved once: hundreds of stacks import the same catalog files, whose own imports
 * need not be worked out again for each. The imported files are loaded when first visited.
 */
const importsMemo = new WeakMap<ManifestFile, ResolvedImport[]>();

function importsOf(loader: ManifestLoader, file: ManifestFile): ResolvedImport[] {
  let list = importsMemo.get(file);
  if (!list) {
    list = specsOf(file).map((spec) => ({
      spec,
      key: spec.context ? `\0${JSON.stringify(spec.context)}` : "",
    }));
    importsMemo.set(file, list);
  }
  return list;
}

function rel(loader: ManifestLoader, path: string): string {
  return relative(loader.config.stacks.basePath, path);
}

/** The files one import names: a glob (sorted), or a path with an optional manifest extension. */
function resolveImport(loader: ManifestLoader, from: ManifestFile, spec: ImportSpec): string[] {
  const local = spec.path.startsWith("./") || spec.path.startsWith("../");
  // Non-relative imports resolve the same from every file: hundreds of stacks import the same catalog.
  const key = `${local ? dirname(from.path) : ""}\0${spec.path}\0${spec.skipIfMissing}`;
  let hit = resolved.get(loader)?.get(key);
  if (!hit) {
    hit = findImport(loader, from, spec);
    let perLoader = resolved.get(loader);
    if (!perLoader) resolved.set(loader, (perLoader = new Map()));
    perLoader.set(key, hit);
  }
  return hit;
}

const resolved = new WeakMap<ManifestLoader, Map<string, string[]>>();

function findImport(loader: ManifestLoader, from: ManifestFile, spec: ImportSpec): string[] {
  const local = spec.path.startsWith("./") || spec.path.startsWith("../");
  const base = local ? dirname(from.path) : loader.config.stacks.basePath;
  if (isDynamicPattern(spec.path)) {
    const hits = loader.inputs
      .glob(spec.path, base)
      .filter((p) => MANIFEST_EXTENSIONS.some((e) => p.endsWith(e)))
      .sort();
    if (hits.length === 0 && !spec.skipIfMissing) throw missingImport(loader, from, spec, base);
    return hits;
  }
  const target = isAbsolute(spec.path) ? spec.path : resolve(base, spec.path);
  const candidates = MANIFEST_EXTENSIONS.some((e) => target.endsWith(e))
    ? [target]
    : [...MANIFEST_EXTENSIONS.map((e) => target + e), target];
  const found = candidates.find((c) => loader.isFile(c));
  if (found) return [found];
  if (spec.skipIfMissing) return [];
  throw missingImport(loader, from, spec, base);
}

function missingImport(
  loader: ManifestLoader,
  from: ManifestFile,
  spec: ImportSpec,
  base: string,
): SlipwayError {
  const pos = loader.locate(from, ["import", spec.index]);
  const dir = dirname(resolve(base, spec.path));
  const siblings = globSync("*", { cwd: dir, onlyFiles: true }).filter((p) =>
    MANIFEST_EXTENSIONS.some((e) => p.endsWith(e)),
  );
  const want = basename(spec.path);
  const near = siblings.length ? closest(want, siblings) : undefined;
  return new SlipwayError({
    code: "import",
    message: `import "${spec.path}" not found (looked in ${relative(loader.config.basePath, base) || "."})`,
    file: from.path,
    ...pos,
    hint: near
      ? `did you mean "${relative(base, resolve(dir, near))}"? Paths starting ./ or ../ are relative to this file, others to the stacks folder`
      : "paths starting ./ or ../ are relative to this file, others to the stacks folder; add skip_if_missing: true for optional imports",
  });
}

function cycleError(
  loader: ManifestLoader,
  from: ManifestFile,
  spec: ImportSpec,
  chain: string[],
): SlipwayError {
  const pos = loader.locate(from, ["import", spec.index]);
  return new SlipwayError({
    code: "import-cycle",
    message: `import cycle: ${chain.map((c) => rel(loader, c)).join(" → ")}`,
    file: from.path,
    ...pos,
    hint: "remove one of these imports; shared settings belong in a file both can import",
  });
}
