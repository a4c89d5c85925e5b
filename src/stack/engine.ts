import type { CliConfig } from "../config/load-config.js";
import { suggest } from "../core/suggest.js";
import { SlipwayError } from "../core/errors.js";
import { COMPONENT_TYPES, type ComponentTypeName } from "../schema/cli-config.js";
import { flattenImports } from "./imports.js";
import { MANIFEST_EXTENSIONS, ManifestLoader, manifestWarnings } from "./loader.js";
import { stripMarkers } from "./merge.js";
import { StackBuild, type BuildContext } from "./stack-build.js";
import { placeOf, provenanceOf, sourceOf } from "./provenance.js";
import { renderStrings } from "./render-strings.js";
import { checkSameDefinition } from "./same-definition.js";
import { evaluateFunctions, type FunctionRuntime } from "./yaml-functions.js";
import { StackEntry } from "./stack-entry.js";
import type { StackEngineOptions } from "./engine-options.js";
import { keepNames, keptEntry, namesIn, type KeptNames, type StackNamesStore } from "./kept-names.js";
import { nameManifest, type ManifestNames } from "./stack-names.js";
import type {
  DescribedStack,
  DescribeStacksFilter,
  Json,
  ManifestFile,
  Origin,
  ResolvedComponent,
  Warning,
} from "./types.js";
import { pathKey, type DocPath, type Position } from "../yaml/parse.js";
import { positionsOf } from "../yaml/positions.js";

export { StackEntry } from "./stack-entry.js";
export type { DescribedStack, DescribeStacksFilter } from "./types.js";
export type { StackEngineOptions } from "./engine-options.js";

/** The stack engine: finds manifests, names stacks, resolves components. Pure apart from reading files. */
export class StackEngine {
  readonly loader: ManifestLoader;
  readonly config: CliConfig;
  private entries?: Map<string, StackEntry>;
  private readonly builds = new Map<string, StackBuild>();
  private readonly names = new Map<StackBuild, ManifestNames>();
  /** What each stack build sees of the engine. */
  private readonly buildContext: BuildContext;
  private readonly store?: StackNamesStore;
  /** The store's names, once asked (null: none usable), and the stacks opened from them. */
  private kept?: KeptNames | null;
  private readonly keptEntries = new Map<string, StackEntry>();

  /** How YAML functions are evaluated (see StackEngineOptions.functions); the runtime may be set after opening. */
  functions: { process: boolean; runtime?: FunctionRuntime };

  constructor(opts: StackEngineOptions) {
    this.config = opts.config;
    this.store = opts.names;
    this.functions = { process: opts.functions?.process ?? true, runtime: opts.functions?.runtime };
    this.loader = new ManifestLoader(opts.config, opts.env, opts.inputs);
    const positions = new Map<string, Map<string, Position>>();
    this.buildContext = {
      listMergeStrategy: opts.config.listMergeStrategy,
      prefixSeparator: opts.config.prefixSeparator,
      commands: Object.fromEntries(
        COMPONENT_TYPES.map((t) => [t, opts.config.components[t].command]),
      ) as Record<ComponentTypeName, string>,
      configEnv: opts.config.env,
      memo: opts.memo ?? true,
      locate: (file, path, target) => this.loader.locate(file, path, target),
      positions: (file: ManifestFile) => {
        let map = positions.get(file.path);
        if (!map)
          positions.set(
            file.path,
            (map = positionsOf(file.text, {
              file: file.path,
              env: this.loader.env,
              basePath: opts.config.basePath,
            })),
          );
        return map;
      },
    };
  }

  /** Top-level manifests: `stacks.included_paths` minus `excluded_paths`, sorted. */
  manifestPaths(): string[] {
    const s = this.config.stacks;
    return this.loader.inputs
      .glob(s.includedPaths, s.basePath, s.excludedPaths)
      .filter((p) => MANIFEST_EXTENSIONS.some((e) => p.endsWith(e)))
      .sort();
  }

