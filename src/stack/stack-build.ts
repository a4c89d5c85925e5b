import { SlipwayError } from "../core/errors.js";
import { COMPONENT_TYPES, type ComponentTypeName, type ListMergeStrategy } from "../schema/cli-config.js";
import type { StackEngine } from "./engine.js";
import { isMap } from "../yaml/markers.js";
import { merge, mergeAll } from "./merge.js";
import type { Json, Layer, ManifestFile, Origin, ResolvedComponent } from "./types.js";
import { pathKey, positionsOf, type DocPath, type Position } from "../yaml/parse.js";

/** One value that takes part in a merge, and where it sits. */
interface Input {
  value: unknown;
  layer: number;
  path: DocPath;
}

/**
 * A run of inputs (one per file that sets the section). `merged` folds them from nothing — valid as a
 * prefix, cached per list strategy; `foldOnto` folds them onto an accumulator one by one.
 */
class Group {
  private first?: { strategy: ListMergeStrategy; value: unknown };
  private others?: Map<ListMergeStrategy, unknown>;
  private prefixes?: Map<ListMergeStrategy, unknown>;
  constructor(readonly inputs: Input[]) {}

  /** `base` merged, then these inputs folded onto it: cached per strategy (a type-level group's base is fixed). */
  onto(base: Group, strategy: ListMergeStrategy): unknown {
    this.prefixes ??= new Map();
    if (this.prefixes.has(strategy)) return this.prefixes.get(strategy);
    const value = this.foldOnto(base.merged(strategy), strategy);
    this.prefixes.set(strategy, value);
    return value;
  }
  merged(strategy: ListMergeStrategy): unknown {
    if (this.first?.strategy === strategy) return this.first.value;
    if (this.others?.has(strategy)) return this.others.get(strategy);
    const value =
      this.inputs.length === 1
        ? this.inputs[0]!.value
        : mergeAll(
            this.inputs.map((i) => i.value),
            strategy,
          );
    if (!this.first) this.first = { strategy, value };
    else (this.others ??= new Map()).set(strategy, value);
    return value;
  }

  foldOnto(acc: unknown, strategy: ListMergeStrategy): unknown {
    for (const input of this.inputs)
      acc = acc === undefined ? input.value : merge(acc, input.value, strategy);
    return acc;
  }
}

/** What a component needs to resolve, worked out once: bases, list strategy, override scope, groups. */
interface Plan {
  type: ComponentTypeName;
  name: string;
  /** Where the component itself is defined, in layer order. */
  fragments: Fragment[];
  chain: string[];
  /** The plans of `chain`. */
  bases: Plan[];
  strategy: ListMergeStrategy;
  scope: number[];
  scopeKey: string;
  groups: Map<string, Group>;
  overrides: Map<string, Group>;
  /** Merged global → type → bases → self, per section. */
  through: Map<string, unknown>;
  /** The bases' metadata (minus `inherits` and `type`) merged in order; absent until worked out. */
  basesMeta?: unknown;
}

/** A group and the merge level it stands for, as `--provenance` names it. */
interface LabelledGroup {
  group: Group;
  level: string;
}

interface Fragment {
  layer: number;
  def: Json;
}

const SECTIONS = ["vars", "settings", "env", "providers"] as const;
const OVERRIDABLE = new Set(["vars", "settings", "env"]);
type Selector = (section: unknown) => unknown;
const whole: Selector = (s) => s;
const NO_INPUTS = new Group([]);

/** One top-level manifest with its imports flattened: the unit every component of a stack resolves in. */
export class StackBuild {
  readonly hasMarkers: boolean;
  /** Some file of the stack holds `{{`: only then are resolved components walked for templates. */
  readonly hasTemplates: boolean;
  /** Some file of the stack sets `overrides` (global or type-level): only then is override scope worked out. */
  private readonly hasOverrides: boolean;
  private readonly fragments = new Map<ComponentTypeName, Map<string, Fragment[]>>();
  /** Global ("" type) and type-level groups, by type, then section (and backend type). */
  private readonly shared = new Map<string, Map<string, Group>>();
  private readonly overrideGroups = new Map<string, Group>();
  private readonly plans = new Map<ComponentTypeName, Map<string, Plan>>();
  private readonly owns = new Map<Fragment[], Map<string, unknown>>();
  private readonly chains = new Map<ComponentTypeName, Map<string, string[]>>();
  private importList?: string[];

