import { isDeepStrictEqual } from "node:util";
import { dirname } from "node:path";
import { Document, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode, type YAMLSeq } from "yaml";
import { SlipwayError } from "../core/errors.js";
import { listItemSpans, parseYaml, type DocPath, type ItemSpan, type ParseOptions } from "../yaml/parse.js";

/**
 * Edits of one list in a YAML file made as text splices at the places a parser reports, so the rest of the
 * file — comments, quoting, blank lines, key order — stays byte for byte as it was.
 *
 * The places come from js-yaml's node events (fast); every splice is checked by parsing its result, and
 * when the list is not exactly what the edit meant, it is made again from the `yaml` library's exact node
 * ranges. Flow lists (`[…]`) and empty lists are edited through `yaml`'s document model.
 */

const optsFor = (file: string): ParseOptions => ({ file, env: {}, basePath: dirname(file) });

/** The list's entries and their places from the `yaml` library: slower, exact. */
function exactList(text: string, file: string, path: DocPath): { doc: Document; seq: YAMLSeq } {
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

function exactSpans(text: string, seq: YAMLSeq): ItemSpan[] {
  return seq.items.map((item) => {
    const [start, end] = (item as YamlNode).range!;
    return { start, contentEnd: end, flow: isMap(item) && item.flow === true };
  });
}

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;

/** Where the line holding offset `at` ends (just past its newline). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf("\n", at);
  return nl < 0 ? text.length : nl + 1;
}

/** The item's own lines: its comment lines just above it, the `- ` line, and the lines of its value. */
function itemLines(text: string, span: ItemSpan): [number, number] {
  const dashLine = lineStart(text, span.start);
  let start = dashLine;
  while (start > 0) {
    const prev = lineStart(text, start - 1);
    if (!/^\s*#/.test(text.slice(prev, start))) break;
    start = prev;
  }
  let end = lineStart(text, span.contentEnd);
  if (text.slice(end, span.contentEnd).trim() !== "") return [start, lineEnd(text, span.contentEnd)];
  // A value that ends with its line break (a block scalar) is reported where the next thing starts: give
  // back the blank lines after it and the comments indented no deeper than the `- ` (they belong to what
  // follows).
  const dashCol = text.indexOf("-", dashLine) - dashLine;
  while (end > dashLine) {
    const ls = lineStart(text, end - 1);
    const line = text.slice(ls, end - 1);
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== "" && !(line.trimStart().startsWith("#") && indent <= dashCol)) break;
    end = ls;
  }
  return [start, end];
}

/** The text with `entry` appended after the last of `items`, in the style of the entries already there. */
function appendAfter(text: string, items: ItemSpan[], entry: Record<string, unknown>): string {
  const first = items[0]!;
  const last = items.at(-1)!;
  const firstLine = lineStart(text, first.start);
  const indent = text.slice(firstLine, text.indexOf("-", firstLine));
  let item: string;
  if (last.flow && text[last.start] === "{") {
    const padded = /^\{\s/.test(text.slice(last.start, last.start + 2));
    const node = new Document(entry);
    (node.contents as { flow?: boolean }).flow = true;
    item = `${indent}- ${node.toString({ flowCollectionPadding: padded, lineWidth: 0 }).trim()}\n`;
  } else {
    const lines = new Document(entry).toString({ indent: 2 }).trimEnd().split("\n");
    item = lines.map((l, i) => (i === 0 ? `${indent}- ${l}` : `${indent}  ${l}`)).join("\n") + "\n";
  }
  const [, end] = itemLines(text, last);
  const before = text.slice(0, end);
  return (before.endsWith("\n") ? before : before + "\n") + item + text.slice(end);
}

/** The list `text` holds at `path` when it is exactly `expected` (the check every fast splice passes). */
function holding(text: string, file: string, path: DocPath, expected: unknown[]): unknown[] | undefined {
  try {
    const list = listAt(text, file, path);
    return isDeepStrictEqual(list, expected) ? list : undefined;
  } catch {
    return undefined;
  }
}

function nameOf(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const v = item.get("name", true);
  return isScalar(v) ? String(v.value) : undefined;
}

const named = (name: string) => (entry: unknown) =>
  entry !== null && typeof entry === "object" && String((entry as { name?: unknown }).name) === name;

/** A list read once: its plain values and, when js-yaml could give them, each entry's place. */
export interface LocatedList {
  value: unknown[];
  items?: ItemSpan[];
}

/** An edit's new text and the list it holds (already parsed: validate that, not the text again). */
export interface ListEdit {
  text: string;
  list: unknown[];
}

/** Reads the list at `path` once, for the conflict checks and the edit that follow. */
export function locateList(text: string, file: string, path: DocPath): LocatedList {
  return listItemSpans(text, path, optsFor(file)) ?? { value: listAt(text, file, path) };
}

/** The index of the map whose `name` is `name`, with its line (1-based), or undefined. */
export function findByName(
  text: string,
  file: string,
  path: DocPath,
  name: string,
  located = locateList(text, file, path),
) {
  const i = located.value.findIndex(named(name));
  if (i < 0) return undefined;
  const start = located.items
    ? located.items[i]!.start
    : (exactList(text, file, path).seq.items[i] as YamlNode).range![0];
  return { index: i, line: text.slice(0, start).split("\n").length };
}

/** Appends `entry` to the list, in the style of the entries already there (flow `{…}` or block). */
export function appendToList(
  text: string,
  file: string,
  path: DocPath,
  entry: Record<string, unknown>,
  located = locateList(text, file, path),
): ListEdit {
  if (located.items && located.items.length > 0) {
    const out = appendAfter(text, located.items, entry);
    const list = holding(out, file, path, [...located.value, entry]);
    if (list) return { text: out, list };
  }
  const { doc, seq } = exactList(text, file, path);
  let out: string;
  if (seq.items.length === 0 || seq.flow) {
    // An empty or `[ … ]` list has no line layout to follow: let the YAML library place the entry.
    seq.add(doc.createNode(entry));
    out = doc.toString();
  } else {
    out = appendAfter(text, exactSpans(text, seq), entry);
  }
  return { text: out, list: listAt(out, file, path) };
}

/** Removes the map whose `name` is `name`, with the comment lines just above it. */
export function removeFromList(
  text: string,
  file: string,
  path: DocPath,
  name: string,
  located = locateList(text, file, path),
): ListEdit {
  const i = located.value.findIndex(named(name));
  if (located.items && i >= 0) {
    const [start, end] = itemLines(text, located.items[i]!);
    const out = text.slice(0, start) + text.slice(end);
    const list = holding(
      out,
      file,
      path,
      located.value.filter((_, k) => k !== i),
    );
    if (list) return { text: out, list };
  }
  const { doc, seq } = exactList(text, file, path);
  const at = seq.items.findIndex((it) => nameOf(it) === name);
  if (at < 0) throw new Error(`no entry named ${name}`);
  let out: string;
  if (seq.flow) {
    seq.items.splice(at, 1);
    out = doc.toString();
  } else {
    const [start, end] = itemLines(text, exactSpans(text, seq)[at]!);
    out = text.slice(0, start) + text.slice(end);
  }
  return { text: out, list: listAt(out, file, path) };
}

/**
 * Reads the list at `path` as plain values — to check for conflicts and to validate what an edit produced
 * before it is written. The fast parser is enough here: no positions are needed.
 */
export function listAt(text: string, file: string, path: DocPath): unknown[] {
  let cur: unknown = parseYaml(text, optsFor(file));
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
