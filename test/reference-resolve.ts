// The reference resolution: how a component's configuration is put together, written for clarity, with
// no caches, no shared prefixes and no groups. The engine (src/stack/) must give the same answer; the
// property in engine-reference.test.ts holds it to that on generated repositories and on the examples.
// It reads the stack's layers (its files in import order, flattened by the loader) and nothing else.
import type { ListMergeStrategy } from "../src/schema/cli-config.js";
import type { ComponentTypeName } from "../src/schema/cli-config.js";
import { mergeAll } from "../src/stack/merge.js";
import type { Json, Layer, ResolvedComponent } from "../src/stack/types.js";
import { isMap } from "../src/yaml/markers.js";

export interface ReferenceConfig {
  listMergeStrategy: ListMergeStrategy;
  prefixSeparator: string;
  command: string;
}

const map = (v: unknown): Json => (isMap(v) ? v : {});
const isSet = (v: unknown) => v !== undefined && v !== null;

/** Resolves one component of one stack from its layers, the plain way. */
export function referenceResolve(
  layers: Layer[],
  type: ComponentTypeName,
  name: string,
  stack: string,
  topRel: string,
  config: ReferenceConfig,
): ResolvedComponent {
  const data = (i: number) => layers[i]!.file.data;
  const definedIn = (n: string) =>
    layers.flatMap((_, i) => {
      const defs = map(map(data(i).components)[type]);
      return n in defs ? [{ layer: i, def: map(defs[n]) }] : [];
    });
  const defines = (n: string) => definedIn(n).length > 0;
  // What a component itself says of one key, merged over the files that define it (with the config's
  // list strategy: a component's own strategy is not known before its bases are).
  const own = (n: string, key: string) =>
    mergeAll(
      definedIn(n).map((f) => f.def[key]),
      config.listMergeStrategy,
    );
  const global = (key: string, strategy: ListMergeStrategy) =>
    mergeAll(
      layers.map((l) => l.file.data[key]),
      strategy,
    );
  const typeLevel = (key: string, strategy: ListMergeStrategy) =>
    mergeAll(
      layers.map((l) => map(l.file.data[type])[key]),
      strategy,
    );

  // Bases: the legacy `component:` first, then metadata.inherits in order, each base's own bases first.
  const basesOf = (n: string, path: string[] = []): string[] => {
    if (path.includes(n)) throw new Error(`inheritance cycle: ${[...path, n].join(" → ")}`);
    const direct: string[] = [];
    const legacy = own(n, "component");
    if (typeof legacy === "string" && legacy !== n && defines(legacy)) direct.push(legacy);
    const inherits = map(own(n, "metadata")).inherits;
    if (Array.isArray(inherits)) direct.push(...inherits.map(String));
    const out: string[] = [];
    for (const b of direct) {
      if (!defines(b)) throw new Error(`${n} inherits from ${b}, which is not defined`);
      for (const x of [...basesOf(b, [...path, n]), b]) if (!out.includes(x)) out.push(x);
    }
    return out;
  };
  const bases = basesOf(name);

  // The list strategy: the nearest one set — the component, its bases nearest first, type level, global.
  const strategyOf = (settings: unknown) => {
    const s = map(settings).list_merge_strategy;
    return typeof s === "string" ? (s as ListMergeStrategy) : undefined;
  };
  const strategy =
    [name, ...[...bases].reverse()].map((n) => strategyOf(own(n, "settings"))).find(Boolean) ??
    strategyOf(typeLevel("settings", config.listMergeStrategy)) ??
    strategyOf(global("settings", config.listMergeStrategy)) ??
    config.listMergeStrategy;

  // Overrides reach the component from each visit of a file that defines it, in walk order (the import
  // walk lists them per visit: layer * 2 is a file's global overrides, layer * 2 + 1 its type-level ones).
  // One file's overrides reaching it through several visits count once, at the last.
  const visits = [...new Set(definedIn(name).map((f) => f.layer))]
    .flatMap((l) => layers[l]!.overrides)
    .sort((a, b) => a.order - b.order);
  const entries = visits.flatMap((v) => v.entries);
  const overrides = (section: string) =>
    entries
      .filter((e, i) => entries.lastIndexOf(e) === i)
      .map((e) => map((e & 1 ? map(data(e >> 1)[type]) : data(e >> 1)).overrides)[section]);

  // The precedence, lowest first: global, type level, each base, the component, overrides.
  const section = (key: string, select: (v: unknown) => unknown = (v) => v, withOverrides = true): Json => {
    const values = [
      ...layers.map((l) => select(l.file.data[key])),
      ...layers.map((l) => select(map(l.file.data[type])[key])),
      ...[...bases, name].flatMap((n) => definedIn(n).map((f) => select(f.def[key]))),
      ...(withOverrides && ["vars", "settings", "env"].includes(key) ? overrides(key) : []),
    ];
    return map(mergeAll(values, strategy));
  };
  // A plain value: the component's, else its nearest base's, else type level, else global.
  const scalar = (key: string) =>
    [name, ...[...bases].reverse()].map((n) => own(n, key)).find(isSet) ??
    [typeLevel(key, strategy), global(key, config.listMergeStrategy)].find(isSet);

  const withoutInheritOnly = (m: unknown) => {
    if (!isMap(m)) return m;
    const { inherits: _i, type: _t, ...rest } = m;
    return rest;
  };
  const ownMeta = own(name, "metadata");
  const meta = map(
    mergeAll([...bases.map((b) => withoutInheritOnly(own(b, "metadata"))), ownMeta], strategy),
  );
  const legacy = own(name, "component");
  const legacyBase = typeof legacy === "string" && legacy !== name && defines(legacy) ? legacy : undefined;
  const legacyFolder = legacyBase ? (map(own(legacyBase, "metadata")).component ?? legacyBase) : undefined;
  const folder = String(map(ownMeta).component ?? legacyFolder ?? meta.component ?? name);

  const ovr: Json = {};
  for (const s of ["vars", "settings", "env", "command"]) {
    const v = mergeAll(overrides(s), strategy);
    if (v !== undefined) ovr[s] = v;
  }
  const vars = section("vars");
  const backendType = String(scalar("backend_type") ?? "");
  const pick = (t: string) => (b: unknown) => (isMap(b) ? b[t] : undefined);
  const resolved: ResolvedComponent = {
    atmos_component: name,
    atmos_stack: stack,
    atmos_stack_file: topRel,
    stack,
    component: folder,
    component_type: type,
    metadata: meta,
    vars,
    settings: section("settings"),
    env: section("env"),
    providers: section("providers"),
    backend_type: backendType,
    backend: backendType
      ? stateDefaults(
          backendType,
          section("backend", pick(backendType)),
          String(meta.name ?? folder),
          config.prefixSeparator,
          mergeAll(
            [
              ...layers.map((l) => pick("azurerm")(l.file.data.backend)),
              ...layers.map((l) => pick("azurerm")(map(l.file.data[type]).backend)),
            ],
            strategy,
          ),
        )
      : {},
    overrides: ovr,
    imports: [...new Set(layers.slice(0, -1).map((l) => l.file.rel))].sort(),
    inheritance: [...bases].reverse(),
    command: String(ovr.command ?? scalar("command") ?? config.command),
  };
  if (type === "terraform") resolved.workspace = workspaceOf(name, folder, meta, vars, stack);
  return resolved;
}

