import { closest, distance } from "fastest-levenshtein";
import { globSync } from "tinyglobby";
import type { CliConfig } from "../config/load-config.js";
import { SlipwayError } from "../errors.js";
import { COMPONENT_TYPES, type ComponentTypeName, type ListMergeStrategy } from "../schema/cli-config.js";
import { TemplateError } from "../template/index.js";
import { flattenImports } from "./imports.js";
import { MANIFEST_EXTENSIONS, ManifestLoader } from "./loader.js";
import { isMap } from "./markers.js";
import { mergeAll, stripMarkers } from "./merge.js";
import { StackBuild } from "./stack-build.js";
import { renderStrings } from "./render-strings.js";
import type { Json, ResolvedComponent } from "./types.js";

export interface StackEngineOptions {
  config: CliConfig;
  env: Record<string, string | undefined>;
}

/** All top-level manifests that carry one stack name. */
export interface StackEntry {
  name: string;
  builds: StackBuild[];
}

/** The stack engine: finds manifests, names stacks, resolves components. Pure apart from reading files. */
export class StackEngine {
  readonly loader: ManifestLoader;
  readonly config: CliConfig;
  private entries?: Map<string, StackEntry>;
  private readonly builds = new Map<string, StackBuild>();
  private readonly names = new Map<StackBuild, string | undefined>();

  constructor(opts: StackEngineOptions) {
    this.config = opts.config;
    this.loader = new ManifestLoader(opts.config, opts.env);
  }

  /** Top-level manifests: `stacks.included_paths` minus `excluded_paths`, sorted. */
  manifestPaths(): string[] {
    const s = this.config.stacks;
    return globSync(s.includedPaths, {
      cwd: s.basePath,
      ignore: s.excludedPaths,
      absolute: true,
      onlyFiles: true,
    })
      .filter((p) => MANIFEST_EXTENSIONS.some((e) => p.endsWith(e)))
      .sort();
  }

  /** The build (imports flattened) of one top-level manifest, made once. */
  build(path: string): StackBuild {
    let b = this.builds.get(path);
    if (!b) {
      const top = this.loader.load({ path });
      b = new StackBuild(this, top, flattenImports(this.loader, top));
      this.builds.set(path, b);
    }
    return b;
  }