  /** The build (imports flattened) of one top-level manifest, made once. */
  build(path: string): StackBuild {
    let b = this.builds.get(path);
    if (!b) {
      const top = this.loader.load({ path });
      b = new StackBuild(this.buildContext, top, flattenImports(this.loader, top));
      this.builds.set(path, b);
    }
    return b;
  }

  /**
   * Every stack by name; manifests that yield no name (no components, name vars missing) are skipped.
   * With `onError`, a manifest that fails to load is reported there and left out instead of stopping.
   */
  stacks(onError?: (e: SlipwayError) => void): Map<string, StackEntry> {
    if (!this.entries) {
      const entries = new Map<string, StackEntry>();
      const entry = (name: string) => {
        let e = entries.get(name);
        if (!e) entries.set(name, (e = new StackEntry(name)));
        return e;
      };
      const kept: KeptNames["manifests"] | undefined = this.store ? [] : undefined;
      let failed = false;
      for (const path of this.manifestPaths()) {
        let build: StackBuild;
        let names: ManifestNames;
        try {
          build = this.build(path);
          names = this.manifestNames(build);
        } catch (e) {
          if (onError && e instanceof SlipwayError) {
            failed = true;
            onError(e);
            continue;
          }
          throw e;
        }
        if (names.kind === "one") entry(names.name).add(build);
        else if (names.kind === "per-component") {
          for (const [key, name] of names.names) entry(name).add(build, new Set([key]));
        }
        kept?.push({ path, names: keepNames(names) });
      }
      this.entries = new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      if (kept && !failed) this.store?.save({ manifests: kept });
    }
    return this.entries;
  }

  /** The stack names, sorted: from the kept names when they are still good, else by naming every stack. */
  stackNames(): string[] {
    const kept = this.entries ? undefined : this.keptNames();
    return kept ? namesIn(kept) : [...this.stacks().keys()];
  }

  private keptNames(): KeptNames | undefined {
    if (this.kept === undefined) this.kept = this.store?.load() ?? null;
    return this.kept ?? undefined;
  }

  /**
   * One stack by name; an unknown name suggests the closest ones. A manifest path is a stack name only
   * when the manifest's stack has no logical name: one with `name:`, `name_template` or `name_pattern`
   * is refused by its path, naming the name — as Atmos refuses it, and since a path could be another
   * stack's name.
   */
  stack(name: string): StackEntry {
    const kept = this.entries ? undefined : this.keptNames();
    let entry = kept ? this.keptEntries.get(name) : this.entries?.get(name);
    if (!entry && kept) {
      entry = keptEntry(kept, name, (path, names) => {
        const b = this.build(path);
        this.names.set(b, names);
        return b;
      });
      if (entry) this.keptEntries.set(name, entry);
    }
    return entry ?? this.searchedStack(name);
  }

  /** `stack` by naming every stack: the entry, or the error for a manifest path or an unknown name. */
  private searchedStack(name: string): StackEntry {
    const entry = this.stacks().get(name);
    if (entry) return entry;
    const byFile = [...this.stacks().values()].filter((e) => e.builds.some((b) => b.top.rel === name));
    if (byFile.length > 0) {
      const names = byFile.map((e) => e.name);
      throw new SlipwayError({
        code: "unknown-stack",
        message: `"${name}" is the manifest of stack${names.length > 1 ? "s" : ""} ${names.map((n) => `"${n}"`).join(", ")}, not a stack name: a stack with a logical name (name:, name_template, name_pattern) is named by it`,
        hint: `use -s ${names[0]}`,
      });
    }
    const names = [...this.stacks().keys()];
    throw new SlipwayError({
      code: "unknown-stack",
      message: `stack "${name}" not found`,
      hint: suggest(name, names, "stacks") + " (`slipway list stacks` lists them)",
    });
  }

  /** The stack name(s) of a manifest, worked out once. */
  manifestNames(build: StackBuild): ManifestNames {
    let n = this.names.get(build);
    if (!n) this.names.set(build, (n = nameManifest(build, this.config, (src) => this.loader.template(src))));
    return n;
  }

