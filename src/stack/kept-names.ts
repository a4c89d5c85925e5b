import type { StackBuild } from "./stack-build.js";
import { StackEntry } from "./stack-entry.js";
import type { ManifestNames } from "./stack-names.js";

/**
 * The stack names of every top-level manifest, as a run worked them out, kept between runs so that a
 * command on one stack need not load and name all of them (src/cache/stack-names.ts keeps them, and gives
 * them back only when every input they were worked out from reads the same again).
 */
export interface KeptNames {
  /** In manifest order, each manifest's names as `nameManifest` gave them. */
  manifests: { path: string; names: KeptManifestNames }[];
}

/** ManifestNames as JSON: per-component names as `[type/component, name]` pairs. */
export type KeptManifestNames =
  { kind: "one"; name: string } | { kind: "none" } | { kind: "per-component"; names: [string, string][] };

/** Where the names are kept between runs; the engine works without one. */
export interface StackNamesStore {
  /** The kept names, when every input they were worked out from is unchanged; else undefined. */
  load(): KeptNames | undefined;
  /** Keeps the names a complete run gave (a failed or partial run keeps nothing). */
  save(names: KeptNames): void;
}

/** ManifestNames → JSON. */
export function keepNames(n: ManifestNames): KeptManifestNames {
  return n.kind === "per-component" ? { kind: "per-component", names: [...n.names] } : n;
}

/** JSON → ManifestNames. */
export function keptNames(n: KeptManifestNames): ManifestNames {
  return n.kind === "per-component" ? { kind: "per-component", names: new Map(n.names) } : n;
}

/** Every stack name the kept names hold, sorted as `StackEngine.stacks()` sorts them. */
export function namesIn(kept: KeptNames): string[] {
  const names = new Set<string>();
  for (const m of kept.manifests) {
    if (m.names.kind === "one") names.add(m.names.name);
    else if (m.names.kind === "per-component") for (const [, n] of m.names.names) names.add(n);
  }
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The entry of stack `name` as `StackEngine.stacks()` builds it, opening only the manifests that name it
 * (`open` builds one and takes its names); undefined when no manifest does.
 */
export function keptEntry(
  kept: KeptNames,
  name: string,
  open: (path: string, names: ManifestNames) => StackBuild,
): StackEntry | undefined {
  let entry: StackEntry | undefined;
  for (const m of kept.manifests) {
    const n = m.names;
    if (n.kind === "none") continue;
    if (n.kind === "one" ? n.name !== name : !n.names.some(([, v]) => v === name)) continue;
    const build = open(m.path, keptNames(n));
    entry ??= new StackEntry(name);
    if (n.kind === "one") entry.add(build);
    else for (const [key, v] of n.names) if (v === name) entry.add(build, new Set([key]));
  }
  return entry;
}
