import { SlipwayError } from "../core/errors.js";
import type { MapNode, Node, Pair, SeqNode } from "./tree.js";

/** One step of a sops tree path: a mapping key or a list index. */
export type PathStep = string | number;

/** Parses sops's path syntax, `["key"]["nested"][0]` (as `--extract`, `set` and `unset` take it). */
export function parseTreePath(expr: string, what: string): PathStep[] {
  const parts = [...expr.matchAll(/\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\d+))\]/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join("") !== expr.trim()) {
    throw new SlipwayError({
      code: "usage",
      message: `${what} "${expr}" is not a path`,
      hint: `write it as sops does: '["key"]["nested"]' or '["list"][0]'`,
    });
  }
  return parts.map((m) =>
    m[3] !== undefined ? Number(m[3]) : m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]!,
  );
}

/** One step as sops writes it: `["key"]` or `[0]`. */
export const stepText = (step: PathStep) =>
  typeof step === "number" ? `[${step}]` : `[${JSON.stringify(step)}]`;

/** The items of a list that are values (comments are not counted by an index). */
const values = (seq: SeqNode) => seq.items.filter((i): i is Node => i.kind !== "comment");

/** The node at `path`, or undefined (with the step that found nothing). */
export function nodeAt(root: MapNode, path: PathStep[]): { node?: Node; missing?: number } {
  let cur: Node = root;
  for (const [i, step] of path.entries()) {
    let next: Node | undefined;
    if (typeof step === "string" && cur.kind === "map")
      next = cur.items.find((x): x is Pair => x.kind === "pair" && x.key === step)?.value;
    else if (typeof step === "number" && cur.kind === "seq") next = values(cur)[step];
    if (!next) return { missing: i };
    cur = next;
  }
  return { node: cur };
}

/** A node holding `leaf` under the rest of a path, as sops builds a branch a `set` path does not reach yet. */
function branchFor(path: PathStep[], leaf: Node): Node {
  return path.reduceRight<Node>(
    (inner, step) =>
      typeof step === "number"
        ? { kind: "seq", items: [inner] }
        : { kind: "map", items: [{ kind: "pair", key: step, value: inner }] },
    leaf,
  );
}

/**
 * `value` at `path` in a copy of `node`, as sops's `set` does: an existing key keeps its place (and the
 * comments above it), a missing key is added at the end of its map, an index past a list's end appends.
 * Returns whether anything changed.
 */
export function setAt(node: Node, path: PathStep[], value: Node): { node: Node; changed: boolean } {
  const [step, ...rest] = path;
  if (step === undefined) return { node: value, changed: !sameNode(node, value) };
  if (typeof step === "string" && node.kind === "map") {
    const i = node.items.findIndex((x) => x.kind === "pair" && x.key === step);
    if (i < 0)
      return { node: { kind: "map", items: [...node.items, pairOf(step, rest, value)] }, changed: true };
    const pair = node.items[i] as Pair;
    const inner = setAt(pair.value, rest, value);
    const items = [...node.items];
    items[i] = { ...pair, value: inner.node };
    return { node: { kind: "map", items }, changed: inner.changed };
  }
  if (typeof step === "number" && node.kind === "seq") {
    const at = itemIndex(node, step);
    if (at < 0)
      return { node: { kind: "seq", items: [...node.items, branchFor(rest, value)] }, changed: true };
    const inner = setAt(node.items[at] as Node, rest, value);
    const items = [...node.items];
    items[at] = inner.node;
    return { node: { kind: "seq", items }, changed: inner.changed };
  }
  // A scalar (or the other kind of collection) on the way is replaced by the branch, as sops does.
  return { node: branchFor(path, value), changed: true };
}

const pairOf = (key: string, rest: PathStep[], value: Node): Pair => ({
  kind: "pair",
  key,
  value: branchFor(rest, value),
});

/** The position in `items` of the list's `n`th value (comments skipped), or -1. */
function itemIndex(seq: SeqNode, n: number): number {
  let seen = -1;
  for (const [i, item] of seq.items.entries()) if (item.kind !== "comment" && ++seen === n) return i;
  return -1;
}

/** A copy of `node` without the value at `path`; undefined when there is none (sops: "key not found"). */
export function unsetAt(node: Node, path: PathStep[]): Node | undefined {
  const [step, ...rest] = path;
  if (step === undefined) return undefined;
  if (typeof step === "string" && node.kind === "map") {
    const i = node.items.findIndex((x) => x.kind === "pair" && x.key === step);
    if (i < 0) return undefined;
    const pair = node.items[i] as Pair;
    const items = [...node.items];
    if (rest.length === 0) items.splice(i, 1);
    else {
      const inner = unsetAt(pair.value, rest);
      if (!inner) return undefined;
      items[i] = { ...pair, value: inner };
    }
    return { kind: "map", items };
  }
  if (typeof step === "number" && node.kind === "seq") {
    const at = itemIndex(node, step);
    if (at < 0) return undefined;
    const items = [...node.items];
    if (rest.length === 0) items.splice(at, 1);
    else {
      const inner = unsetAt(node.items[at] as Node, rest);
      if (!inner) return undefined;
      items[at] = inner;
    }
    return { kind: "seq", items };
  }
  return undefined;
}

/** Whether two nodes hold the same values (comments aside), types included. */
function sameNode(a: Node, b: Node): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "scalar" && b.kind === "scalar")
    return a.type === b.type && String(a.value) === String(b.value);
  const ai = (a as MapNode | SeqNode).items.filter((i) => i.kind !== "comment");
  const bi = (b as MapNode | SeqNode).items.filter((i) => i.kind !== "comment");
  return (
    ai.length === bi.length &&
    ai.every((x, i) => {
      const y = bi[i]!;
      if (x.kind === "pair") return y.kind === "pair" && x.key === y.key && sameNode(x.value, y.value);
      return y.kind !== "pair" && sameNode(x as Node, y as Node);
    })
  );
}
