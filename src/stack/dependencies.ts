import type { Json, ResolvedComponent } from "./types.js";

/** The context fields an Atmos dependency entry may name instead of a stack. */
export const DEPENDENCY_CONTEXT = ["namespace", "tenant", "environment", "stage"] as const;

/** One dependency on another component, as either of Atmos's forms spells it. */
export interface ComponentDependency extends Partial<Record<(typeof DEPENDENCY_CONTEXT)[number], string>> {
  component: string;
  stack?: string;
}

/** A map (Atmos's `settings.depends_on` form) or a list, as its entries. */
const entries = (raw: unknown): unknown[] =>
  Array.isArray(raw) ? raw : raw && typeof raw === "object" ? Object.values(raw) : [];

const isPathKind = (d: unknown) => ["file", "folder"].includes(String((d as Json | null)?.kind));

/**
 * The components a component depends on: `settings.depends_on` entries with `component:` and
 * `dependencies.components` (Atmos's current form; `name` is its alias of `component`). File and folder
 * entries are not components (see fileDependencies). The one reading plan/apply order and describe affected
 * share.
 */
export function componentDependencies(c: ResolvedComponent): ComponentDependency[] {
  const listed = entries(c.dependencies?.components).filter((d) => !isPathKind(d));
  const out: ComponentDependency[] = [];
  for (const d of [...entries(c.settings.depends_on), ...listed]) {
    if (!d || typeof d !== "object") continue;
    const o = d as Json;
    const name = o.component ?? o.name;
    if (typeof name !== "string" || !name) continue;
    const dep: ComponentDependency = { component: name };
    if (typeof o.stack === "string" && o.stack) dep.stack = o.stack;
    for (const k of DEPENDENCY_CONTEXT) if (typeof o[k] === "string" && o[k]) dep[k] = o[k];
    out.push(dep);
  }
  return out;
}

/** `settings.depends_on` entries that are bare names (slipway also reads `depends_on: [vpc]`). */
export function bareDependencies(c: ResolvedComponent): string[] {
  return entries(c.settings.depends_on).filter((d): d is string => typeof d === "string");
}

/**
 * The files and folders a component depends on: settings.depends_on `file:`/`folder:` entries, and
 * `dependencies.files` / `dependencies.folders` / `dependencies.components` entries of `kind: file|folder`.
 */
export function fileDependencies(c: ResolvedComponent): { kind: "file" | "folder"; path: string }[] {
  const out: { kind: "file" | "folder"; path: string }[] = [];
  for (const d of entries(c.settings.depends_on)) {
    if (!d || typeof d !== "object") continue;
    const o = d as Json;
    if (typeof o.file === "string" && o.file) out.push({ kind: "file", path: o.file });
    if (typeof o.folder === "string" && o.folder) out.push({ kind: "folder", path: o.folder });
  }
  const deps = c.dependencies ?? {};
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  for (const path of strings(deps.files)) out.push({ kind: "file", path });
  for (const path of strings(deps.folders)) out.push({ kind: "folder", path });
  for (const d of entries(deps.components)) {
    const o = d as Json;
    if (isPathKind(o) && typeof o.path === "string" && o.path)
      out.push({ kind: o.kind as "file" | "folder", path: o.path });
  }
  return out;
}
