import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { closest } from "fastest-levenshtein";
import { globSync, isDynamicPattern } from "tinyglobby";
import { SlipwayError } from "../errors.js";
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
 * globs in sorted order. A file imported twice (same context) counts once, where it was first imported.
 */
export function flattenImports(loader: ManifestLoader, top: ManifestFile): Layer[] {
  const layers: Layer[] = [];
  const seen = new Set<string>();
  const visit = (file: ManifestFile, chain: string[], relChain: string[], contextKey: string): void => {
    seen.add(file.path + contextKey);
    for (const spec of specsOf(file)) {
      const key = spec.context ? `\0${JSON.stringify(spec.context)}` : "";
      for (const path of resolveImport(loader, file, spec)) {
        if (chain.includes(path)) throw cycleError(loader, file, spec, [...chain, path]);
        if (seen.has(path + key)) continue;
        const child = loader.load({ path, context: spec.context, skipTemplates: spec.skipTemplates });
        visit(child, [...chain, path], [...relChain, child.rel], key);
      }
    }
    layers.push({ file, chain: relChain, scope: [] });
  };
  visit(top, [top.path], [top.rel], "");
  fixScopes(layers);
  return layers;
}

/** A layer's scope is itself and its importers; importers come after it, so scopes are filled in last. */
function fixScopes(layers: Layer[]): void {
  const byChain = new Map<string, number>();
  layers.forEach((l, i) => byChain.set(l.chain.join("\0"), i));
  for (const [i, l] of layers.entries()) {
    const scope = [i];
    for (let n = l.chain.length - 1; n > 0; n--) {
      const idx = byChain.get(l.chain.slice(0, n).join("\0"));
      if (idx !== undefined) scope.push(idx);
    }
    l.scope = scope;
  }
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
