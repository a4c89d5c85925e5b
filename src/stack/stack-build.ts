import { SlipwayError } from "../errors.js";
import { COMPONENT_TYPES, type ComponentTypeName, type ListMergeStrategy } from "../schema/cli-config.js";
import type { StackEngine } from "./engine.js";
import { isMap } from "./markers.js";
import { mergeAll } from "./merge.js";
import type { Json, Layer, ManifestFile, Origin, ResolvedComponent } from "./types.js";
import { pathKey, positionsOf, type DocPath, type Position } from "./yaml.js";

/** One value that takes part in a merge, and where it sits. */
interface Input {
  value: unknown;
  layer: number;
  path: DocPath;
  level: string;
}

/** A run of inputs merged once per list strategy and reused by every component that shares it. */
class Group {
  private readonly cache = new Map<ListMergeStrategy, unknown>();
  constructor(readonly inputs: Input[]) {}
  merged(strategy: ListMergeStrategy): unknown {
    if (!this.cache.has(strategy))
      this.cache.set(
        strategy,
        mergeAll(
          this.inputs.map((i) => i.value),
          strategy,
        ),
      );
    return this.cache.get(strategy);
  }
}

interface Fragment {
  layer: number;
  def: Json;
}

const SECTIONS = ["vars", "settings", "env", "providers"] as const;
const OVERRIDABLE = new Set(["vars", "settings", "env"]);
type Selector = (section: unknown) => unknown;
const whole: Selector = (s) => s;

/** One top-level manifest with its imports flattened: the unit every component of a stack resolves in. */
export class StackBuild {
  readonly hasMarkers: boolean;
  private readonly fragments = new Map<ComponentTypeName, Map<string, Fragment[]>>();
  private readonly groups = new Map<string, Group>();
  private readonly raws = new Map<string, Json>();
  private readonly chains = new Map<string, string[]>();
  private importList?: string[];

  constructor(
    private readonly engine: StackEngine,
    readonly top: ManifestFile,
    readonly layers: Layer[],
  ) {
    this.hasMarkers = layers.some((l) => l.file.hasMarkers);
    layers.forEach((layer, i) => {
      const comps = layer.file.data.components;
      if (!isMap(comps)) return;
      for (const type of COMPONENT_TYPES) {
        const defs = comps[type];
        if (!isMap(defs)) continue;
        let byName = this.fragments.get(type);
        if (!byName) this.fragments.set(type, (byName = new Map()));
        for (const name in defs) {
          const def = isMap(defs[name]) ? (defs[name] as Json) : {};
          const list = byName.get(name);
          if (list) list.push({ layer: i, def });
          else byName.set(name, [{ layer: i, def }]);
        }
      }
    });
  }

  private get strategy(): ListMergeStrategy {
    return this.engine.config.listMergeStrategy;
  }

  hasComponents(): boolean {
    return [...this.fragments.values()].some((m) => m.size > 0);
  }

  defines(type: ComponentTypeName, name: string): boolean {
    return this.fragments.get(type)?.has(name) ?? false;
  }

  componentNames(type: ComponentTypeName): string[] {
    return [...(this.fragments.get(type)?.keys() ?? [])];
  }

  /** A global section merged across the stack's files (used for stack names). */
  globalValue(section: string): unknown {
    return this.globalGroup(section, whole, "").merged(this.strategy);
  }

  /** Where a component is first defined, for errors. */
  componentPlace(type: ComponentTypeName, name: string): Position | undefined {
    const f = this.fragments.get(type)?.get(name)?.[0];
    if (!f) return undefined;
    return this.engine.loader.locate(this.layers[f.layer]!.file, ["components", type, name], "key");
  }

