import type { ComponentTypeName } from "../schema/cli-config.js";
import type { StackBuild } from "./stack-build.js";

/** One stack: the top-level manifests that carry its name, each with the components it gives the stack. */
export class StackEntry {
  private readonly parts: { build: StackBuild; only?: Set<string> }[] = [];
  private readonly names = new Map<ComponentTypeName, string[]>();

  constructor(readonly name: string) {}

  /** Adds a manifest; `only` limits it to some `type/component` keys (names given per component). */
  add(build: StackBuild, only?: Set<string>): void {
    const part = this.parts.find((p) => p.build === build);
    if (part?.only && only) for (const k of only) part.only.add(k);
    else if (!part) this.parts.push({ build, only });
    this.names.clear();
  }

  get builds(): StackBuild[] {
    return this.parts.map((p) => p.build);
  }

  /** The manifests that define a component for this stack. */
  buildsDefining(type: ComponentTypeName, name: string): StackBuild[] {
    return this.parts
      .filter((p) => p.build.defines(type, name) && (!p.only || p.only.has(`${type}/${name}`)))
      .map((p) => p.build);
  }

  /** The stack's component names of one type, sorted. */
  componentNames(type: ComponentTypeName): string[] {
    const cached = this.names.get(type);
    if (cached) return cached;
    const names = new Set<string>();
    for (const p of this.parts)
      for (const n of p.build.componentNames(type)) if (!p.only || p.only.has(`${type}/${n}`)) names.add(n);
    const sorted = [...names].sort();
    this.names.set(type, sorted);
    return sorted;
  }
}
