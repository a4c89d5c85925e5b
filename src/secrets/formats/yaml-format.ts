import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Pair as YPair,
  parseAllDocuments,
  Scalar as YScalar,
  YAMLMap,
  YAMLSeq,
  type Node as YNode,
} from "yaml";
import { SlipwayError } from "../../errors.js";
import type { Comment, MapNode, Node, Scalar, SeqNode } from "../tree.js";
import { emitYamlFast, parseYamlFast } from "./yaml-fast.js";

/** Comment lines of a `yaml` node comment string. */
function commentItems(text: string | null | undefined): Comment[] {
  if (!text) return [];
  return text.split("\n").map((line) => ({ kind: "comment", text: line }));
}

/** Parses YAML (every document) into sops trees, comments kept as items; positions for errors. */
export function parseYamlDocs(text: string, file: string, numbersAreFloat = false): MapNode[] {
  if (!numbersAreFloat) {
    const fast = parseYamlFast(text);
    if (fast) return fast;
  }
  return parseYamlDocsSlow(text, file, numbersAreFloat);
}

/** The `yaml`-library path: comments, anchors and positions for errors. */
export function parseYamlDocsSlow(text: string, file: string, numbersAreFloat = false): MapNode[] {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => {
    const err = doc.errors[0];
    if (err) {
      const line = text.slice(0, err.pos[0]).split("\n").length;
      throw new SlipwayError({
        code: "yaml",
        message: `invalid ${numbersAreFloat ? "JSON" : "YAML"}: ${err.message.split("\n")[0]}`,
        file,
        line,
        col: 1,
        hint: "fix the syntax, then run the command again",
      });
    }
    const root = doc.contents;
    const convert = (n: unknown): Node => toNode(n, doc, numbersAreFloat);
    const body: Node = root === null ? { kind: "map", items: [] } : convert(root);
    if (body.kind !== "map") {
      throw new SlipwayError({
        code: "validation",
        message: "the document's top level must be a mapping",
        file,
        line: 1,
        col: 1,
        hint: "sops encrypts mappings (key: value); wrap lists in a key",
      });
    }
    return {
      kind: "map",
      items: [...commentItems(doc.commentBefore), ...body.items, ...commentItems(doc.comment)],
    };
  });
}

function toNode(n: unknown, doc: Document.Parsed, floats: boolean): Node {
  if (isAlias(n)) return toNode(n.resolve(doc), doc, floats);
  if (isMap(n)) {
    const items: MapNode["items"] = [];
    for (const pair of n.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      items.push(...commentItems((pair.key as YNode | undefined)?.commentBefore));
      const value = pair.value as YNode | null;
      const child: Node =
        value === null ? { kind: "scalar", type: "null", value: null } : toNode(value, doc, floats);
      // A comment between `key:` and a nested collection belongs inside that collection.
      if (child.kind === "scalar") items.push(...commentItems(value?.commentBefore));
      else child.items.unshift(...commentItems(value?.commentBefore));
      items.push({ kind: "pair", key, value: child });
      if (value && (isScalar(value) || isAlias(value))) items.push(...commentItems(value.comment));
    }
    items.push(...commentItems(n.comment));
    return { kind: "map", items };
  }
  if (isSeq(n)) {
    const items: SeqNode["items"] = [];
    for (const item of n.items) {
      items.push(...commentItems((item as YNode | null)?.commentBefore));
      items.push(item === null ? { kind: "scalar", type: "null", value: null } : toNode(item, doc, floats));
    }
    items.push(...commentItems(n.comment));
    return { kind: "seq", items };
  }
  if (isScalar(n)) return scalarOf(n, floats);
  return { kind: "scalar", type: "null", value: null };
}

function scalarOf(n: YScalar, floats: boolean): Scalar {
  const v = n.value;
  if (v === null || v === undefined) return { kind: "scalar", type: "null", value: null };
  if (typeof v === "boolean") return { kind: "scalar", type: "bool", value: v };
  if (typeof v === "number" || typeof v === "bigint") {
    const num = Number(v);
    const src = n.source ?? String(v);
    const isFloat = floats || !Number.isInteger(num) || /[.eE]|inf|nan/i.test(src);
    return { kind: "scalar", type: isFloat ? "float" : "int", value: num };
  }
  return { kind: "scalar", type: "str", value: String(v) };
}

/** Writes sops trees as YAML documents (2-space indent), comments as `#` lines where they stood. */
export function emitYamlDocs(docs: MapNode[]): string {
  return emitYamlFast(docs) ?? emitYamlDocsSlow(docs);
}

/** The `yaml`-library path: comments, floats and any string, quoted as YAML needs. */
export function emitYamlDocsSlow(docs: MapNode[]): string {
  return docs
    .map((root) => {
      const doc = new Document();
      const lead: string[] = [];
      let i = 0;
      while (root.items[i]?.kind === "comment") lead.push((root.items[i++] as Comment).text);
      doc.contents = yamlNode({ kind: "map", items: root.items.slice(i) }) as YAMLMap;
      if (lead.length) doc.commentBefore = lead.join("\n");
      return doc.toString({ indent: 2, lineWidth: 0 });
    })
    .join("---\n");
}

function yamlNode(n: Node): YNode {
  if (n.kind === "scalar") {
    const s = new YScalar(n.type === "bytes" ? Buffer.from(n.value as Uint8Array).toString("utf8") : n.value);
    if (n.type === "float" && Number.isInteger(n.value)) s.minFractionDigits = 1;
    // YAML 1.1 readers (sops's own among them) take an unquoted date for a timestamp: quote it.
    if (n.type === "str" && /^\d{4}-\d\d-\d\d([Tt ]|$)/.test(n.value as string)) s.type = "QUOTE_DOUBLE";
    return s;
  }
  if (n.kind === "seq") {
    const seq = new YAMLSeq();
    let pending: string[] = [];
    for (const item of n.items) {
      if (item.kind === "comment") pending.push(item.text);
      else {
        const node = yamlNode(item);
        if (pending.length) node.commentBefore = pending.join("\n");
        pending = [];
        seq.items.push(node);
      }
    }
    if (pending.length) seq.comment = pending.join("\n");
    return seq;
  }
  const map = new YAMLMap();
  let pending: string[] = [];
  for (const item of n.items) {
    if (item.kind === "comment") pending.push(item.text);
    else {
      const key = new YScalar(item.key);
      if (pending.length) key.commentBefore = pending.join("\n");
      pending = [];
      map.items.push(new YPair(key, yamlNode(item.value)));
    }
  }
  if (pending.length) map.comment = pending.join("\n");
  return map;
}
