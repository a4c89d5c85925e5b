/**
 * The document model the SOPS codec works on. Order matters (the MAC runs over values in document
 * order) and so do types (int vs float), so documents are not plain JS objects: JSON.parse would move
 * integer-like keys to the front, and 7 and 7.0 would be the same number.
 */

export type ScalarType = "str" | "int" | "float" | "bool" | "null" | "bytes";

export interface Scalar {
  kind: "scalar";
  type: ScalarType;
  value: string | number | boolean | null | Uint8Array;
  /**
   * The exact bytes of a `str` value that are not valid UTF-8 (a binary file's data: sops encrypts the
   * file's bytes as they are); `value` then holds their UTF-8 reading, for display only.
   */
  raw?: Uint8Array;
}

export interface Comment {
  kind: "comment";
  /** The comment text after `#`, leading space included, as sops keeps it. */
  text: string;
}

export interface Pair {
  kind: "pair";
  key: string;
  value: Node;
}

export interface MapNode {
  kind: "map";
  items: (Pair | Comment)[];
}

export interface SeqNode {
  kind: "seq";
  items: (Node | Comment)[];
}

export type Node = MapNode | SeqNode | Scalar;

export const str = (value: string): Scalar => ({ kind: "scalar", type: "str", value });

/** A map's value for `key`, if any. */
export function get(map: MapNode, key: string): Node | undefined {
  for (const item of map.items) if (item.kind === "pair" && item.key === key) return item.value;
  return undefined;
}

/** The map without `key` (used to take the `sops` metadata out of a document). */
export function without(map: MapNode, key: string): MapNode {
  return { kind: "map", items: map.items.filter((i) => i.kind !== "pair" || i.key !== key) };
}

/** Plain JS value of a node (comments dropped) — for tests, `--extract` and rule checks. */
export function toPlain(node: Node): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "seq")
    return node.items.filter((i) => i.kind !== "comment").map((i) => toPlain(i as Node));
  const out: Record<string, unknown> = {};
  // defineProperty: a "__proto__" key is data, not the object's prototype.
  for (const item of node.items)
    if (item.kind === "pair")
      Object.defineProperty(out, item.key, {
        value: toPlain(item.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  return out;
}

/** A node from a plain JS value (numbers: integers are int, others float). */
export function fromPlain(v: unknown): Node {
  if (Array.isArray(v)) return { kind: "seq", items: v.map(fromPlain) };
  if (v !== null && typeof v === "object") {
    return {
      kind: "map",
      items: Object.entries(v).map(([key, x]) => ({ kind: "pair" as const, key, value: fromPlain(x) })),
    };
  }
  if (typeof v === "string") return str(v);
  if (typeof v === "number") return { kind: "scalar", type: Number.isInteger(v) ? "int" : "float", value: v };
  if (typeof v === "boolean") return { kind: "scalar", type: "bool", value: v };
  return { kind: "scalar", type: "null", value: null };
}