  /**
   * Every stack by name; manifests that yield no name (no components, pattern vars missing) are skipped.
   * With `onError`, a manifest that fails to load is reported there and left out instead of stopping.
   */
  stacks(onError?: (e: SlipwayError) => void): Map<string, StackEntry> {
    if (!this.entries) {
      const entries = new Map<string, StackEntry>();
      for (const path of this.manifestPaths()) {
        let build: StackBuild;
        let name: string | undefined;
        try {
          build = this.build(path);
          name = this.stackName(build);
        } catch (e) {
          if (onError && e instanceof SlipwayError) {
            onError(e);
            continue;
          }
          throw e;
        }
        if (name === undefined) continue;
        const entry = entries.get(name);
        if (entry) entry.builds.push(build);
        else entries.set(name, { name, builds: [build] });
      }
      this.entries = new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return this.entries;
  }

  /** One stack by name; an unknown name suggests the closest ones. */
  stack(name: string): StackEntry {
    const entry = this.stacks().get(name);
    if (entry) return entry;
    // Atmos also accepts the manifest's path under the stacks folder.
    const byFile = [...this.stacks().values()].find((e) => e.builds.some((b) => b.top.rel === name));
    if (byFile) return byFile;
    const names = [...this.stacks().keys()];
    throw new SlipwayError({
      code: "unknown-stack",
      message: `stack "${name}" not found`,
      hint: suggest(name, names, "stacks") + " (`slipway list stacks` lists them)",
    });
  }

  /** Manifest `name:` > `name_template` > `name_pattern` > the path under the stacks folder. */
  stackName(build: StackBuild): string | undefined {
    if (!this.names.has(build)) this.names.set(build, this.computeStackName(build));
    return this.names.get(build);
  }

  private computeStackName(build: StackBuild): string | undefined {
    const own = build.top.data.name;
    if (typeof own === "string" && own) return own;
    const { nameTemplate, namePattern } = this.config.stacks;
    if (nameTemplate) {
      const ctx = {
        vars: build.globalValue("vars"),
        settings: build.globalValue("settings"),
        env: build.globalValue("env"),
      };
      try {
        const name = this.loader.template(nameTemplate).execute(ctx).trim();
        if (name && name !== "<no value>") return name;
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        throw new SlipwayError({
          code: "template",
          message: `stacks.name_template: ${e.message}`,
          file: this.config.file,
          hint: `it is evaluated with the stack's global vars of ${build.top.rel}`,
        });
      }
      return build.hasComponents() ? build.top.rel : undefined;
    }
    if (namePattern) {
      const vars = (build.globalValue("vars") ?? {}) as Json;
      const missing: string[] = [];
      const name = namePattern.replace(/\{([a-z_-]+)\}/g, (_m, token: string) => {
        const v = vars[token];
        if (v === undefined || v === null || v === "") missing.push(token);
        return String(v ?? "");
      });
      if (missing.length === 0) return name;
      if (!build.hasComponents()) return undefined;
      throw new SlipwayError({
        code: "config",
        message: `stacks.name_pattern "${namePattern}" needs vars ${missing.join(", ")}, which ${build.top.rel} does not set`,
        file: build.top.path,
        line: 1,
        col: 1,
        hint: `set vars.${missing[0]} in this manifest or a file it imports, give it a \`name:\`, or exclude it with stacks.excluded_paths`,
      });
    }
    return build.top.rel;
  }

  /** A component resolved in a stack; conflicting definitions across the stack's manifests are an error. */
  resolveComponent(stackName: string, component: string, type?: ComponentTypeName): ResolvedComponent {
    const entry = this.stack(stackName);
    const hits = entry.builds.flatMap((b) =>
      (type ? [type] : COMPONENT_TYPES).filter((t) => b.defines(t, component)).map((t) => ({ b, t })),
    );
    if (hits.length === 0) {
      const known = entry.builds.flatMap((b) => COMPONENT_TYPES.flatMap((t) => b.componentNames(t)));
      throw new SlipwayError({
        code: "unknown-component",
        message: `component "${component}" is not defined in stack "${stackName}"`,
        hint:
          suggest(component, [...new Set(known)], "components") +
          ` (\`slipway list components -s ${stackName}\`)`,
      });
    }
    const resolved = hits.map(({ b, t }) => this.finish(b, b.resolve(t, component, stackName)));
    if (resolved.length > 1)
      checkSameDefinition(
        resolved,
        hits.map((h) => h.b),
      );
    return resolved[0]!;
  }

  /** Templates, marker clean-up and naming: the steps after merging. */
  finish(build: StackBuild, merged: ResolvedComponent): ResolvedComponent {
    let c = merged;
    if (build.hasMarkers) c = stripMarkers(c) as ResolvedComponent;
    if (this.config.templatesEnabled) c = renderStrings(c, build, this.loader);
    return c;
  }

  /** `describe stacks`: every stack, every component, optionally filtered. */
  describeStacks(
    filter: DescribeStacksFilter = {},
  ): Record<string, { components: Partial<Record<ComponentTypeName, Record<string, unknown>>> }> {
    const out: Record<string, { components: Partial<Record<ComponentTypeName, Record<string, unknown>>> }> =
      {};
    const entries = filter.stack ? [this.stack(filter.stack)] : [...this.stacks().values()];
    for (const entry of entries) {
      const components: Partial<Record<ComponentTypeName, Record<string, unknown>>> = {};
      for (const type of COMPONENT_TYPES) {
        if (filter.componentTypes && !filter.componentTypes.includes(type)) continue;
        const names = new Set(entry.builds.flatMap((b) => b.componentNames(type)));
        for (const name of [...names].sort()) {
          if (filter.components && !filter.components.includes(name)) continue;
          // One manifest per stack is the common case: resolve directly, no conflict check needed.
          const c =
            entry.builds.length === 1
              ? this.finish(entry.builds[0]!, entry.builds[0]!.resolve(type, name, entry.name))
              : this.resolveComponent(entry.name, name, type);
          (components[type] ??= {})[name] = filter.sections ? pick(c, filter.sections) : c;
        }
      }
      out[entry.name] = { components };
    }
    return out;
  }
}

export interface DescribeStacksFilter {
  stack?: string;
  components?: string[];
  componentTypes?: ComponentTypeName[];
  sections?: string[];
}

function pick(c: ResolvedComponent, sections: string[]): Json {
  const out: Json = {};
  for (const s of sections) if (s in c) out[s] = (c as unknown as Json)[s];
  return out;
}

/** "did you mean …" for the closest names. */
export function suggest(name: string, candidates: string[], what: string): string {
  if (candidates.length === 0) return `there are no ${what}`;
  const near = candidates
    .map((c) => ({ c, d: distance(name, c) }))
    .filter((x) => x.d <= Math.max(3, Math.floor(name.length / 2)) || x.c.includes(name))
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.c);
  return near.length
    ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?`
    : `closest: "${closest(name, candidates)}"`;
}

const STACK_FILE_FIELDS = new Set(["atmos_stack_file", "imports"]);

function checkSameDefinition(resolved: ResolvedComponent[], builds: StackBuild[]): void {
  const key = (c: ResolvedComponent) =>
    JSON.stringify(Object.entries(c).filter(([k]) => !STACK_FILE_FIELDS.has(k)));
  const first = resolved[0]!;
  const firstKey = key(first);
  resolved.slice(1).forEach((c, i) => {
    if (key(c) === firstKey) return;
    throw new SlipwayError({
      code: "conflict",
      message: `component "${c.atmos_component}" is defined differently by ${builds[0]!.top.rel} and ${builds[i + 1]!.top.rel}, which are both stack "${c.atmos_stack}"`,
      file: builds[i + 1]!.top.path,
      ...builds[i + 1]!.componentPlace(c.component_type, c.atmos_component),
      hint: "define the component in one of them, or give the manifests different stack names",
    });
  });
}

/** Merges a list of maps with one strategy; exported for callers that build their own chains. */
export function mergeMaps(values: unknown[], strategy: ListMergeStrategy): Json {
  const v = mergeAll(values, strategy);
  return isMap(v) ? v : {};
}