  /** The stack a component of a manifest belongs to. */
  stackNameOf(build: StackBuild, type: ComponentTypeName, component: string): string | undefined {
    const n = this.manifestNames(build);
    if (n.kind === "one") return n.name;
    return n.kind === "per-component" ? n.names.get(`${type}/${component}`) : undefined;
  }

  /** A component resolved in a stack; conflicting definitions across the stack's manifests are an error. */
  /**
   * What the files of one stack hold that slipway does not understand (unknown keys, Atmos-only sections),
   * as warnings at their places: every command that reads a stack shows them, not only `validate stacks`.
   */
  warningsOf(stackName: string): Warning[] {
    const files = new Map<string, ManifestFile>();
    for (const b of this.stack(stackName).builds) for (const l of b.layers) files.set(l.file.path, l.file);
    return [...files.values()].flatMap((f) =>
      manifestWarnings(f.data, f.text, f.path, this.loader.env, this.config.basePath),
    );
  }

  /**
   * With `functions: false`, the YAML functions stay as YamlFunction markers: what `plan -s` reads to order
   * components (a reader of another's outputs runs after it) before any output exists.
   */
  resolveComponent(
    stackName: string,
    component: string,
    type?: ComponentTypeName,
    opts: { functions?: boolean } = {},
  ): ResolvedComponent {
    const entry = this.stack(stackName);
    const hits = (type ? [type] : COMPONENT_TYPES).flatMap((t) =>
      entry.buildsDefining(t, component).map((b) => ({ b, t })),
    );
    if (hits.length === 0) {
      // The name is right, the type is not: say which type it is, not "did you mean" the same name.
      const other =
        type && COMPONENT_TYPES.find((t) => t !== type && entry.buildsDefining(t, component).length);
      if (other)
        throw new SlipwayError({
          code: "unknown-component",
          message: `component "${component}" in stack "${stackName}" is ${/^[aeiou]/.test(other) ? "an" : "a"} ${other} component, not ${type}`,
          hint: `use \`slipway ${other} … ${component} -s ${stackName}\`, or \`slipway describe component ${component} -s ${stackName}\``,
        });
      const known = COMPONENT_TYPES.flatMap((t) => entry.componentNames(t));
      throw new SlipwayError({
        code: "unknown-component",
        message: `component "${component}" is not defined in stack "${stackName}"`,
        hint:
          suggest(component, [...new Set(known)], "components") +
          ` (\`slipway list components -s ${stackName}\`)`,
      });
    }
    const resolved = hits.map(({ b, t }) =>
      this.finish(b, b.resolve(t, component, entry.name), opts.functions ?? true),
    );
    if (resolved.length > 1)
      checkSameDefinition(
        resolved,
        hits.map((h) => h.b),
      );
    return resolved[0]!;
  }

  /**
   * The manifest a stack's component comes from (the first, when several agree) and its type, found
   * without resolving it; an unknown component is the error resolveComponent gives.
   */
  private definingBuild(
    stack: string,
    component: string,
    type?: ComponentTypeName,
  ): { build: StackBuild; type: ComponentTypeName } {
    const entry = this.stack(stack);
    for (const t of type ? [type] : COMPONENT_TYPES) {
      const build = entry.buildsDefining(t, component)[0];
      if (build) return { build, type: t };
    }
    this.resolveComponent(stack, component, type);
    throw new Error(`unreachable: resolveComponent found "${component}" where the index did not`);
  }

  /**
   * Where each leaf of a component's vars, settings, env, providers and backend came from: file, line,
   * column, import chain and merge level, by `a.b.c` path.
   */
  provenance(stack: string, component: string, type?: ComponentTypeName): Record<string, Origin> {
    const c = this.resolveComponent(stack, component, type);
    return provenanceOf(
      this.definingBuild(stack, component, c.component_type).build,
      c.component_type,
      component,
      c,
    );
  }

  /** The place of every key and item of one loaded stack file, by `a.b[0].c` path (parsed once per engine). */
  positionsIn(file: ManifestFile): Map<string, Position> {
    return this.buildContext.positions(file);
  }

