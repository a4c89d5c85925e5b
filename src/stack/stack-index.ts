import { COMPONENT_TYPES, type ComponentTypeName, type ListMergeStrategy } from "../schema/cli-config.js";
import type { DocPath, Position } from "../yaml/parse.js";
import { isMap } from "../yaml/markers.js";
import { hasOverrides } from "./imports.js";
import type { Json, Layer, ManifestFile } from "./types.js";

/** One place a component is defined: a layer of the stack and the definition there. */
export interface Fragment {
  layer: number;
  def: Json;
}

/** What a stack build needs of the engine: the config's merge rules and the way back to file positions. */
export interface BuildContext {
  readonly listMergeStrategy: ListMergeStrategy;
  /** components.terraform.workspace.prefix_separator. */
  readonly prefixSeparator: string;
  /** Each type's command from the config. */
  readonly commands: Readonly<Record<ComponentTypeName, string>>;
  /** The config's own `env:`, under every component's env. */
  readonly configEnv: Readonly<Record<string, string>>;
  /** Keep merge results between calls (off: everything is worked out afresh). */
  readonly memo: boolean;
  /** Where `path` sits in a manifest (or its deepest existing parent). */
  locate(file: ManifestFile, path: DocPath, target?: "key" | "value"): Position;
  /** Every path of a manifest with its position, for provenance. */
  positions(file: ManifestFile): Map<string, Position>;
}

/**
 * One top-level manifest with its imports flattened, indexed: which layers define which components, and
 * what the files hold at all (markers, templates, overrides), so later stages skip work they cannot need.
 */
export class StackIndex {
  readonly hasMarkers: boolean;
  /** Some file of the stack holds `{{`: only then are resolved components walked for templates. */
  readonly hasTemplates: boolean;
  /** Some file may set `dependencies`: only then is the section merged for each component. */
  readonly hasDependencies: boolean;
  /** Some file holds a YAML function evaluated after resolution: only then are components walked for them. */
  readonly hasFunctions: boolean;
  /** Some file sets `overrides` (global or type-level): only then is override scope worked out. */
  readonly hasOverrides: boolean;
  private readonly fragments = new Map<ComponentTypeName, Map<string, Fragment[]>>();
  private importList?: string[];

  constructor(
    readonly top: ManifestFile,
    readonly layers: Layer[],
  ) {
    this.hasMarkers = layers.some((l) => l.file.hasMarkers);
    this.hasTemplates = layers.some((l) => l.file.hasTemplates);
    // An `!include`d file may hold a `dependencies` section the including text does not show.
    this.hasDependencies = layers.some(
      (l) => l.file.text.includes("dependencies") || l.file.text.includes("!include"),
    );
    this.hasFunctions = layers.some((l) => l.file.hasFunctions);
    this.hasOverrides = layers.some((l) => hasOverrides(l.file.data));
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

  hasComponents(): boolean {
    return [...this.fragments.values()].some((m) => m.size > 0);
  }

  defines(type: ComponentTypeName, name: string): boolean {
    return this.fragments.get(type)?.has(name) ?? false;
  }

  componentNames(type: ComponentTypeName): string[] {
    return [...(this.fragments.get(type)?.keys() ?? [])];
  }

  /** Where a component is defined, in layer order (empty when it is not). */
  fragmentsOf(type: ComponentTypeName, name: string): Fragment[] {
    return this.fragments.get(type)?.get(name) ?? [];
  }

  /** Every file the stack imports (not the manifest itself), sorted, as Atmos lists them. */
  imports(): string[] {
    this.importList ??= [...new Set(this.layers.slice(0, -1).map((l) => l.file.rel))].sort();
    return this.importList;
  }
}
