import { isDeepStrictEqual } from "node:util";
import {
  Document,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  type Node as YamlNode,
  type Pair,
} from "yaml";
import { SlipwayError } from "../core/errors.js";
import type { DocPath } from "../yaml/parse.js";

/**
 * Sets one value in a YAML file's text as a splice at the place the parser reports, so every byte outside
 * the changed lines stays as it was (comments, quoting, key order, long lines). A key that is not there yet
 * is added at the end of the deepest map that is, in that map's indentation. Every splice is checked by
 * parsing its result: when the document is not exactly the old one with this value set, the edit is made
 * through the `yaml` document model instead (still correct, comments kept, but the file may reflow).
 */
export function setInText(text: string, file: string, path: DocPath, value: unknown): string {
  const doc = parseChecked(text, file);
  const expected = withValue(doc.toJS(), path, value);
  const spliced = splice(text, doc, path, value);
  if (spliced !== undefined && holds(spliced, expected)) return spliced;
  const model = parseChecked(text, file);
  model.setIn(path, value);
  const out = model.toString();
  if (!holds(out, expected))
    throw new SlipwayError({
      code: "validation",
      message: `cannot set ${path.join(".")} in this file without changing something else; nothing was written`,
      file,
      hint: "edit the file by hand",
    });
  return out;
}

/** The text of the scalar at `path` when it is a string (to see whether it is a template), else undefined. */
export function rawStringAt(text: string, path: DocPath): string | undefined {
  const node = parseDocument(text).getIn(path, true);
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

function parseChecked(text: string, file: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new SlipwayError({
      code: "yaml",
      message: doc.errors[0]!.message.split("\n")[0]!,
      file,
      hint: "fix the YAML before editing it with slipway",
    });
  return doc;
}

function holds(text: string, expected: unknown): boolean {
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isDeepStrictEqual(doc.toJS(), expected);
}

function withValue(root: unknown, path: DocPath, value: unknown): unknown {
  const top = root && typeof root === "object" ? root : {};
  let cur = top as Record<string | number, unknown>;
  path.forEach((k, i) => {
    if (i === path.length - 1) {
      cur[k] = value;
      return;
    }
    if (!cur[k] || typeof cur[k] !== "object") cur[k] = {};
    cur = cur[k] as Record<string | number, unknown>;
  });
  return top;
}

const keyOf = (p: Pair) => (isScalar(p.key) ? p.key.value : p.key);

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;

function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  return nl < 0 ? text.length : nl + 1;
}

/** A value as one line of YAML: a plain or quoted scalar, or a flow collection. */
/** Words YAML 1.1 readers (Ansible, older tools) take as booleans or null: written quoted, as strings. */
const YAML11_SPECIAL = /^(y|yes|n|no|on|off|true|false|null|~)$/i;

function inline(value: unknown, like?: Scalar): string {
  if (typeof value === "string" && (like?.type === Scalar.QUOTE_DOUBLE || YAML11_SPECIAL.test(value)))
    return JSON.stringify(value);
  const d = new Document(value);
  if (isCollection(d.contents)) (d.contents as { flow?: boolean }).flow = true;
  return d.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd();
}

/** `{a: {b: value}}` for the keys not there yet, as block lines at `indent`. */
function block(keys: DocPath, value: unknown, indent: string): string {
  let v = value;
  for (const k of [...keys].reverse()) v = { [k]: v };
  return (
    new Document(v)
      .toString({ lineWidth: 0 })
      .trimEnd()
      .split("\n")
      .map((l) => indent + l)
      .join("\n") + "\n"
  );
}

function splice(text: string, doc: Document, path: DocPath, value: unknown): string | undefined {
  let node = doc.contents as YamlNode | null;
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p) === k);
      if (!pair) return insertInto(text, node, path.slice(i), value);
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null && i < path.length - 1)) {
        // `key:` with nothing after it: the rest goes there, inline.
        const keyNode = pair.key as YamlNode;
        const at = lineEnd(text, keyNode.range![1]) - 1;
        const colon = text.lastIndexOf(":", at);
        if (colon < keyNode.range![1]) return undefined;
        let v = value;
        for (const key of [...path.slice(i + 1)].reverse()) v = { [key]: v };
        return text.slice(0, colon + 1) + " " + inline(v) + text.slice(at);
      }
      node = pair.value as YamlNode;
    } else if (isSeq(node) && typeof k === "number") {
      node = (node.items[k] as YamlNode | undefined) ?? null;
      if (!node) return undefined;
    } else if (node === null && i === 0) {
      // An empty file: the whole path is new.
      return text + (text === "" || text.endsWith("\n") ? "" : "\n") + block(path, value, "");
    } else return undefined;
  }
  if (!node?.range) return undefined;
  const [start, end] = node.range;
  if (isScalar(node) || (isCollection(node) && (node as { flow?: boolean }).flow)) {
    return text.slice(0, start) + inline(value, isScalar(node) ? node : undefined) + text.slice(end);
  }
  return undefined;
}

/** Adds `keys` (with `value` at the end) as the last entry of a block map. */
function insertInto(text: string, map: YamlNode, keys: DocPath, value: unknown): string | undefined {
  if (!isMap(map)) return undefined;
  if (map.flow) {
    // `{a: 1}` → `{a: 1, b: 2}`, on its line.
    const end = map.range![1];
    const close = text.lastIndexOf("}", end);
    if (close < map.range![0]) return undefined;
    let v = value;
    for (const k of [...keys.slice(1)].reverse()) v = { [k]: v };
    const entry = `${inline(keys[0])}: ${inline(v)}`;
    const inner = text.slice(map.range![0] + 1, close);
    const pad = /\s$/.test(inner) && inner.trim() !== "" ? " " : "";
    const sep = map.items.length === 0 ? "" : ", ";
    return text.slice(0, close).replace(/\s*$/, "") + sep + entry + pad + text.slice(close);
  }
  if (map.items.length === 0) return undefined;
  const first = map.items[0]!.key as YamlNode;
  const last = map.items.at(-1)!;
  const firstStart = first.range![0];
  const indent = text.slice(lineStart(text, firstStart), firstStart);
  if (indent.trim() !== "") return undefined;
  const lastEnd = ((last.value as YamlNode | null)?.range ?? (last.key as YamlNode).range!)[1];
  const at = text[lastEnd - 1] === "\n" ? lastEnd : lineEnd(text, lastEnd);
  const before = text.slice(0, at);
  return (
    (before.endsWith("\n") || before === "" ? before : before + "\n") +
    block(keys, value, indent) +
    text.slice(at)
  );
}