  /** Where one leaf value (`["vars", "network", "cidr"]`) of a component came from; undefined when no file sets it. */
  origin(stack: string, component: string, path: DocPath, type?: ComponentTypeName): Origin | undefined {
    return this.provenance(stack, component, type)[pathKey(path)];
  }

  /**
   * The manifest that sets one resolved value (`section` vars, settings, env or providers, then `path`) and
   * the value's path in that file's document: where an edit of it belongs. Undefined when no file sets it.
   */
  sourceOf(
    stack: string,
    component: string,
    section: string,
    path: DocPath,
    type?: ComponentTypeName,
  ): { file: ManifestFile; docPath: DocPath; chain: string[] } | undefined {
    const found = this.definingBuild(stack, component, type);
    return sourceOf(found.build, found.type, component, section, path);
  }

  /** The file, line and column a resolved value came from (its component's definition when no file sets it). */
  placeOf(
    stack: string,
    component: string,
    section: string,
    path: DocPath,
    type?: ComponentTypeName,
  ): { file: string; line?: number; col?: number } {
    const found = this.definingBuild(stack, component, type);
    return placeOf(found.build, found.type, component, section, path);
  }

  /** Templates, marker clean-up, then YAML functions: the steps after merging. */
  finish(build: StackBuild, merged: ResolvedComponent, functions = true): ResolvedComponent {
    let c = merged;
    if (build.hasMarkers) c = stripMarkers(c) as ResolvedComponent;
    if (this.config.templatesEnabled && build.hasTemplates) c = renderStrings(c, build, this.loader);
    if (build.hasFunctions && functions) {
      const record = this.loader.inputs.record;
      c = evaluateFunctions(c, {
        ...this.functions,
        onImpure: record ? (why) => (record.unreplayable ??= why) : undefined,
        placeOf: (section, path) => placeOf(build, c.component_type, c.atmos_component, section, path),
      });
    }
    return c;
  }

  /** `describe stacks`: every stack, every component, optionally filtered. */
  describeStacks(filter: DescribeStacksFilter = {}): Record<string, DescribedStack> {
    const out: Record<string, DescribedStack> = {};
    for (const [name, stack] of this.describeStacksEach(filter)) out[name] = stack;
    return out;
  }

  /**
   * `describe stacks` one stack at a time, in name order. A caller that writes each stack out and drops it
   * (the CLI does) keeps memory flat: the merge caches of a manifest are released once its stack is done.
   */
  *describeStacksEach(filter: DescribeStacksFilter = {}): Generator<[string, DescribedStack]> {
    const entries = filter.stack ? [this.stack(filter.stack)] : [...this.stacks().values()];
    const pending = new Map<StackBuild, number>();
    for (const entry of entries) for (const b of entry.builds) pending.set(b, (pending.get(b) ?? 0) + 1);
    for (const entry of entries) {
      const components: DescribedStack["components"] = {};
      for (const type of COMPONENT_TYPES) {
        if (filter.componentTypes && !filter.componentTypes.includes(type)) continue;
        for (const name of entry.componentNames(type)) {
          if (filter.components && !filter.components.includes(name)) continue;
          // One manifest per stack is the common case: resolve directly, no conflict check needed.
          const builds = entry.buildsDefining(type, name);
          const c =
            builds.length === 1
              ? this.finish(builds[0]!, builds[0]!.resolve(type, name, entry.name))
              : this.resolveComponent(entry.name, name, type);
          (components[type] ??= {})[name] = filter.sections ? pick(c, filter.sections) : c;
        }
      }
      for (const b of entry.builds) {
        const left = pending.get(b)! - 1;
        pending.set(b, left);
        if (left === 0) b.release();
      }
      yield [entry.name, { components }];
    }
  }
}

function pick(c: ResolvedComponent, sections: string[]): Json {
  const out: Json = {};
  for (const s of sections) if (s in c) out[s] = (c as unknown as Json)[s];
  return out;
}