  private group(key: string, make: () => Input[]): Group {
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = new Group(make())));
    return g;
  }

  private globalGroup(section: string, select: Selector, selKey: string): Group {
    return this.group(`g/${section}/${selKey}`, () =>
      this.layers.flatMap((l, i) => input(select(l.file.data[section]), i, [section, selKey], "global")),
    );
  }

  private typeGroup(type: ComponentTypeName, section: string, select: Selector, selKey: string): Group {
    return this.group(`t/${type}/${section}/${selKey}`, () =>
      this.layers.flatMap((l, i) => {
        const t = l.file.data[type];
        return isMap(t) ? input(select(t[section]), i, [type, section, selKey], type) : [];
      }),
    );
  }

  private componentGroup(
    type: ComponentTypeName,
    name: string,
    section: string,
    select: Selector,
    selKey: string,
    level: string,
  ): Group {
    return this.group(`c/${type}/${name}/${section}/${selKey}/${level}`, () =>
      (this.fragments.get(type)?.get(name) ?? []).flatMap((f) =>
        input(select(f.def[section]), f.layer, ["components", type, name, section, selKey], level),
      ),
    );
  }

  /** Overrides reach the components of the file that declares them and of its imports; outer files win. */
  private overridesGroup(type: ComponentTypeName, name: string, section: string): Group {
    const scope = new Set<number>();
    for (const f of this.fragments.get(type)?.get(name) ?? [])
      for (const i of this.layers[f.layer]!.scope) scope.add(i);
    const order = [...scope].sort((a, b) => a - b);
    return this.group(`o/${type}/${section}/${order.join(",")}`, () => [
      ...order.flatMap((i) => {
        const o = this.layers[i]!.file.data.overrides;
        return isMap(o) ? input(o[section], i, ["overrides", section], "overrides") : [];
      }),
      ...order.flatMap((i) => {
        const t = this.layers[i]!.file.data[type];
        const o = isMap(t) ? t.overrides : undefined;
        return isMap(o) ? input(o[section], i, [type, "overrides", section], "overrides") : [];
      }),
    ]);
  }

  /** The component's own fragments merged (no globals, no bases): what a derived component inherits. */
  raw(type: ComponentTypeName, name: string): Json {
    const key = `${type}/${name}`;
    let r = this.raws.get(key);
    if (!r) {
      const merged = mergeAll(
        (this.fragments.get(type)?.get(name) ?? []).map((f) => f.def),
        this.strategy,
      );
      r = isMap(merged) ? merged : {};
      this.raws.set(key, r);
    }
    return r;
  }

  /** Bases in merge order: the legacy `component:` first, then `metadata.inherits`, each base's bases first. */
  baseChain(type: ComponentTypeName, name: string, path: string[] = []): string[] {
    const cached = this.chains.get(`${type}/${name}`);
    if (cached) return cached;
    const raw = this.raw(type, name);
    const meta = isMap(raw.metadata) ? raw.metadata : {};
    const direct: string[] = [];
    if (typeof raw.component === "string" && raw.component !== name && this.defines(type, raw.component))
      direct.push(raw.component);
    const inherits = Array.isArray(meta.inherits) ? meta.inherits : [];
    inherits.forEach((b, idx) => {
      const base = String(b);
      if (!this.defines(type, base)) throw this.inheritError(type, name, base, idx, "missing");
      direct.push(base);
    });
    const out: string[] = [];
    for (const base of direct) {
      if (base === name || path.includes(base))
        throw this.inheritError(type, name, base, inherits.indexOf(base), "cycle", [...path, name, base]);
      for (const b of [...this.baseChain(type, base, [...path, name]), base])
        if (!out.includes(b)) out.push(b);
    }
    this.chains.set(`${type}/${name}`, out);
    return out;
  }

  private inheritError(
    type: ComponentTypeName,
    name: string,
    base: string,
    idx: number,
    why: "missing" | "cycle",
    cycle: string[] = [],
  ): SlipwayError {
    const frags = this.fragments.get(type)?.get(name) ?? [];
    const frag =
      [...frags]
        .reverse()
        .find(
          (f) =>
            isMap(f.def.metadata) &&
            Array.isArray(f.def.metadata.inherits) &&
            f.def.metadata.inherits.includes(base),
        ) ?? frags[0];
    const file = this.layers[frag?.layer ?? 0]!.file;
    const pos = this.engine.loader.locate(file, [
      "components",
      type,
      name,
      "metadata",
      "inherits",
      Math.max(idx, 0),
    ]);
    if (why === "cycle") {
      return new SlipwayError({
        code: "inheritance",
        message: `inheritance cycle: ${cycle.join(" → ")}`,
        file: file.path,
        ...pos,
        hint: "a component cannot inherit from itself, directly or through its bases",
      });
    }
    const known = this.componentNames(type);
    return new SlipwayError({
      code: "inheritance",
      message: `component "${name}" inherits from "${base}", which is not defined in this stack`,
      file: file.path,
      ...pos,
      hint:
        `define ${type} component "${base}" in this stack or a file it imports` +
        (known.length ? `; defined: ${known.slice(0, 8).join(", ")}` : ""),
    });
  }

  private listStrategy(type: ComponentTypeName, name: string, chain: string[]): ListMergeStrategy {
    const settings = [
      this.globalValue("settings"),
      this.typeGroup(type, "settings", whole, "").merged(this.strategy),
      ...chain.map((b) => this.raw(type, b).settings),
      this.raw(type, name).settings,
    ];
    let s = this.strategy;
    for (const v of settings)
      if (isMap(v) && typeof v.list_merge_strategy === "string")
        s = v.list_merge_strategy as ListMergeStrategy;
    return s;
  }

  /** The groups whose merge gives `section` of a component, in precedence order. */
  private sectionGroups(
    type: ComponentTypeName,
    name: string,
    chain: string[],
    section: string,
    select: Selector = whole,
    selKey = "",
  ): Group[] {
    const groups = [
      this.globalGroup(section, select, selKey),
      this.typeGroup(type, section, select, selKey),
      ...chain.map((b) => this.componentGroup(type, b, section, select, selKey, `base:${b}`)),
      this.componentGroup(type, name, section, select, selKey, "component"),
    ];
    if (OVERRIDABLE.has(section)) groups.push(this.overridesGroup(type, name, section));
    return groups;
  }

  /** Merges a component's configuration: global → type → bases → component → overrides. Templates come later. */
  resolve(type: ComponentTypeName, name: string): ResolvedComponent {
    const chain = this.baseChain(type, name);
    const strategy = this.listStrategy(type, name, chain);
    const own = this.raw(type, name);
    const section = (s: string, select: Selector = whole, selKey = ""): Json => {
      const v = mergeAll(
        this.sectionGroups(type, name, chain, s, select, selKey).map((g) => g.merged(strategy)),
        strategy,
      );
      return isMap(v) ? v : {};
    };
    const sections = Object.fromEntries(SECTIONS.map((s) => [s, section(s)])) as Record<
      (typeof SECTIONS)[number],
      Json
    >;
    const scalar = (key: string): unknown =>
      lastDefined([
        this.globalValue(key),
        this.typeGroup(type, key, whole, "").merged(strategy),
        ...chain.map((b) => this.raw(type, b)[key]),
        own[key],
      ]);
    const backendType = String(scalar("backend_type") ?? "");
    const backend = backendType
      ? section("backend", (b) => (isMap(b) ? b[backendType] : undefined), backendType)
      : {};
    const metadata = mergeAll(
      [...chain.map((b) => withoutKeys(this.raw(type, b).metadata, ["inherits", "type"])), own.metadata],
      strategy,
    );
    const meta: Json = isMap(metadata) ? metadata : {};
    const ownMeta = isMap(own.metadata) ? own.metadata : {};
    const folder = String(ownMeta.component ?? own.component ?? meta.component ?? name);
    const overrides = mergeAll(
      ["vars", "settings", "env", "command"].map((s) => {
        const v = this.overridesGroup(type, name, s).merged(strategy);
        return v === undefined ? undefined : { [s]: v };
      }),
      strategy,
    );
    const ovr: Json = isMap(overrides) ? overrides : {};
    const cfg = this.engine.config;
    const command = String(ovr.command ?? scalar("command") ?? cfg.components[type].command);
    const resolved: ResolvedComponent = {
      atmos_component: name,
      atmos_stack: "",
      atmos_stack_file: this.top.rel,
      stack: "",
      component: folder,
      component_type: type,
      metadata: meta,
      ...sections,
      backend_type: backendType,
      backend,
      overrides: ovr,
      imports: this.imports(),
      inheritance: chain,
      command,
    };
    if (type === "terraform") resolved.workspace = this.workspace(name, folder, meta, sections.vars);
    return resolved;
  }

  /** Atmos's workspace rule; the stack name is filled in by the engine, so `{stack}` is a placeholder here. */
  private workspace(name: string, folder: string, meta: Json, vars: Json): string {
    if (typeof meta.terraform_workspace === "string") return meta.terraform_workspace;
    if (typeof meta.terraform_workspace_pattern === "string") {
      return meta.terraform_workspace_pattern.replace(/\{([a-z_-]+)\}/g, (_m, t: string) =>
        t === "component" ? name : t === "base-component" ? folder : String(vars[t] ?? ""),
      );
    }
    const stack = this.engine.stackName(this) ?? this.top.rel;
    return folder === name ? stack : `${stack}-${name.replace(/\//g, "-")}`;
  }

  /** Every file the stack imports (not the manifest itself), sorted, as Atmos lists them. */
  imports(): string[] {
    this.importList ??= [...new Set(this.layers.slice(0, -1).map((l) => l.file.rel))].sort();
    return this.importList;
  }

  /** Where each leaf of a component's merged sections came from — `describe component --provenance`. */
  provenance(type: ComponentTypeName, name: string, resolved: ResolvedComponent): Record<string, Origin> {
    const chain = this.baseChain(type, name);
    const out: Record<string, Origin> = {};
    const positions = new Map<string, Map<string, Position>>();
    const posOf = (file: ManifestFile, path: DocPath): Position | undefined => {
      let map = positions.get(file.path);
      if (!map) {
        map = positionsOf(file.text, {
          file: file.path,
          env: this.engine.loader.env,
          basePath: this.engine.config.basePath,
        });
        positions.set(file.path, map);
      }
      return map.get(pathKey(path));
    };
    const sections: [string, Selector, string][] = [
      ...SECTIONS.map((s): [string, Selector, string] => [s, whole, ""]),
      ["backend", (b) => (isMap(b) ? b[resolved.backend_type] : undefined), resolved.backend_type],
    ];
    for (const [section, select, selKey] of sections) {
      const inputs = this.sectionGroups(type, name, chain, section, select, selKey).flatMap((g) => g.inputs);
      const value = (resolved as unknown as Json)[section];
      for (const leaf of leaves(value)) {
        const origin = originOf(inputs, leaf);
        if (!origin) continue;
        const layer = this.layers[origin.layer]!;
        const full = [...origin.path.filter((p) => p !== ""), ...leaf];
        out[pathKey([section, ...leaf])] = {
          file: layer.file.rel,
          ...posOf(layer.file, full),
          chain: layer.chain,
          level: origin.level,
        };
      }
    }
    return out;
  }

  /** The file and place a resolved value came from, for errors in templates. */
  placeOf(
    type: ComponentTypeName,
    name: string,
    section: string,
    path: DocPath,
  ): { file: string; line?: number; col?: number } {
    const chain = this.baseChain(type, name);
    const inputs = this.sectionGroups(type, name, chain, section).flatMap((g) => g.inputs);
    const origin = originOf(inputs, path);
    if (!origin) return { file: this.top.path };
    const file = this.layers[origin.layer]!.file;
    return {
      file: file.path,
      ...this.engine.loader.locate(file, [...origin.path.filter((p) => p !== ""), ...path]),
    };
  }
}

function input(value: unknown, layer: number, path: DocPath, level: string): Input[] {
  return value === undefined ? [] : [{ value, layer, path, level }];
}

function lastDefined(values: unknown[]): unknown {
  for (let i = values.length - 1; i >= 0; i--)
    if (values[i] !== undefined && values[i] !== null) return values[i];
  return undefined;
}

function withoutKeys(v: unknown, keys: string[]): unknown {
  if (!isMap(v)) return v;
  const out: Json = { ...v };
  for (const k of keys) delete out[k];
  return out;
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

/** The last input that holds `path`: later inputs win, so it is the one the value came from. */
function originOf(inputs: Input[], path: DocPath): Input | undefined {
  for (let i = inputs.length - 1; i >= 0; i--) {
    let cur: unknown = inputs[i]!.value;
    for (const seg of path) cur = isMap(cur) ? cur[seg as string] : undefined;
    if (cur !== undefined) return inputs[i];
  }
  return undefined;
}
