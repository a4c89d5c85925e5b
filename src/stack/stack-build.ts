import type { ComponentTypeName, ListMergeStrategy } from "../schema/cli-config.js";
import type { DocPath, Position } from "../yaml/parse.js";
import { isMap } from "../yaml/markers.js";
import { inheritedMeta, Inheritance } from "./inheritance.js";
import { merge } from "./merge.js";
import { Memo, Memo2 } from "./memo.js";
import {
  backendOf,
  Group,
  levelLabel,
  levelsOf,
  nearestSet,
  OVERRIDABLE,
  whole,
  type Input,
  type LabelledGroup,
  type Level,
  type Selector,
} from "./precedence.js";
import { backendDefaults, workspace } from "./state-defaults.js";
import { lastOnly } from "./imports.js";
import { StackIndex, type BuildContext } from "./stack-index.js";
import type { Json, Layer, ManifestFile, ResolvedComponent } from "./types.js";

export type { BuildContext } from "./stack-index.js";

/** What a component needs to resolve, worked out once: bases, list strategy, override scope, groups. */
interface Plan {
  type: ComponentTypeName;
  name: string;
  chain: string[];
  /** The plans of `chain`. */
  bases: Plan[];
  strategy: ListMergeStrategy;
  /** The overrides that reach it, last wins: `layer * 2` global, `layer * 2 + 1` type-level. */
  scope: number[];
  scopeKey: string;
  groups: Memo<string, Group>;
  overrides: Memo<string, Group>;
  /** Merged global → type → bases → self, per section. */
  through: Memo<string, unknown>;
  /** The bases' metadata (minus `inherits` and `type`) merged in order. */
  basesMeta: Memo<"", unknown>;
}

/** The overrides of a stack without any: one shared empty group. */
const NO_OVERRIDES = new Group([], false);
/** `section`, or `section\0selKey` for a selected part: the plain case stays the parser's own string. */
const sectionKey = (section: string, selKey: string) => (selKey ? `${section}\0${selKey}` : section);

/**
 * A stack build resolves the components of one top-level manifest: the index says where each is defined,
 * the inheritance gives its bases, and each section folds through the levels of `precedence.ts`. Merge
 * results are shared along the way — a type's prefix by all its components, a base's result by the
 * components that extend it — through memos that `BuildContext.memo` switches off.
 */
export class StackBuild extends StackIndex {
  private readonly inheritance: Inheritance;
  private readonly shared: Memo2<string, string, Group>;
  private readonly overrideGroups: Memo<string, Group>;
  private readonly plans: Memo2<string, string, Plan>;

  constructor(
    private readonly ctx: BuildContext,
    top: ManifestFile,
    layers: Layer[],
  ) {
    super(top, layers);
    this.inheritance = new Inheritance(this, ctx);
    this.shared = new Memo2(ctx.memo);
    this.overrideGroups = new Memo(ctx.memo);
    this.plans = new Memo2(ctx.memo);
  }

  /** Drops the merge caches (they are rebuilt on demand): for callers done with this stack. */
  release(): void {
    this.shared.clear();
    this.overrideGroups.clear();
    this.plans.clear();
  }

  /** A global section merged across the stack's files (used for stack names). */
  globalValue(section: string): unknown {
    return this.sharedGroup("", section, whole, "").merged(this.ctx.listMergeStrategy);
  }

  /**
   * Where a component is first defined, for errors: the file (an import, maybe) and the line in it — never a
   * line of one file paired with another. The stack's top-level manifest when no file defines it.
   */
  componentPlace(type: ComponentTypeName, name: string): { file: string } & Partial<Position> {
    const f = this.fragmentsOf(type, name)[0];
    if (!f) return { file: this.top.path };
    const file = this.layers[f.layer]!.file;
    return { file: file.path, ...this.ctx.locate(file, ["components", type, name], "key") };
  }

  /** What the component itself says of one top-level key (see Inheritance.own). */
  own(type: ComponentTypeName, name: string, key: string): unknown {
    return this.inheritance.own(type, name, key);
  }

  /** Bases in merge order, farthest first. */
  baseChain(type: ComponentTypeName, name: string): string[] {
    return this.inheritance.chain(type, name);
  }

  /** A global (`type` "") or type-level section across every layer of the stack. */
  private sharedGroup(
    type: ComponentTypeName | "",
    section: string,
    select: Selector,
    selKey: string,
  ): Group {
    return this.shared.get(type, sectionKey(section, selKey), () => {
      const inputs: Input[] = [];
      const path = type ? [type, section, selKey] : [section, selKey];
      for (let i = 0; i < this.layers.length; i++) {
        const data = this.layers[i]!.file.data;
        const holder = type ? data[type] : data;
        if (!isMap(holder)) continue;
        const value = select(holder[section]);
        if (value !== undefined) inputs.push({ value, layer: i, path });
      }
      return new Group(inputs, this.ctx.memo);
    });
  }

