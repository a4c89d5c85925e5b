import { relative, resolve, sep } from "node:path";
import type { CliConfig } from "../config/load-config.js";
import { COMPONENT_TYPES, type ComponentTypeName } from "../schema/cli-config.js";
import { ciNames } from "./affected-ci-names.js";
import { fileDependencies } from "./dependencies.js";
import type { DescribedStack } from "./engine.js";
import type { Json, ResolvedComponent } from "./types.js";

/** What names a component instance in `describe affected`, for an affected one and for a dependent alike. */
interface AffectedInstance {
  component: string;
  component_type: ComponentTypeName;
  component_path: string;
  namespace?: string;
  tenant?: string;
  environment?: string;
  stage?: string;
  stack: string;
  stack_slug: string;
  /** Terraform, with settings.spacelift.workspace_enabled: the Spacelift stack's name (Atmos's rule). */
  spacelift_stack?: string;
  /** Terraform, with settings.atlantis.project_template: the Atlantis project's name. */
  atlantis_project?: string;
}

/** One affected component instance, in the shape of Atmos's `describe affected` (its field names and order). */
export interface AffectedComponent extends AffectedInstance {
  /** The first reason found: stack.metadata, component.module, component, stack.vars, stack.env, …, stack.settings, file, folder, deleted, deleted.stack. */
  affected: string;
  /** Every reason found, in the order they were checked. */
  affected_all: string[];
  /** When the headline is `file`: the settings.depends_on file that changed (Atmos sets it only then). */
  file?: string;
  /** When the headline is `folder`: the settings.depends_on folder in which something changed. */
  folder?: string;
  /** With `--include-dependents`, who depends on it; else null (as Atmos prints it). */
  dependents: AffectedDependent[] | null;
  included_in_dependents: boolean;
  /** The component's settings with `--include-settings`, else null (as Atmos prints it). */
  settings: Json | null;
  deleted?: boolean;
  deletion_type?: "component" | "stack";
}

/** A component that depends on an affected one (settings.depends_on), with its own dependents. */
export interface AffectedDependent extends AffectedInstance {
  dependents: AffectedDependent[];
  included_in_dependents: boolean;
  settings: Json | null;
}

export interface FindAffectedOptions {
  config: CliConfig;
  /** Files that differ between the two revisions, absolute. */
  changedFiles: string[];
  /** Only this stack. */
  stack?: string;
  /** Keep each component's settings in the output (`--include-settings`). */
  includeSettings?: boolean;
  /** Leave out components with metadata.locked (`--exclude-locked`). */
  excludeLocked?: boolean;
  /**
   * The local module folders a terraform component folder calls (absolute), for `component.module`;
   * undefined when no Terraform file changed (then no module can have).
   */
  moduleDirs?: (folder: string) => string[];
  /** Sees every component of `head` as it goes by (the dependents index is built from them). */
  visit?: (c: ResolvedComponent) => void;
}

/**
 * Sections compared verbatim between the revisions, in Atmos's order (the first changed one is the
 * headline reason); only those a component has are compared. metadata and settings have their own checks.
 */
const SECTION_CHECKS: [string, string][] = [
  "vars",
  "env",
  "providers",
  "required_providers",
  "required_version",
  "generate",
  "backend",
  "backend_type",
  "remote_state_backend",
  "remote_state_backend_type",
  "auth",
  "command",
  "dependencies",
  "source",
  "provision",
].map((s) => [s, `stack.${s}`]);

/**
 * The sections Atmos gives a component of each type: a component new in the work tree has no older
 * side, so Atmos reports each section it has as changed — these lists say which, for the same output.
 * (slipway's own types, ansible and kubernetes, report the sections slipway gives them.)
 */
const NEW_COMPONENT_SECTIONS: Partial<Record<ComponentTypeName, ReadonlySet<string>>> = {
  // `dependencies` only when it has some (slipway, like Atmos, leaves the section out otherwise).
  terraform: new Set(SECTION_CHECKS.map(([s]) => s).filter((s) => s !== "dependencies")),
  packer: new Set(["vars", "env", "auth", "command", "source", "provision"]),
};

/** Atmos's `stack_slug`: the stack and the component, `/` in the component made `-`. */
export const stackSlug = (stack: string, component: string) => `${stack}-${component.replace(/\//g, "-")}`;

/** Where the component's files are, relative to the base path (Atmos's `component_path`). */
export function componentPath(config: CliConfig, type: ComponentTypeName, folder: string): string {
  return relative(config.basePath, resolve(config.components[type].basePath, folder));
}

/** vars.namespace/tenant/environment/stage, the context fields Atmos copies into its entries when set. */
export function contextOf(
  vars: Json,
): Pick<AffectedComponent, "namespace" | "tenant" | "environment" | "stage"> {
  const out: Pick<AffectedComponent, "namespace" | "tenant" | "environment" | "stage"> = {};
  for (const k of ["namespace", "tenant", "environment", "stage"] as const) {
    const v = vars[k];
    if (typeof v === "string" && v) out[k] = v;
  }
  return out;
}