  constructor(
    private readonly engine: StackEngine,
    readonly top: ManifestFile,
    readonly layers: Layer[],
  ) {
    this.hasMarkers = layers.some((l) => l.file.hasMarkers);
    this.hasTemplates = layers.some((l) => l.file.hasTemplates);
    this.hasOverrides = layers.some(
      (l) =>
        l.file.data.overrides !== undefined ||
        COMPONENT_TYPES.some(
          (t) => isMap(l.file.data[t]) && (l.file.data[t] as Json).overrides !== undefined,
        ),
    );
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

  /** Drops the merge caches (they are rebuilt on demand): for callers done with this stack. */
  release(): void {
    this.shared.clear();
    this.overrideGroups.clear();
    this.plans.clear();
    this.owns.clear();
  }

  /** A global section merged across the stack's files (used for stack names). */
  globalValue(section: string): unknown {
    return this.sharedGroup("", section, whole, "").merged(this.strategy);
  }

  /** Where a component is first defined, for errors. */
  componentPlace(type: ComponentTypeName, name: string): Position | undefined {
    const f = this.fragments.get(type)?.get(name)?.[0];
    if (!f) return undefined;
    return this.engine.loader.locate(this.layers[f.layer]!.file, ["components", type, name], "key");
  }

  /** A global (`type` "") or type-level section across every layer of the stack. */
  private sharedGroup(
    type: ComponentTypeName | "",
    section: string,
    select: Selector,
    selKey: string,
  ): Group {
    let byType = this.shared.get(type);
    if (!byType) this.shared.set(type, (byType = new Map()));
    const key = selKey ? `${section}\0${selKey}` : section;
    let g = byType.get(key);
    if (!g) {
      const inputs: Input[] = [];
      const path = type ? [type, section, selKey] : [section, selKey];
      const layers = this.layers;
      for (let i = 0; i < layers.length; i++) {
        const data = layers[i]!.file.data;
        const holder = type ? data[type] : data;
        if (!isMap(holder)) continue;
        const value = select(holder[section]);
        if (value !== undefined) inputs.push({ value, layer: i, path });
      }
      byType.set(key, (g = new Group(inputs)));
    }
    return g;
  }

  /** global → type-level for one section: the prefix every component of the type starts from. */
  private typePrefix(
    type: ComponentTypeName,
    section: string,
    select: Selector,
    selKey: string,
    strategy: ListMergeStrategy,
  ): unknown {
    return this.sharedGroup(type, section, select, selKey).onto(
      this.sharedGroup("", section, select, selKey),
      strategy,
    );
  }

  /** A component's own fragments of one section. */
  private componentGroup(plan: Plan, section: string, select: Selector, selKey: string): Group {
    const key = selKey ? `${section}\0${selKey}` : section;
    let g = plan.groups.get(key);
    if (!g) {
      const inputs: Input[] = [];
      let path: DocPath | undefined;
      for (const f of plan.fragments) {
        const value = select(f.def[section]);
        if (value !== undefined)
          inputs.push({
            value,
            layer: f.layer,
            path: (path ??= ["components", plan.type, plan.name, section, selKey]),
          });
      }
      plan.groups.set(key, (g = new Group(inputs)));
    }
    return g;
  }

  /** Overrides reach the components of the file that declares them and of its imports; outer files win. */
  private overridesGroup(plan: Plan, section: string): Group {
    if (!this.hasOverrides) return NO_INPUTS;
    let g = plan.overrides.get(section);
    if (g) return g;
    const key = `${plan.type}\0${section}\0${plan.scopeKey}`;
    g = this.overrideGroups.get(key);
    if (!g) {
      const inputs: Input[] = [];
      const globalPath = ["overrides", section];
      const typePath = [plan.type, "overrides", section];
      for (const i of plan.scope) {
        const o = this.layers[i]!.file.data.overrides;
        if (isMap(o) && o[section] !== undefined)
          inputs.push({ value: o[section], layer: i, path: globalPath });
      }
      for (const i of plan.scope) {
        const t = this.layers[i]!.file.data[plan.type];
        const o = isMap(t) ? t.overrides : undefined;
        if (isMap(o) && o[section] !== undefined)
          inputs.push({ value: o[section], layer: i, path: typePath });
      }
      this.overrideGroups.set(key, (g = new Group(inputs)));
    }
    plan.overrides.set(section, g);
    return g;
  }

  /** Bases, list strategy and override scope of a component, worked out once. */
  private plan(type: ComponentTypeName, name: string): Plan {
    let byName = this.plans.get(type);
    if (!byName) this.plans.set(type, (byName = new Map()));
    let plan = byName.get(name);
    if (!plan) {
      const fragments = this.fragments.get(type)?.get(name) ?? [];
      // Only overrides need the scope (the files that define the component and their importers).
      let scope: number[] = [];
      if (this.hasOverrides) {
        if (fragments.length === 1) scope = this.layers[fragments[0]!.layer]!.scope;
        else {
          const scopeSet = new Set<number>();
          for (const f of fragments) for (const i of this.layers[f.layer]!.scope) scopeSet.add(i);
          scope = [...scopeSet].sort((a, b) => a - b);
        }
      }
      const chain = this.baseChain(type, name);
      const bases = chain.map((b) => this.plan(type, b));
      plan = {
        type,
        name,
        fragments,
        chain,
        bases,
        strategy: this.listStrategy(type, name, chain),
        scope,
        scopeKey: scope.join(","),
        groups: new Map(),
        overrides: new Map(),
        through: new Map(),
      };
      byName.set(name, plan);
    }
    return plan;
  }

  /**
   * One top-level key (`metadata`, `settings`, `component` …) of the component's own fragments merged — no
   * globals, no bases: what a derived component inherits of it. Only that key is merged; the sections
   * (`vars` …) go through the cached groups instead.
   */
  own(type: ComponentTypeName, name: string, key: string): unknown {
    const frags = this.fragments.get(type)?.get(name);
    if (!frags) return undefined;
    if (frags.length === 1) return frags[0]!.def[key];
    let byKey = this.owns.get(frags);
    if (!byKey) this.owns.set(frags, (byKey = new Map()));
    if (byKey.has(key)) return byKey.get(key);
    let acc: unknown;
    for (const f of frags) acc = merge(acc, f.def[key], this.strategy);
    byKey.set(key, acc);
    return acc;
  }

  /** Bases in merge order: the legacy `component:` first, then `metadata.inherits`, each base's bases first. */
  baseChain(type: ComponentTypeName, name: string, path: string[] = []): string[] {
    let byName = this.chains.get(type);
    if (!byName) this.chains.set(type, (byName = new Map()));
    const cached = byName.get(name);
    if (cached) return cached;
    const metadata = this.own(type, name, "metadata");
    const meta = isMap(metadata) ? metadata : {};
    const legacy = this.own(type, name, "component");
    const direct: string[] = [];
    if (typeof legacy === "string" && legacy !== name && this.defines(type, legacy)) direct.push(legacy);
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
    byName.set(name, out);
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
    // The last of global, type-level, each base, the component itself that sets one wins.
    const own = strategyIn(this.own(type, name, "settings"));
    if (own) return own;
    for (let i = chain.length - 1; i >= 0; i--) {
      const s = strategyIn(this.own(type, chain[i]!, "settings"));
      if (s) return s;
    }
    return (
      strategyIn(this.sharedGroup(type, "settings", whole, "").merged(this.strategy)) ??
      strategyIn(this.globalValue("settings")) ??
      this.strategy
    );
  }

  /** The groups whose merge gives `section` of a component, in precedence order, with their levels. */
  private sectionGroups(plan: Plan, section: string, select: Selector = whole, selKey = ""): LabelledGroup[] {
    const groups: LabelledGroup[] = [
      { group: this.sharedGroup("", section, select, selKey), level: "global" },
      { group: this.sharedGroup(plan.type, section, select, selKey), level: plan.type },
    ];
    plan.bases.forEach((b, i) =>
      groups.push({
        group: this.componentGroup(b, section, select, selKey),
        level: `base ${plan.chain[i]!}`,
      }),
    );
    groups.push({ group: this.componentGroup(plan, section, select, selKey), level: "component" });
    if (OVERRIDABLE.has(section))
      groups.push({ group: this.overridesGroup(plan, section), level: "overrides" });
    return groups;
  }

  private mergedSection(plan: Plan, section: string, select: Selector = whole, selKey = ""): Json {
    let acc = this.throughSelf(plan, section, select, selKey);
    if (OVERRIDABLE.has(section)) acc = this.overridesGroup(plan, section).foldOnto(acc, plan.strategy);
    return isMap(acc) ? acc : {};
  }

  /**
   * global → type → bases → the component itself, without overrides. Cached per plan: a derived
   * component whose bases are its last base's bases plus that base starts from the base's result,
   * so a chain of depth four costs four merges, not ten.
   */
  private throughSelf(plan: Plan, section: string, select: Selector, selKey: string): unknown {
    const key = selKey ? `${section}\0${selKey}` : section;
    if (plan.through.has(key)) return plan.through.get(key);
    const strategy = plan.strategy;
    const last = plan.bases.at(-1);
    let acc: unknown;
    if (last && last.strategy === strategy && extendsChain(plan.chain, last)) {
      acc = this.throughSelf(last, section, select, selKey);
    } else {
      acc = this.typePrefix(plan.type, section, select, selKey, strategy);
      for (const b of plan.bases)
        acc = this.componentGroup(b, section, select, selKey).foldOnto(acc, strategy);
    }
    acc = this.componentGroup(plan, section, select, selKey).foldOnto(acc, strategy);
    plan.through.set(key, acc);
    return acc;
  }

  /** Merges a component's configuration: global → type → bases → component → overrides. Templates come later. */
  resolve(type: ComponentTypeName, name: string, stackName: string): ResolvedComponent {
    const plan = this.plan(type, name);
    const { chain, strategy } = plan;
    const ownMetadata = this.own(type, name, "metadata");
    const ownComponent = this.own(type, name, "component");
    const vars = this.mergedSection(plan, "vars");
    const backendType = String(this.scalar(plan, "backend_type") ?? "");
    const metadata = merge(this.basesMeta(plan), ownMetadata, strategy);
    const meta: Json = isMap(metadata) ? metadata : {};
    const ownMeta = isMap(ownMetadata) ? ownMetadata : {};
    // The legacy `component:` names a base (and its folder) only when that component is defined in the
    // stack; otherwise Atmos ignores it, and so do we.
    const legacy =
      typeof ownComponent === "string" && ownComponent !== name && this.defines(type, ownComponent)
        ? ownComponent
        : undefined;
    const legacyMeta = legacy ? this.own(type, legacy, "metadata") : undefined;
    const legacyFolder = legacy
      ? ((isMap(legacyMeta) ? legacyMeta.component : undefined) ?? legacy)
      : undefined;
    const folder = String(ownMeta.component ?? legacyFolder ?? meta.component ?? name);
    const ovr: Json = {};
    for (const s of ["vars", "settings", "env", "command"]) {
      const v = this.overridesGroup(plan, s).merged(strategy);
      if (v !== undefined) ovr[s] = v;
    }
    const resolved: ResolvedComponent = {
      atmos_component: name,
      atmos_stack: stackName,
      atmos_stack_file: this.top.rel,
      stack: stackName,
      component: folder,
      component_type: type,
      metadata: meta,
      vars,
      settings: this.mergedSection(plan, "settings"),
      env: this.mergedSection(plan, "env"),
      providers: this.mergedSection(plan, "providers"),
      backend_type: backendType,
      backend: backendType
        ? backendDefaults(
            backendType,
            this.mergedSection(plan, "backend", (b) => (isMap(b) ? b[backendType] : undefined), backendType),
            String(meta.name ?? folder),
            this.engine.config.prefixSeparator,
            backendType === "azurerm"
              ? this.typePrefix(type, "backend", selectAzurerm, "azurerm", strategy)
              : undefined,
          )
        : {},
      overrides: ovr,
      imports: this.imports(),
      // Atmos lists the bases nearest first.
      inheritance: [...chain].reverse(),
      command: String(
        ovr.command ?? this.scalar(plan, "command") ?? this.engine.config.components[type].command,
      ),
    };
    if (type === "terraform") resolved.workspace = workspace(name, folder, meta, vars, stackName);
    return resolved;
  }

  /** A plain value (`backend_type`, `command`): the component's, else its nearest base's, type-level, global. */
  private scalar(plan: Plan, key: string): unknown {
    const set = (v: unknown) => v !== undefined && v !== null;
    let v = this.own(plan.type, plan.name, key);
    for (let i = plan.chain.length - 1; !set(v) && i >= 0; i--) v = this.own(plan.type, plan.chain[i]!, key);
    if (!set(v)) v = this.sharedGroup(plan.type, key, whole, "").merged(plan.strategy);
    if (!set(v)) v = this.globalValue(key);
    return set(v) ? v : undefined;
  }

  /**
   * The bases' metadata merged in order, without `inherits` and `type` (which are not inherited). Like
   * `throughSelf`, a component whose chain extends its last base's starts from that base's result.
   */
  private basesMeta(plan: Plan): unknown {
    if ("basesMeta" in plan) return plan.basesMeta;
    const last = plan.bases.at(-1);
    let acc: unknown;
    if (last && last.strategy === plan.strategy && extendsChain(plan.chain, last))
      acc = merge(
        this.basesMeta(last),
        inheritedMeta(this.own(last.type, last.name, "metadata")),
        plan.strategy,
      );
    else
      for (const b of plan.bases)
        acc = merge(acc, inheritedMeta(this.own(b.type, b.name, "metadata")), plan.strategy);
    plan.basesMeta = acc;
    return acc;
  }

  /** Every file the stack imports (not the manifest itself), sorted, as Atmos lists them. */
  imports(): string[] {
    this.importList ??= [...new Set(this.layers.slice(0, -1).map((l) => l.file.rel))].sort();
    return this.importList;
  }

  private sectionsWithSelectors(backendType: string): [string, Selector, string][] {
    return [
      ...SECTIONS.map((s): [string, Selector, string] => [s, whole, ""]),
      ["backend", (b) => (isMap(b) ? b[backendType] : undefined), backendType],
    ];
  }

  /** Where each leaf of a component's merged sections came from — `describe component --provenance`. */
  provenance(type: ComponentTypeName, name: string, resolved: ResolvedComponent): Record<string, Origin> {
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
    for (const [section, select, selKey] of this.sectionsWithSelectors(resolved.backend_type)) {
      const groups = this.sectionGroups(this.plan(type, name), section, select, selKey);
      const value = (resolved as unknown as Json)[section];
      for (const leaf of leaves(value)) {
        const found = originOf(groups, leaf);
        if (!found) continue;
        const layer = this.layers[found.input.layer]!;
        out[pathKey([section, ...leaf])] = {
          file: layer.file.rel,
          ...posOf(layer.file, [...found.input.path.filter((p) => p !== ""), ...leaf]),
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
  sourceOf(
    type: ComponentTypeName,
    name: string,
    section: string,
    path: DocPath,
  ): { file: ManifestFile; docPath: DocPath; chain: string[] } | undefined {
    if (!SECTIONS.includes(section as (typeof SECTIONS)[number])) return undefined;
    const found = originOf(this.sectionGroups(this.plan(type, name), section), path);
    if (!found) return undefined;
    const layer = this.layers[found.input.layer]!;
    return {
      file: layer.file,
      docPath: [...found.input.path.filter((p) => p !== ""), ...path],
      chain: layer.chain,
    };
  }

  /** The file and place a resolved value came from, for errors in templates. */
  placeOf(
    type: ComponentTypeName,
    name: string,
    section: string,
    path: DocPath,
  ): { file: string; line?: number; col?: number } {
    const found = SECTIONS.includes(section as (typeof SECTIONS)[number])
      ? originOf(this.sectionGroups(this.plan(type, name), section), path)
      : undefined;
    if (!found) {
      const f = this.fragments.get(type)?.get(name)?.at(-1);
      const file = this.layers[f?.layer ?? this.layers.length - 1]!.file;
      return {
        file: file.path,
        ...this.engine.loader.locate(file, f ? ["components", type, name, section, ...path] : [section]),
      };
    }
    const file = this.layers[found.input.layer]!.file;
    return {
      file: file.path,
      ...this.engine.loader.locate(file, [...found.input.path.filter((p) => p !== ""), ...path]),
    };
  }
}

/**
 * Atmos's default state location per component, so two components sharing one backend never share a state:
 * s3 `workspace_key_prefix` and gcs `prefix` default to the component's name (metadata.name, else its folder),
 * azurerm `key` to `<that>.terraform.tfstate` under a global key; "/" becomes the prefix separator.
 */
function backendDefaults(
  type: string,
  backend: Json,
  name: string,
  separator: string,
  shared?: unknown,
): Json {
  const keyName = separator === "/" ? name : name.replaceAll("/", separator);
  const unset = (k: string) => typeof backend[k] !== "string" || backend[k] === "";
  if (type === "s3" && unset("workspace_key_prefix")) return { ...backend, workspace_key_prefix: keyName };
  if (type === "gcs" && unset("prefix")) return { ...backend, prefix: keyName };
  if (type === "azurerm") {
    // A key set below the global and type levels is the component's own; a global one is a folder to put it in.
    const globalKey = isMap(shared) && typeof shared.key === "string" ? shared.key : undefined;
    if (!unset("key") && backend.key !== globalKey) return backend;
    return { ...backend, key: [globalKey, `${keyName}.terraform.tfstate`].filter(Boolean).join("/") };
  }
  return backend;
}

const selectAzurerm: Selector = (b) => (isMap(b) ? b.azurerm : undefined);

/** Atmos's workspace rule: explicit name, pattern, the stack name, or `<stack>-<component>` for derived ones. */
function workspace(name: string, folder: string, meta: Json, vars: Json, stack: string): string {
  if (typeof meta.terraform_workspace === "string") return meta.terraform_workspace;
  if (typeof meta.terraform_workspace_pattern === "string") {
    return meta.terraform_workspace_pattern.replace(/\{([a-z_-]+)\}/g, (_m, t: string) =>
      t === "component" ? name : t === "base-component" ? folder : String(vars[t] ?? ""),
    );
  }
  // Workspace names cannot hold "/": path-named stacks use "-" there, as Atmos does.
  const ws = stack.replace(/\//g, "-");
  return folder === name ? ws : `${ws}-${name.replace(/\//g, "-")}`;
}

/** True when `chain` is `base`'s own chain followed by `base`: then the base's merge is our prefix. */
function extendsChain(chain: string[], base: Plan): boolean {
  if (chain.length !== base.chain.length + 1) return false;
  for (let i = 0; i < base.chain.length; i++) if (chain[i] !== base.chain[i]) return false;
  return true;
}

/** Metadata as a derived component inherits it: without `inherits` and `type`. */
function inheritedMeta(v: unknown): unknown {
  if (!isMap(v) || !("inherits" in v || "type" in v)) return v;
  const out: Json = {};
  for (const k in v) {
    if (k === "inherits" || k === "type") continue;
    if (k === "__proto__")
      Object.defineProperty(out, k, { value: v[k], enumerable: true, writable: true, configurable: true });
    else out[k] = v[k];
  }
  return out;
}

function strategyIn(settings: unknown): ListMergeStrategy | undefined {
  return isMap(settings) && typeof settings.list_merge_strategy === "string"
    ? (settings.list_merge_strategy as ListMergeStrategy)
    : undefined;
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
function originOf(groups: LabelledGroup[], path: DocPath): { input: Input; level: string } | undefined {
  for (let g = groups.length - 1; g >= 0; g--) {
    const inputs = groups[g]!.group.inputs;
    for (let i = inputs.length - 1; i >= 0; i--) {
      let cur: unknown = inputs[i]!.value;
      for (const seg of path) cur = isMap(cur) ? cur[seg as string] : undefined;
      if (cur !== undefined) return { input: inputs[i]!, level: groups[g]!.level };
    }
  }
  return undefined;
}