/** Atmos's default state keys: s3 workspace_key_prefix, gcs prefix, azurerm key under a global key. */
function stateDefaults(type: string, backend: Json, name: string, sep: string, shared: unknown): Json {
  const key = sep === "/" ? name : name.split("/").join(sep);
  const blank = (k: string) => typeof backend[k] !== "string" || backend[k] === "";
  if (type === "s3")
    return blank("workspace_key_prefix") ? { ...backend, workspace_key_prefix: key } : backend;
  if (type === "gcs") return blank("prefix") ? { ...backend, prefix: key } : backend;
  if (type !== "azurerm") return backend;
  const globalKey = isMap(shared) && typeof shared.key === "string" ? shared.key : undefined;
  if (!blank("key") && backend.key !== globalKey) return backend;
  return {
    ...backend,
    key: globalKey ? `${globalKey}/${key}.terraform.tfstate` : `${key}.terraform.tfstate`,
  };
}

/** Atmos's workspace: explicit, a pattern, the stack, or `<stack>-<component>` for a component of another folder. */
function workspaceOf(name: string, folder: string, meta: Json, vars: Json, stack: string): string {
  if (typeof meta.terraform_workspace === "string") return meta.terraform_workspace;
  if (typeof meta.terraform_workspace_pattern === "string")
    return meta.terraform_workspace_pattern.replace(/\{([a-z_-]+)\}/g, (_m, t: string) =>
      t === "component" ? name : t === "base-component" ? folder : String(vars[t] ?? ""),
    );
  const ws = stack.split("/").join("-");
  return folder === name ? ws : `${ws}-${name.split("/").join("-")}`;
}