  /** A component's own fragments of one section. */
  private componentGroup(plan: Plan, section: string, select: Selector, selKey: string): Group {
    return plan.groups.get(sectionKey(section, selKey), () => {
      const inputs: Input[] = [];
      const path = ["components", plan.type, plan.name, section, selKey];
      for (const f of this.fragmentsOf(plan.type, plan.name)) {
        const value = select(f.def[section]);
        if (value !== undefined) inputs.push({ value, layer: f.layer, path });
      }
      return new Group(inputs, this.ctx.memo);
    });
  }

  /** The overrides that reach a component, in Atmos's order (see orderOverrides); the last wins. */
  private overridesGroup(plan: Plan, section: string): Group {
    if (!this.hasOverrides) return NO_OVERRIDES;
    return plan.overrides.get(section, () =>
      this.overrideGroups.get(`${plan.type}\0${section}\0${plan.scopeKey}`, () => {
        const inputs: Input[] = [];
        for (const e of plan.scope) {
          const i = e >> 1;
          const data = this.layers[i]!.file.data;
          const holder = e & 1 ? data[plan.type] : data;
          const o = isMap(holder) ? holder.overrides : undefined;
          if (isMap(o) && o[section] !== undefined)
            inputs.push({
              value: o[section],
              layer: i,
              path: e & 1 ? [plan.type, "overrides", section] : ["overrides", section],
            });
        }
        return new Group(inputs, this.ctx.memo);
      }),
    );
  }

  /** The group one level contributes to a section. */
  private groupAt(plan: Plan, level: Level, section: string, select: Selector, selKey: string): Group {
    switch (level.kind) {
      case "global":
        return this.sharedGroup("", section, select, selKey);
      case "type":
        return this.sharedGroup(plan.type, section, select, selKey);
      case "base":
        return this.componentGroup(this.plan(plan.type, level.name), section, select, selKey);
      case "component":
        return this.componentGroup(plan, section, select, selKey);
      case "overrides":
        return this.overridesGroup(plan, section);
    }
  }

  /** The levels of a section with their groups, lowest first: what values fold and provenance reads. */
  sectionGroups(
    type: ComponentTypeName,
    name: string,
    section: string,
    select = whole,
    selKey = "",
  ): LabelledGroup[] {
    const plan = this.plan(type, name);
    return levelsOf(type, name, plan.chain, section).map((level) => ({
      group: this.groupAt(plan, level, section, select, selKey),
      level: levelLabel(level),
    }));
  }

  /** Bases, list strategy and override scope of a component, worked out once. */
  private plan(type: ComponentTypeName, name: string): Plan {
    return this.plans.get(type, name, () => {
      const fragments = this.fragmentsOf(type, name);
      // The overrides that reach the component: those of every visit of a file that defines it, in walk order.
      let scope: number[] = [];
      if (this.hasOverrides) {
        const layers = [...new Set(fragments.map((f) => f.layer))];
        const visits = layers.flatMap((l) => this.layers[l]!.overrides);
        if (layers.length > 1) visits.sort((a, b) => a.order - b.order);
        scope = lastOnly(visits.flatMap((v) => v.entries));
      }
      const chain = this.baseChain(type, name);
      const memo = this.ctx.memo;
      return {
        type,
        name,
        chain,
        bases: chain.map((b) => this.plan(type, b)),
        strategy: this.listStrategy(type, name, chain),
        scope,
        scopeKey: scope.join(","),
        groups: new Memo(memo),
        overrides: new Memo(memo),
        through: new Memo(memo),
        basesMeta: new Memo(memo),
      };
    });
  }

  /** The nearest `settings.list_merge_strategy` (own definitions merged with the config's), else the config's. */
  private listStrategy(type: ComponentTypeName, name: string, chain: string[]): ListMergeStrategy {
    const base = this.ctx.listMergeStrategy;
    return (
      nearestSet(type, name, chain, {
        own: (n) => strategyIn(this.own(type, n, "settings")),
        shared: (t) => strategyIn(this.sharedGroup(t, "settings", whole, "").merged(base)),
      }) ?? base
    );
  }

  /** A plain value (`backend_type`, `command`): the component's, else its nearest base's, type-level, global. */
  private scalar(plan: Plan, key: string): unknown {
    return nearestSet<unknown>(plan.type, plan.name, plan.chain, {
      own: (n) => this.own(plan.type, n, key),
      // The global level as stack names read it (the config's list strategy).
      shared: (t) => (t ? this.sharedGroup(t, key, whole, "").merged(plan.strategy) : this.globalValue(key)),
    });
  }

  private mergedSection(plan: Plan, section: string, select: Selector = whole, selKey = ""): Json {
    let acc = this.throughSelf(plan, section, select, selKey);
    if (OVERRIDABLE.has(section)) acc = this.overridesGroup(plan, section).foldOnto(acc, plan.strategy);
    return isMap(acc) ? acc : {};
  }