/**
 * Deep equality of parsed YAML (plain objects, arrays, scalars), key order ignored — what Atmos's
 * reflect.DeepEqual compares; several times faster than util.isDeepStrictEqual on resolved components.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null)
    return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !sameJson((a as Json)[k], (b as Json)[k])) return false;
  }
  return true;
}

/** Whether `file` is `dir` or lies under it. */
function isUnder(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** The headline reason and every reason, in the order checked; empty when nothing changed. */
function reasonsFor(
  c: ResolvedComponent,
  before: ResolvedComponent | undefined,
  opts: FindAffectedOptions,
): { reasons: string[]; file?: string; folder?: string } {
  const reasons: string[] = [];
  if (!before || !sameJson(c.metadata, before.metadata)) reasons.push("stack.metadata");
  const base = opts.config.components[c.component_type].basePath;
  const folder = resolve(base, c.component);
  if (c.component_type === "terraform" && opts.moduleDirs) {
    // Atmos looks for module changes among the files under the terraform base path only.
    const modules = opts.moduleDirs(folder);
    if (opts.changedFiles.some((f) => isUnder(f, base) && modules.some((m) => isUnder(f, m) && f !== m)))
      reasons.push("component.module");
  }
  if (opts.changedFiles.some((f) => isUnder(f, folder))) reasons.push("component");
  const now = c as unknown as Json;
  const then = before as unknown as Json | undefined;
  const fresh = NEW_COMPONENT_SECTIONS[c.component_type];
  for (const [section, reason] of SECTION_CHECKS) {
    if (!then) {
      if (fresh && section !== "dependencies" ? fresh.has(section) : section in now) reasons.push(reason);
    } else if (section in now && (!(section in then) || !sameJson(now[section], then[section])))
      reasons.push(reason);
  }
  if (!before || !sameJson(c.settings, before.settings)) reasons.push("stack.settings");
  // The first file or folder dependency in which something changed (Atmos stops at the first).
  for (const dep of fileDependencies(c)) {
    const abs = resolve(opts.config.basePath, dep.path);
    const hit = opts.changedFiles.some((f) =>
      dep.kind === "file" ? f === abs : isUnder(f, abs) && f !== abs,
    );
    if (hit) {
      reasons.push(dep.kind);
      return { reasons, [dep.kind]: dep.path };
    }
  }
  return { reasons };
}

/** The affected entry for a component with its reasons. */
function entryFor(
  c: ResolvedComponent,
  opts: FindAffectedOptions,
  r: ReturnType<typeof reasonsFor>,
): AffectedComponent {
  const headline = r.reasons[0]!;
  // Atmos names the file or folder only when that is the first reason (a later one only joins affected_all),
  // and copies the context fields (namespace, stage, …) into deleted entries and dependents, not these.
  return {
    component: c.atmos_component,
    component_type: c.component_type,
    component_path: componentPath(opts.config, c.component_type, c.component),
    stack: c.atmos_stack,
    stack_slug: stackSlug(c.atmos_stack, c.atmos_component),
    ...ciNames(c),
    affected: headline,
    affected_all: r.reasons,
    ...(headline === "file" ? { file: r.file } : {}),
    ...(headline === "folder" ? { folder: r.folder } : {}),
    dependents: null,
    included_in_dependents: false,
    settings: opts.includeSettings ? c.settings : null,
  };
}

/**
 * The component instances that differ between two resolutions of a repository (`base`, the older
 * revision, and `head`, the work tree), with why: Atmos's `describe affected` rules. Both come one stack at
 * a time in name order (as `describeStacksEach` gives them) and are walked side by side, so neither is
 * ever held whole.
 */
export function findAffected(
  head: Iterable<[string, DescribedStack]>,
  base: Iterable<[string, DescribedStack]>,
  opts: FindAffectedOptions,
): AffectedComponent[] {
  const out: AffectedComponent[] = [];
  const hi = head[Symbol.iterator]();
  const bi = base[Symbol.iterator]();
  let h = hi.next();
  let b = bi.next();
  while (!h.done || !b.done) {
    const order = h.done ? 1 : b.done ? -1 : cmp(h.value[0], b.value[0]);
    const now = order <= 0 ? (h.value as [string, DescribedStack]) : undefined;
    const then = order >= 0 ? (b.value as [string, DescribedStack]) : undefined;
    const stack = (now ?? then)![0];
    if (!opts.stack || opts.stack === stack) compareStack(stack, now?.[1], then?.[1], opts, out);
    if (now) h = hi.next();
    if (then) b = bi.next();
  }
  return out.sort(byStackThenComponent);
}

/** One stack's entries: its changed components, and those of the older revision that are gone. */
function compareStack(
  stack: string,
  now: DescribedStack | undefined,
  then: DescribedStack | undefined,
  opts: FindAffectedOptions,
  out: AffectedComponent[],
): void {
  for (const type of COMPONENT_TYPES) {
    const before = then?.components[type];
    for (const [name, value] of Object.entries(now?.components[type] ?? {})) {
      const c = value as ResolvedComponent;
      opts.visit?.(c);
      if (c.metadata.type === "abstract" || c.metadata.enabled === false) continue;
      if (opts.excludeLocked && c.metadata.locked === true) continue;
      const r = reasonsFor(c, before?.[name] as ResolvedComponent | undefined, opts);
      if (r.reasons.length > 0) out.push(entryFor(c, opts, r));
    }
    const after = now?.components[type];
    for (const [name, value] of Object.entries(before ?? {})) {
      const c = value as ResolvedComponent;
      if (c.metadata.type === "abstract" || (after && name in after)) continue;
      const reason = now ? "deleted" : "deleted.stack";
      out.push({
        component: name,
        component_type: type,
        component_path: componentPath(opts.config, type, c.component),
        ...contextOf(c.vars),
        stack,
        stack_slug: stackSlug(stack, name),
        ...ciNames(c),
        affected: reason,
        affected_all: [reason],
        dependents: null,
        included_in_dependents: false,
        settings: null,
        deleted: true,
        deletion_type: now ? "component" : "stack",
      });
    }
  }
}

/** Output order: by stack, then type, then component (Atmos's order is not stable run to run). */
export function byStackThenComponent(a: AffectedComponent, b: AffectedComponent): number {
  return cmp(a.stack, b.stack) || cmp(a.component_type, b.component_type) || cmp(a.component, b.component);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
