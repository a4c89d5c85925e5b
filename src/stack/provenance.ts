import type { ComponentTypeName } from "../schema/cli-config.js";
import { isMap } from "../yaml/markers.js";
import { pathKey, type DocPath } from "../yaml/parse.js";
import { backendOf, originOf, whole, type Selector } from "./precedence.js";
import type { StackBuild } from "./stack-build.js";
import type { Json, ManifestFile, Origin, ResolvedComponent } from "./types.js";

/** The sections provenance and edits follow to the files that set them (plus the backend's block). */
const SECTIONS = ["vars", "settings", "env", "providers"] as const;
const tracks = (section: string) => (SECTIONS as readonly string[]).includes(section);

function sectionsOf(backendType: string): [string, Selector, string][] {
  return [
    ...SECTIONS.map((s): [string, Selector, string] => [s, whole, ""]),
    ["backend", backendOf(backendType), backendType],
  ];
}

/**
 * Where each leaf of a component's merged sections came from — `describe component --provenance`. It reads
 * the same levels the values were folded through (precedence.ts), from the top down.
 */
export function provenanceOf(
  build: StackBuild,
  type: ComponentTypeName,
  name: string,
  resolved: ResolvedComponent,
): Record<string, Origin> {
  const out: Record<string, Origin> = {};
  for (const [section, select, selKey] of sectionsOf(resolved.backend_type)) {
    const groups = build.sectionGroups(type, name, section, select, selKey);
    const value = (resolved as unknown as Json)[section];
    for (const leaf of leaves(value)) {
      const found = originOf(groups, leaf);
      if (!found) continue;
      const layer = build.layers[found.input.layer]!;
      const docPath = [...found.input.path.filter((p) => p !== ""), ...leaf];
      out[pathKey([section, ...leaf])] = {
        file: layer.file.rel,
        ...build.positionsIn(layer.file).get(pathKey(docPath)),
        chain: layer.chain,
        level: found.level,
      };
    }
  }
  return out;
}

/**
 * The manifest that sets a resolved value and the value's path inside that file's document — what an
 * editor needs to change it where it is defined. Undefined when no file sets it.
 */
export function sourceOf(
  build: StackBuild,
  type: ComponentTypeName,
  name: string,
  section: string,
  path: DocPath,
): { file: ManifestFile; docPath: DocPath; chain: string[] } | undefined {
  if (!tracks(section)) return undefined;
  const found = originOf(build.sectionGroups(type, name, section), path);
  if (!found) return undefined;
  const layer = build.layers[found.input.layer]!;
  return {
    file: layer.file,
    docPath: [...found.input.path.filter((p) => p !== ""), ...path],
    chain: layer.chain,
  };
}

/** The file and place a resolved value came from, for errors (templates, schemas, variables). */
export function placeOf(
  build: StackBuild,
  type: ComponentTypeName,
  name: string,
  section: string,
  path: DocPath,
): { file: string; line?: number; col?: number } {
  const found = tracks(section) ? originOf(build.sectionGroups(type, name, section), path) : undefined;
  if (!found) {
    const f = build.fragmentsOf(type, name).at(-1);
    const file = build.layers[f?.layer ?? build.layers.length - 1]!.file;
    return {
      file: file.path,
      ...build.locateIn(file, f ? ["components", type, name, section, ...path] : [section]),
    };
  }
  const file = build.layers[found.input.layer]!.file;
  return { file: file.path, ...build.locateIn(file, [...found.input.path.filter((p) => p !== ""), ...path]) };
}

/** Paths to every leaf (scalar or list) of a value. */
function leaves(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (isMap(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return prefix.length ? [prefix] : [];
    return keys.flatMap((k) => leaves(v[k], [...prefix, k]));
  }
  return prefix.length ? [prefix] : [];
}
