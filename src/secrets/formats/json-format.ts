import { formatFloat } from "../cipher.js";
import type { MapNode, Node } from "../tree.js";
import { parseYamlDocs } from "./yaml-format.js";

/**
 * JSON, order-preserving: parsed with the YAML parser (JSON is YAML 1.2) into ordered trees, because
 * JSON.parse moves integer-like keys ("0word" stays, "10" moves) and that breaks the MAC. Numbers are
 * floats, as sops's JSON store reads them.
 */
export function parseJson(text: string, file: string): MapNode {
  const [doc] = parseYamlDocs(text, file, true);
  return doc ?? { kind: "map", items: [] };
}

/** Writes a tree as JSON with two-space indentation, keys in tree order. */
export function emitJson(root: Node): string {
  return write(root, "") + "\n";
}

function write(n: Node, indent: string): string {
  const inner = indent + "  ";
  if (n.kind === "scalar") {
    if (n.type === "null") return "null";
    if (n.type === "bool") return n.value ? "true" : "false";
    if (n.type === "int") return String(n.value);
    if (n.type === "float") return formatFloat(n.value as number);
    if (n.type === "bytes") return JSON.stringify(Buffer.from(n.value as Uint8Array).toString("utf8"));
    return JSON.stringify(n.value);
  }
  if (n.kind === "seq") {
    const items = n.items.filter((i) => i.kind !== "comment") as Node[];
    if (items.length === 0) return "[]";
    return "[\n" + items.map((i) => inner + write(i, inner)).join(",\n") + "\n" + indent + "]";
  }
  const pairs = n.items.filter((i) => i.kind === "pair");
  if (pairs.length === 0) return "{}";
  return (
    "{\n" +
    pairs.map((p) => `${inner}${JSON.stringify(p.key)}: ${write(p.value, inner)}`).join(",\n") +
    "\n" +
    indent +
    "}"
  );
}
