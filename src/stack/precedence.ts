import type { ComponentTypeName, ListMergeStrategy } from "../schema/cli-config.js";
import type { DocPath } from "../yaml/parse.js";
import { isMap } from "../yaml/markers.js";
import { merge, mergeAll } from "./merge.js";
import { Memo } from "./memo.js";

/**
 * The merge precedence, written once. A component's section is folded through these levels, lowest first;
 * provenance reads the same list from the top down, and a plain value (`command`, `backend_type`) is the
 * first level that sets it, from the top down.
 *
 *   global      every file of the stack, in import order: `vars:` …
 *   <type>      every file's type-level section: `terraform: {vars: …}`
 *   base <name> each base in the inheritance chain, farthest first: `components.terraform.<base>.vars`
 *   component   the component's own definitions, in import order
 *   overrides   `overrides:` and `<type>.overrides:` of the files that define the component and their
 *               importers (vars, settings and env only)
 */
export type Level =
  | { kind: "global" }
  | { kind: "type"; type: ComponentTypeName }
  | { kind: "base"; name: string }
  | { kind: "component"; name: string }
  | { kind: "overrides" };

/** The sections overrides reach. */
export const OVERRIDABLE: ReadonlySet<string> = new Set(["vars", "settings", "env"]);

/** The levels of one component's section, lowest first. */
export function levelsOf(
  type: ComponentTypeName,
  name: string,
  chain: readonly string[],
  section: string,
): Level[] {
  return [
    { kind: "global" },
    { kind: "type", type },
    ...chain.map((b): Level => ({ kind: "base", name: b })),
    { kind: "component", name },
    ...(OVERRIDABLE.has(section) ? [{ kind: "overrides" } as const] : []),
  ];
}

/**
 * A plain value from the levels below overrides, top down: the first level that sets it (not undefined or
 * null). `own` reads a component's or base's own definitions, `shared` the type level ("" = global).
 */
export function nearestSet<T>(
  type: ComponentTypeName,
  name: string,
  chain: readonly string[],
  read: { own: (name: string) => T | undefined; shared: (type: ComponentTypeName | "") => T | undefined },
): T | undefined {
  for (const level of levelsOf(type, name, chain, "").reverse()) {
    const v =
      level.kind === "component" || level.kind === "base"
        ? read.own(level.name)
        : level.kind === "type"
          ? read.shared(type)
          : level.kind === "global"
            ? read.shared("")
            : undefined;
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/** How `--provenance` names a level: global, terraform, base <name>, component, overrides. */
export function levelLabel(level: Level): string {
  switch (level.kind) {
    case "type":
      return level.type;
    case "base":
      return `base ${level.name}`;
    default:
      return level.kind;
  }
}

/** One value that takes part in a merge, and where it sits. */
export interface Input {
  value: unknown;
  /** Index into the stack's layers. */
  layer: number;
  /** Where the section sits in that file's document ("" segments are dropped). */
  path: DocPath;
}

/**
 * The inputs of one level (one per file that sets the section). `merged` folds them from nothing, `foldOnto`
 * onto an accumulator; `onto` is a type level's inputs folded onto the global level, kept per list strategy
 * (the prefix every component of the type starts from).
 */
export class Group {
  private readonly mergedBy: Memo<ListMergeStrategy, unknown>;
  private readonly ontoBy: Memo<ListMergeStrategy, unknown>;
  constructor(
    readonly inputs: Input[],
    memo: boolean,
  ) {
    this.mergedBy = new Memo(memo);
    this.ontoBy = new Memo(memo);
  }

  merged(strategy: ListMergeStrategy): unknown {
    return this.mergedBy.get(strategy, () =>
      this.inputs.length === 1
        ? this.inputs[0]!.value
        : mergeAll(
            this.inputs.map((i) => i.value),
            strategy,
          ),
    );
  }

  onto(base: Group, strategy: ListMergeStrategy): unknown {
    return this.ontoBy.get(strategy, () => this.foldOnto(base.merged(strategy), strategy));
  }

  foldOnto(acc: unknown, strategy: ListMergeStrategy): unknown {
    for (const input of this.inputs)
      acc = acc === undefined ? input.value : merge(acc, input.value, strategy);
    return acc;
  }
}

/** A level's group with its label: what provenance searches. */
export interface LabelledGroup {
  group: Group;
  level: string;
}

/** Picks the part of a section a merge is about (`backend` → the backend type's block). */
export type Selector = (section: unknown) => unknown;
export const whole: Selector = (s) => s;
export const backendOf =
  (backendType: string): Selector =>
  (b) =>
    isMap(b) ? b[backendType] : undefined;

/** The last input that holds `path`: later inputs win, so it is the one the value came from. */
export function originOf(
  groups: LabelledGroup[],
  path: DocPath,
): { input: Input; level: string } | undefined {
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
