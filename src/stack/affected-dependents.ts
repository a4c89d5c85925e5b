import type { CliConfig } from "../config/load-config.js";
import type { ComponentTypeName } from "../schema/cli-config.js";
import {
  componentPath,
  contextOf,
  stackSlug,
  type AffectedComponent,
  type AffectedDependent,
} from "./affected.js";
import { ciNames } from "./affected-ci-names.js";
import { componentDependencies, DEPENDENCY_CONTEXT, type ComponentDependency } from "./dependencies.js";
import type { Json, ResolvedComponent } from "./types.js";

const CONTEXT = DEPENDENCY_CONTEXT;
type Context = Partial<Record<(typeof CONTEXT)[number], string>>;
type DependsOn = ComponentDependency;

/** What the dependents search keeps of each component: small, so a large repository's index stays small. */
interface IndexEntry {
  stack: string;
  name: string;
  type: ComponentTypeName;
  folder: string;
  context: Context;
  settings: Json;
  dependsOn: DependsOn[];
  ci: ReturnType<typeof ciNames>;
}

/** Collects, from the work tree's components as they go by, what finding dependents needs. */
export class DependentsIndex {
  private readonly byTarget = new Map<string, IndexEntry[]>();
  private readonly contexts = new Map<string, Context>();

  /** Notes one resolved component (abstract and disabled ones depend on nothing). */
  add(c: ResolvedComponent): void {
    const key = `${c.atmos_stack}\0${c.atmos_component}`;
    this.contexts.set(key, contextOf(c.vars));
    if (c.metadata.type === "abstract" || c.metadata.enabled === false) return;
    const deps = componentDependencies(c);
    if (deps.length === 0) return;
    const entry: IndexEntry = {
      stack: c.atmos_stack,
      name: c.atmos_component,
      type: c.component_type,
      folder: c.component,
      context: contextOf(c.vars),
      settings: c.settings,
      dependsOn: deps,
      ci: ciNames(c),
    };
    for (const target of new Set(deps.map((d) => d.component))) {
      let list = this.byTarget.get(target);
      if (!list) this.byTarget.set(target, (list = []));
      list.push(entry);
    }
  }

  /**
   * The components that depend on `component` in `stack`, Atmos's rules: an entry with `stack` matches
   * that stack; one with context fields (namespace, tenant, environment, stage) matches where each given
   * field equals the target's and each other one equals the dependent's own; one with neither matches in
   * the dependent's own stack. Dependents of dependents are added, a cycle cut where it closes.
   */
  dependentsOf(
    component: string,
    stack: string,
    config: CliConfig,
    includeSettings: boolean,
    seen: Set<string> = new Set(),
  ): AffectedDependent[] {
    const target = this.contexts.get(`${stack}\0${component}`) ?? {};
    const out: AffectedDependent[] = [];
    seen.add(`${stack}\0${component}`);
    for (const e of this.byTarget.get(component) ?? []) {
      if (e.name === component) continue;
      if (!e.dependsOn.some((d) => d.component === component && matches(d, stack, e, target))) continue;
      const key = `${e.stack}\0${e.name}`;
      const more = seen.has(key)
        ? []
        : this.dependentsOf(e.name, e.stack, config, includeSettings, new Set(seen));
      out.push({
        component: e.name,
        component_type: e.type,
        component_path: componentPath(config, e.type, e.folder),
        ...e.context,
        stack: e.stack,
        stack_slug: stackSlug(e.stack, e.name),
        ...e.ci,
        dependents: more,
        included_in_dependents: false,
        settings: includeSettings ? e.settings : null,
      });
    }
    return out.sort(
      (a, b) => cmp(a.stack_slug, b.stack_slug) || cmp(a.component, b.component) || cmp(a.stack, b.stack),
    );
  }
}

function matches(d: DependsOn, stack: string, e: IndexEntry, target: Context): boolean {
  // Atmos's legacy form: `stack` (or, without it and without context fields, the dependent's own stack)
  // must be the target's, and the context fields must agree as well.
  if (d.stack) {
    if (d.stack !== stack) return false;
  } else if (!CONTEXT.some((k) => d[k]) && e.stack !== stack) return false;
  return CONTEXT.every((k) => (target[k] ?? "") === (d[k] ?? e.context[k] ?? ""));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `--include-dependents`: each affected component gets the components that depend on it, and
 * `included_in_dependents` says whether it already shows up as a dependent of another affected entry
 * (or, among dependents, of a peer) — Atmos's marking, so a CI matrix can skip what a parent run covers.
 */
export function addDependents(
  affected: AffectedComponent[],
  index: DependentsIndex,
  config: CliConfig,
  includeSettings: boolean,
): void {
  for (const a of affected)
    a.dependents = a.deleted ? [] : index.dependentsOf(a.component, a.stack, config, includeSettings);
  affected.forEach((a, i) => {
    a.included_in_dependents = affected.some((o, j) => j !== i && contains(o.dependents ?? [], a.stack_slug));
    if (!a.included_in_dependents) markPeers(a.dependents ?? []);
  });
}

function contains(deps: AffectedDependent[], slug: string): boolean {
  return deps.some((d) => d.stack_slug === slug || contains(d.dependents, slug));
}

function markPeers(deps: AffectedDependent[]): void {
  deps.forEach((d, i) => {
    d.included_in_dependents = deps.some(
      (o, j) => j !== i && (o.stack_slug === d.stack_slug || contains(o.dependents, d.stack_slug)),
    );
    markPeers(d.dependents);
  });
}
