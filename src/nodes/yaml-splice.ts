import { Document, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode, type YAMLSeq } from "yaml";
import { SlipwayError } from "../errors.js";
import { dirname } from "node:path";
import { parseYaml, type DocPath } from "../stack/yaml.js";

/**
 * Edits of one list in a YAML file made as text splices at the positions the `yaml` parser reports, so the
 * rest of the file — comments, quoting, blank lines, key order — stays byte for byte as it was.
 */

function seqAt(text: string, file: string, path: DocPath): { doc: Document; seq: YAMLSeq } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new SlipwayError({
      code: "yaml",
      message: `${doc.errors[0]!.message.split("\n")[0]}`,
      file,
      hint: "fix the YAML before editing it with slipway",
    });
  }
  const node = doc.getIn(path, true);
  if (!isSeq(node)) {
    throw new SlipwayError({
      code: "validation",
      message: `${path.join(".")} is not a list in this file`,
      file,
      hint: "nodes must be a YAML list of maps",
    });
  }
  return { doc, seq: node };
}

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;

/** Where the line holding offset `at` ends (just past its newline). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  return nl < 0 ? text.length : nl + 1;
}

/** The item's own lines: its comment lines just above it, the `- ` line, and the lines of its value. */
function itemSpan(text: string, item: YamlNode): [number, number] {
  let start = lineStart(text, item.range![0]);
  for (;;) {
    if (start === 0) break;
    const prev = lineStart(text, start - 1);
    if (!/^\s*#/.test(text.slice(prev, start))) break;
    start = prev;
  }
  const valueEnd = item.range![1];
  const end = text[valueEnd - 1] === "\n" ? valueEnd : lineEnd(text, valueEnd);
  return [start, end];
}

function nameOf(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const v = item.get("name", true);
  return isScalar(v) ? String(v.value) : undefined;
}

/** The index of the map whose `name` is `name`, with its line (1-based), or undefined. */
export function findByName(text: string, file: string, path: DocPath, name: string) {
  const { seq } = seqAt(text, file, path);
  const i = seq.items.findIndex((it) => nameOf(it) === name);
  if (i < 0) return undefined;
  return { index: i, line: text.slice(0, (seq.items[i] as YamlNode).range![0]).split("\n").length };
}

/** Appends `entry` to the list, in the style of the entries already there (flow `{…}` or block). */
export function appendToList(
  text: string,
  file: string,
  path: DocPath,
  entry: Record<string, unknown>,
): string {
  const { doc, seq } = seqAt(text, file, path);
  const last = seq.items.at(-1) as YamlNode | undefined;
  if (!last || seq.flow) {
    // An empty or `[ … ]` list has no line layout to follow: let the YAML library place the entry.
    seq.add(doc.createNode(entry));
    return doc.toString();
  }
  const first = seq.items[0] as YamlNode;
  const firstLine = lineStart(text, first.range![0]);
  const indent = text.slice(firstLine, text.indexOf("-", firstLine));
  let item: string;
  if (isMap(last) && last.flow) {
    const padded = /^\{\s/.test(text.slice(last.range![0], last.range![1]));
    const node = new Document(entry);
    (node.contents as { flow?: boolean }).flow = true;
    item = `${indent}- ${node.toString({ flowCollectionPadding: padded, lineWidth: 0 }).trim()}\n`;
  } else {
    const lines = new Document(entry).toString({ indent: 2 }).trimEnd().split("\n");
    item = lines.map((l, i) => (i === 0 ? `${indent}- ${l}` : `${indent}  ${l}`)).join("\n") + "\n";
  }
  const [, end] = itemSpan(text, last);
  const before = text.slice(0, end);
  return (before.endsWith("\n") ? before : before + "\n") + item + text.slice(end);
}

/** Removes the map whose `name` is `name`, with the comment lines just above it. */
export function removeFromList(text: string, file: string, path: DocPath, name: string): string {
  const { doc, seq } = seqAt(text, file, path);
  const i = seq.items.findIndex((it) => nameOf(it) === name);
  if (i < 0) throw new Error(`no entry named ${name}`);
  if (seq.flow) {
    seq.items.splice(i, 1);
    return doc.toString();
  }
  const [start, end] = itemSpan(text, seq.items[i] as YamlNode);
  return text.slice(0, start) + text.slice(end);
}

/**
 * Reads the list at `path` as plain values — to check for conflicts and to validate what an edit produced
 * before it is written. The fast parser is enough here: no positions are needed.
 */
export function listAt(text: string, file: string, path: DocPath): unknown[] {
  let cur: unknown = parseYaml(text, { file, env: {}, basePath: dirname(file) });
  for (const seg of path)
    cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
  if (!Array.isArray(cur)) {
    throw new SlipwayError({
      code: "validation",
      message: `${path.join(".")} is not a list in this file`,
      file,
      hint: "nodes must be a YAML list of maps",
    });
  }
  return cur as unknown[];
}
