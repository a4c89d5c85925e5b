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
import { SlipwayError } from "../../core/errors.js";
import type { Comment, MapNode, Node, Scalar, SeqNode } from "../tree.js";
import { emitYamlFast, goYamlNumber, parseYamlFast, YAML11_BOOL } from "./yaml-fast.js";

/**
 * Comment lines of a `yaml` node comment string. The library keeps a blank line inside a comment block as an
 * empty line; yaml.v3 (so sops) drops it, and it is no comment to encrypt.
 */
function commentItems(text: string | null | undefined): Comment[] {
  if (!text) return [];
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => ({ kind: "comment", text: line }));
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
  // `<<` is a plain key to sops (it keeps the key and a copy of the aliased map), never a merge.
  const docs = parseAllDocuments(text, { prettyErrors: false, merge: false });
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
    const converted = root === null ? undefined : toNode(root, { doc, text, floats: numbersAreFloat });
    const body: Node = converted ? converted.node : { kind: "map", items: [] };
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
    const leftOver = (converted?.out ?? []).map((t) => t.comment);
    // A comment block at the top separated from the first key by a blank line is the contents' own.
    const lead = [
      ...commentItems(doc.commentBefore),
      ...commentItems(root?.commentBefore?.replace(/\n+$/, "")),
    ];
    return {
      kind: "map",
      items: [...lead, ...body.items, ...leftOver, ...commentItems(doc.comment)],
    };
  });
}

/** What converting a node needs: its document, the source (for comment columns), the number mode. */
interface Source {
  doc: Document.Parsed;
  text: string;
  floats: boolean;
}

/**
 * A trailing comment the `yaml` library hung on an inner collection, and the column of the level it
 * belongs to (Infinity: where the library put it).
 */
interface Trailing {
  comment: Comment;
  level: number;
}

