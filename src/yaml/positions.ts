// Places in YAML text: the line and column of a value or key, found by parsing with positions (the `yaml`
// library). Only errors, provenance and warnings need them; the fast path never loads this parser.
import type { Document, LineCounter, Node as YamlNode } from "yaml";
import { docOptions, yamlLib, type DocPath, type ParseOptions, type Position } from "./parse.js";

/**
 * The last few documents parsed with positions, by file and text: the warnings of one component place
 * many values in the same few files, and each parse with positions costs more than the whole run's reads.
 */
const positionedDocs = new Map<string, { text: string; doc: Document; lc: LineCounter } | null>();
const POSITIONED_KEPT = 16;

function positioned(text: string, opts: ParseOptions): { doc: Document; lc: LineCounter } | null {
  const key = opts.file;
  const hit = positionedDocs.get(key);
  if (hit !== undefined && (hit === null || hit.text === text)) return hit;
  const y = yamlLib();
  const lc = new y.LineCounter();
  let entry: { text: string; doc: Document; lc: LineCounter } | null;
  try {
    entry = { text, doc: y.parseDocument(text, docOptions(opts, lc)), lc };
  } catch {
    entry = null;
  }
  if (positionedDocs.size >= POSITIONED_KEPT) positionedDocs.delete(positionedDocs.keys().next().value!);
  positionedDocs.set(key, entry);
  return entry;
}

/** Parses `text` with positions (kept for the next call) and returns the place of `path`, or of its deepest existing parent. */
export function locate(
  text: string,
  path: DocPath,
  opts: ParseOptions,
  target: "key" | "value" = "value",
): Position {
  const y = yamlLib();
  const parsed = positioned(text, opts);
  if (!parsed) return { line: 1, col: 1 };
  const { doc, lc } = parsed;
  let node: YamlNode | null | undefined = doc.contents as YamlNode | null;
  let keyNode: YamlNode | undefined;
  for (const seg of path) {
    let next: YamlNode | undefined;
    let nextKey: YamlNode | undefined;
    if (y.isMap(node)) {
      const pair = node.items.find(
        (p) => (y.isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      nextKey = pair?.key as YamlNode | undefined;
      next = (pair?.value ?? pair?.key) as YamlNode | undefined;
    } else if (y.isSeq(node) && typeof seg === "number") {
      next = node.items[seg] as YamlNode | undefined;
    }
    if (!next) break;
    node = next;
    keyNode = nextKey;
  }
  const at = target === "key" && keyNode ? keyNode : node;
  const offset = at?.range?.[0] ?? 0;
  return lc.linePos(offset);
}

/** Every scalar and collection place in a document, keyed by JSON path — for `--provenance`. */
export function positionsOf(text: string, opts: ParseOptions): Map<string, Position> {
  const y = yamlLib();
  const lc = new y.LineCounter();
  const doc = y.parseDocument(text, docOptions(opts, lc));
  const out = new Map<string, Position>();
  const walk = (node: unknown, path: string) => {
    if (y.isMap(node)) {
      for (const pair of node.items) {
        const key = y.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const p = path ? `${path}.${key}` : key;
        const keyNode = pair.key as YamlNode | undefined;
        if (keyNode?.range) out.set(p, lc.linePos(keyNode.range[0]));
        walk(pair.value, p);
      }
    } else if (y.isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = `${path}[${i}]`;
        const r = (item as YamlNode | undefined)?.range;
        if (r) out.set(p, lc.linePos(r[0]));
        walk(item, p);
      });
    }
  };
  walk(doc.contents, "");
  return out;
}