  /**
   * The levels below overrides folded: global → type → bases → the component itself. A derived component
   * whose bases are its last base's bases plus that base starts from the base's result (the same levels,
   * already folded), so a chain of depth four costs four merges, not ten.
   */
  private throughSelf(plan: Plan, section: string, select: Selector, selKey: string): unknown {
    return plan.through.get(sectionKey(section, selKey), () => {
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
      return this.componentGroup(plan, section, select, selKey).foldOnto(acc, strategy);
    });
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

  /**
   * The bases' metadata merged in order, without `inherits` and `type` (which are not inherited). Like
   * `throughSelf`, a component whose chain extends its last base's starts from that base's result.
   */
  private basesMeta(plan: Plan): unknown {
    return plan.basesMeta.get("", () => {
      const last = plan.bases.at(-1);
      const metaOf = (b: Plan) => inheritedMeta(this.own(b.type, b.name, "metadata"));
      if (last && last.strategy === plan.strategy && extendsChain(plan.chain, last))
        return merge(this.basesMeta(last), metaOf(last), plan.strategy);
      let acc: unknown;
      for (const b of plan.bases) acc = merge(acc, metaOf(b), plan.strategy);
      return acc;
    });
  }

  private declaresSecrets?: boolean;

  /** `secrets:` for `!secret`, merged like vars; absent when no level declares any (most stacks). */
  private secretsSection(plan: Plan): { secrets?: Json } {
    this.declaresSecrets ??= this.layers.some((l) => l.file.text.includes("secrets:"));
    if (!this.declaresSecrets) return {};
    const secrets = this.mergedSection(plan, "secrets");
    return Object.keys(secrets).length ? { secrets } : {};
  }

  /** Merges a component's configuration: global → type → bases → component → overrides. Templates come later. */
  resolve(type: ComponentTypeName, name: string, stackName: string): ResolvedComponent {
    const plan = this.plan(type, name);
    const { chain, strategy } = plan;
    const ownMetadata = this.own(type, name, "metadata");
    const vars = this.mergedSection(plan, "vars");
    const backendType = String(this.scalar(plan, "backend_type") ?? "");
    const metadata = merge(this.basesMeta(plan), ownMetadata, strategy);
    const meta: Json = isMap(metadata) ? metadata : {};
    const ownMeta = isMap(ownMetadata) ? ownMetadata : {};
    // The legacy `component:` names a base (and its folder) only when that component is defined here.
    const legacy = this.inheritance.legacyBase(type, name);
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
      // The config's env sits below every level of the stacks', as Atmos puts atmos.yaml's.
      env: Object.keys(this.ctx.configEnv).length
        ? (merge(this.ctx.configEnv, this.mergedSection(plan, "env"), strategy) as Json)
        : this.mergedSection(plan, "env"),
      providers: this.mergedSection(plan, "providers"),
      backend_type: backendType,
      backend: backendType
        ? backendDefaults(
            backendType,
            this.mergedSection(plan, "backend", backendOf(backendType), backendType),
            String(meta.name ?? folder),
            this.ctx.prefixSeparator,
            backendType === "azurerm"
              ? this.typePrefix(type, "backend", backendOf("azurerm"), "azurerm", strategy)
              : undefined,
          )
        : {},
      overrides: ovr,
      ...this.secretsSection(plan),
      imports: this.imports(),
      // Atmos lists the bases nearest first.
      inheritance: [...chain].reverse(),
      command: String(ovr.command ?? this.scalar(plan, "command") ?? this.ctx.commands[type]),
    };
    if (type === "terraform") resolved.workspace = workspace(name, folder, meta, vars, stackName);
    // Atmos shows `dependencies` only on components that have some.
    const dependencies = this.hasDependencies ? this.mergedSection(plan, "dependencies") : {};
    if (Object.keys(dependencies).length > 0) resolved.dependencies = dependencies;
    return resolved;
  }

  /** For provenance: the position of a path in one of the stack's files. */
  locateIn(file: ManifestFile, path: DocPath): Position {
    return this.ctx.locate(file, path);
  }

  /** For provenance: every position in one of the stack's files. */
  positionsIn(file: ManifestFile): Map<string, Position> {
    return this.ctx.positions(file);
  }
}

/** True when `chain` is `base`'s own chain followed by `base`: then the base's merge is our prefix. */
function extendsChain(chain: string[], base: Plan): boolean {
  if (chain.length !== base.chain.length + 1) return false;
  for (let i = 0; i < base.chain.length; i++) if (chain[i] !== base.chain[i]) return false;
  return true;
}

function strategyIn(settings: unknown): ListMergeStrategy | undefined {
  return isMap(settings) && typeof settings.list_merge_strategy === "string"
    ? (settings.list_merge_strategy as ListMergeStrategy)
    : undefined;
}