function columnAt(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/**
 * The trailing comments of a block collection and where they belong. The `yaml` library gives every comment
 * after a collection's last value to the innermost collection. sops reads YAML with yaml.v3, which makes a
 * comment written at the next token's column (or left of it) that token's head comment, and any comment
 * right of it a foot comment of what precedes it — so a comment can belong to an outer level.
 */
function trailingOf(n: YAMLMap | YAMLSeq, src: Source): Trailing[] {
  if (!n.comment) return [];
  const lines = n.comment.split("\n");
  const [, valueEnd, nodeEnd] = n.range ?? [0, 0, 0];
  const cols = [...src.text.slice(valueEnd, nodeEnd).matchAll(/^([ \t]*)#/gm)].map((m) => m[1]!.length);
  const next = /^([ \t]*)[^\s#]/m.exec(src.text.slice(nodeEnd));
  const nextCol = next ? next[1]!.length : 0;
  return lines.map((line, i) => ({
    comment: { kind: "comment", text: line },
    level: (cols[i] ?? Infinity) <= nextCol ? nextCol : Infinity,
  }));
}

/** Converts a node; comments that belong to an outer level are handed back for it to place. */
function toNode(n: unknown, src: Source): { node: Node; out: Trailing[] } {
  if (isAlias(n)) return toNode(n.resolve(src.doc), src);
  if (isMap(n) || isSeq(n)) {
    const indent = n.range ? columnAt(src.text, n.range[0]) : 0;
    const items: (MapNode["items"][number] | SeqNode["items"][number])[] = [];
    // Comments a child handed back that belong at this level (or above) follow that child here.
    const place = (out: Trailing[], escaped: Trailing[]) => {
      for (const t of out) {
        if (indent <= t.level) items.push(t.comment);
        else escaped.push(t);
      }
    };
    const escaped: Trailing[] = [];
    if (isMap(n)) {
      for (const pair of n.items) {
        // An explicit `!!merge <<` key (as sops writes it) still reads as the key "<<".
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        const key = typeof k === "symbol" ? (k.description ?? "<<") : String(k);
        items.push(...commentItems((pair.key as YNode | undefined)?.commentBefore));
        const value = pair.value as YNode | null;
        const converted = value === null ? { node: nullScalar(), out: [] } : toNode(value, src);
        const child = converted.node;
        // A comment between `key:` and a nested collection belongs inside that collection.
        if (child.kind === "scalar") items.push(...commentItems(value?.commentBefore));
        else child.items.unshift(...commentItems(value?.commentBefore));
        // A comment after the value on its line goes before the pair, where sops puts it.
        if (value && (isScalar(value) || isAlias(value))) items.push(...commentItems(value.comment));
        items.push({ kind: "pair", key, value: child });
        place(converted.out, escaped);
      }
    } else {
      for (const item of n.items) {
        const before = commentItems((item as YNode | null)?.commentBefore);
        if (item && (isScalar(item) || isAlias(item))) items.push(...commentItems(item.comment));
        const converted = item === null ? { node: nullScalar(), out: [] } : toNode(item, src);
        // `- # note` then the item's keys: the comment after the dash is the item's own, as sops reads it.
        const start = (item as YNode | null)?.range?.[0];
        const afterDash =
          start !== undefined && src.text.slice(src.text.lastIndexOf("-", start), start).includes("#");
        if (afterDash && converted.node.kind !== "scalar") converted.node.items.unshift(...before);
        else items.push(...before);
        items.push(converted.node);
        place(converted.out, escaped);
      }
    }
    place(trailingOf(n, src), escaped);
    const node = isMap(n)
      ? ({ kind: "map", items: items as MapNode["items"] } satisfies MapNode)
      : ({ kind: "seq", items: items as SeqNode["items"] } satisfies SeqNode);
    return { node, out: escaped };
  }
  if (isScalar(n)) return { node: scalarOf(n, src.floats), out: [] };
  return { node: nullScalar(), out: [] };
}

const nullScalar = (): Scalar => ({ kind: "scalar", type: "null", value: null });

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
      const map = yamlNode({ kind: "map", items: root.items.slice(i) }) as YAMLMap;
      doc.contents = map;
      // On the first key, the comments sit right above it, as sops writes them; as the document's own
      // comment the library would write a blank line after them.
      const first = map.items[0]?.key as YScalar | undefined;
      if (lead.length && first)
        first.commentBefore = [...lead, ...(first.commentBefore ? [first.commentBefore] : [])].join("\n");
      else if (lead.length) doc.commentBefore = lead.join("\n");
      return escapeYaml11Breaks(doc.toString({ indent: 2, lineWidth: 0 }));
    })
    .join("---\n");
}

/**
 * NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are line breaks in YAML 1.1, which yaml.v3 (and so sops)
 * follows: written raw, even inside quotes, they end the line. Strings holding them are double-quoted and
 * the characters escaped (\N, \L, \P), which every YAML reader turns back into the same character.
 */
const YAML11_BREAKS = /[\u0085\u2028\u2029]/;
const ESCAPES: Record<string, string> = { "\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P" };
function escapeYaml11Breaks(text: string): string {
  return YAML11_BREAKS.test(text) ? text.replace(/[\u0085\u2028\u2029]/g, (c) => ESCAPES[c]!) : text;
}

function yamlNode(n: Node): YNode {
  if (n.kind === "scalar") {
    const s = new YScalar(n.type === "bytes" ? Buffer.from(n.value as Uint8Array).toString("utf8") : n.value);
    // An integral float is written as yaml.v3 (so sops) writes it: 1, not 1.0.
    // YAML 1.1 readers (sops's own among them) take an unquoted date for a timestamp: quote it.
    if (n.type === "str" && /^\d{4}-\d\d-\d\d([Tt ]|$)/.test(n.value as string)) s.type = "QUOTE_DOUBLE";
    if (
      typeof n.value === "string" &&
      (YAML11_BREAKS.test(n.value) || goYamlNumber(n.value) || YAML11_BOOL.test(n.value))
    )
      s.type = "QUOTE_DOUBLE";
    return s;
  }
  if (n.kind === "seq") {
    const seq = new YAMLSeq();
    let pending: string[] = [];
    for (const item of n.items) {
      // sops writes an encrypted comment in a list as an element, where yaml.v3 cannot misplace it.
      if (item.kind === "comment" && item.text.startsWith("ENC[")) {
        const node = new YScalar(item.text);
        if (pending.length) node.commentBefore = pending.join("\n");
        pending = [];
        seq.items.push(node);
      } else if (item.kind === "comment") pending.push(item.text);
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
      if (YAML11_BREAKS.test(item.key) || goYamlNumber(item.key) || YAML11_BOOL.test(item.key))
        key.type = "QUOTE_DOUBLE";
      if (pending.length) key.commentBefore = pending.join("\n");
      pending = [];
      map.items.push(new YPair(key, yamlNode(item.value)));
    }
  }
  if (pending.length) map.comment = pending.join("\n");
  return map;
}
