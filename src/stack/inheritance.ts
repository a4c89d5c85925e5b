import { SlipwayError } from "../core/errors.js";
import type { ComponentTypeName } from "../schema/cli-config.js";
import { isMap } from "../yaml/markers.js";
import { merge } from "./merge.js";
import { Memo, Memo2 } from "./memo.js";
import type { BuildContext, Fragment, StackIndex } from "./stack-index.js";
import type { Json } from "./types.js";

/**
 * What each component says itself (its own fragments merged, no globals, no bases) and the bases it
 * inherits from: the legacy `component:` first, then `metadata.inherits` in order, each base's bases first.
 */
export class Inheritance {
  private readonly owns: Memo<Fragment[], Memo<string, unknown>>;
  private readonly chains: Memo2<string, string, string[]>;

  constructor(
    private readonly index: StackIndex,
    private readonly ctx: BuildContext,
  ) {
    this.owns = new Memo(ctx.memo);
    this.chains = new Memo2(ctx.memo);
  }

  /**
   * One top-level key (`metadata`, `settings`, `component` …) of the component's own fragments merged —
   * what a derived component inherits of it. Merged with the config's list strategy: a component's own
   * strategy is not known before its bases are.
   */
  own(type: ComponentTypeName, name: string, key: string): unknown {
    const frags = this.index.fragmentsOf(type, name);
    if (frags.length === 0) return undefined;
    if (frags.length === 1) return frags[0]!.def[key];
    return this.owns
      .get(frags, () => new Memo(this.ctx.memo))
      .get(key, () => {
        let acc: unknown;
        for (const f of frags) acc = merge(acc, f.def[key], this.ctx.listMergeStrategy);
        return acc;
      });
  }

  /** The legacy `component:` base: named, not the component itself, and defined in the stack (else Atmos ignores it). */
  legacyBase(type: ComponentTypeName, name: string): string | undefined {
    const legacy = this.own(type, name, "component");
    return typeof legacy === "string" && legacy !== name && this.index.defines(type, legacy)
      ? legacy
      : undefined;
  }

  /** Bases in merge order, farthest first. A missing base or a cycle is an error at its `inherits` entry. */
  chain(type: ComponentTypeName, name: string, path: string[] = []): string[] {
    return this.chains.get(type, name, () => {
      const metadata = this.own(type, name, "metadata");
      const inherits = isMap(metadata) && Array.isArray(metadata.inherits) ? metadata.inherits : [];
      const direct: string[] = [];
      const legacy = this.legacyBase(type, name);
      if (legacy) direct.push(legacy);
      inherits.forEach((b, idx) => {
        const base = String(b);
        if (!this.index.defines(type, base)) throw this.error(type, name, base, idx, "missing");
        direct.push(base);
      });
      const out: string[] = [];
      for (const base of direct) {
        if (base === name || path.includes(base))
          throw this.error(type, name, base, inherits.indexOf(base), "cycle", [...path, name, base]);
        for (const b of [...this.chain(type, base, [...path, name]), base]) if (!out.includes(b)) out.push(b);
      }
      return out;
    });
  }

  private error(
    type: ComponentTypeName,
    name: string,
    base: string,
    idx: number,
    why: "missing" | "cycle",
    cycle: string[] = [],
  ): SlipwayError {
    const frags = this.index.fragmentsOf(type, name);
    const frag =
      [...frags]
        .reverse()
        .find(
          (f) =>
            isMap(f.def.metadata) &&
            Array.isArray(f.def.metadata.inherits) &&
            (f.def.metadata as Json & { inherits: unknown[] }).inherits.includes(base),
        ) ?? frags[0];
    const file = this.index.layers[frag?.layer ?? 0]!.file;
    const pos = this.ctx.locate(file, ["components", type, name, "metadata", "inherits", Math.max(idx, 0)]);
    if (why === "cycle") {
      return new SlipwayError({
        code: "inheritance",
        message: `inheritance cycle: ${cycle.join(" → ")}`,
        file: file.path,
        ...pos,
        hint: "a component cannot inherit from itself, directly or through its bases",
      });
    }
    const known = this.index.componentNames(type);
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
}

/** Metadata as a derived component inherits it: without `inherits` and `type`. */
export function inheritedMeta(v: unknown): unknown {
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
