import { readFileSync } from "node:fs";
import { dirname, extname, isAbsolute, resolve } from "node:path";
import {
  isMap as isYamlMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  YAMLSeq,
  type Document,
  type Node as YamlNode,
  type ScalarTag,
  type CollectionTag,
  type YAMLError,
} from "yaml";
import { SlipwayError } from "../errors.js";
import { Append, Unset } from "./markers.js";

/** A path into a parsed document: map keys and list indexes. */
export type DocPath = readonly (string | number)[];

export interface Position {
  line: number;
  col: number;
}

export interface ParseOptions {
  /** File name for errors and for resolving `!include`. */
  file: string;
  /** Environment for `!env`. */
  env: Record<string, string | undefined>;
  /** Where non-relative `!include` paths start. */
  basePath: string;
}

class AppendSeq extends YAMLSeq {
  override toJSON(_?: unknown, ctx?: Parameters<YAMLSeq["toJSON"]>[1]): unknown[] {
    // The merge needs to see the tag, so the plain value is wrapped in a marker.
    return new Append(super.toJSON(_, ctx)) as unknown as unknown[];
  }
}

function tagsFor(opts: ParseOptions): (ScalarTag | CollectionTag)[] {
  return [
    {
      tag: "!env",
      resolve(str: string) {
        const [name = "", ...rest] = str.trim().split(/\s+/);
        const value = opts.env[name];
        return value !== undefined ? value : rest.length ? rest.join(" ") : null;
      },
    },
    { tag: "!unset", resolve: () => Unset.instance },
    {
      tag: "!include",
      resolve(str: string, onError: (message: string) => void) {
        try {
          return includeFile(str.trim(), opts);
        } catch (e) {
          onError(e instanceof SlipwayError && e.file ? `${e.where}: ${e.message}` : (e as Error).message);
          return null;
        }
      },
    },
    {
      tag: "!append",
      collection: "seq",
      nodeClass: AppendSeq,
      resolve(seq: YAMLSeq) {
        return Object.assign(new AppendSeq(), seq);
      },
    } as CollectionTag,
  ];
}

/** `!include path`: YAML and JSON files are parsed, anything else is included as text. */
function includeFile(ref: string, opts: ParseOptions): unknown {
  const candidates =
    isAbsolute(ref) || ref.startsWith("./") || ref.startsWith("../")
      ? [resolve(dirname(opts.file), ref)]
      : [resolve(opts.basePath, ref), resolve(dirname(opts.file), ref)];
  for (const path of candidates) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue;
    }
    const ext = extname(path);
    if (ext === ".json") return JSON.parse(text);
    if (ext === ".yaml" || ext === ".yml") return parseYaml(text, { ...opts, file: path });
    return text;
  }
  throw new Error(`!include: file not found: ${ref} (looked in ${candidates.join(", ")})`);
}

/** The parser options every slipway YAML read uses, so plain and positioned parses agree. */
function docOptions(opts: ParseOptions, lineCounter?: LineCounter) {
  return {
    customTags: tagsFor(opts),
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
    ...(lineCounter ? { lineCounter } : {}),
  };
}

/** Parses one YAML document into plain values; a syntax error becomes a SlipwayError with its place. */
export function parseYaml(text: string, opts: ParseOptions): unknown {
  const lc = new LineCounter();
  const doc = parseDocument(text, docOptions(opts, lc));
  throwFirstError(doc, opts.file, lc);
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new SlipwayError({
      code: "yaml",
      message: (e as Error).message,
      file: opts.file,
      hint: "check anchors, aliases and !include paths",
    });
  }
}

function throwFirstError(doc: Document, file: string, lc: LineCounter): void {
  const err: YAMLError | undefined = doc.errors[0];
  if (!err) return;
  const pos = lc.linePos(err.pos[0]);
  throw new SlipwayError({
    code: "yaml",
    message: `invalid YAML: ${err.message.split("\n")[0]}`,
    file,
    line: pos.line,
    col: pos.col,
    hint: YAML_HINTS[err.code] ?? "check indentation and quoting near this place",
  });
}

const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: "a key may appear once per mapping: remove or rename one of them",
  BAD_INDENT: "indent nested keys consistently with spaces (not tabs)",
  TAB_AS_INDENT: "YAML indentation must use spaces, not tabs",
  MISSING_CHAR: "a quote or bracket is not closed",
  TAG_RESOLVE_FAILED: "check the tag's argument: the !include path or the !env variable name",
  BLOCK_AS_IMPLICIT_KEY: "quote values that contain ': ' or start with '{' (templates: '{{ … }}')",
  MULTILINE_IMPLICIT_KEY: "quote values that contain ': ' or start with '{' (templates: '{{ … }}')",
};

/** Re-parses `text` with positions and returns the place of `path`, or of its deepest existing parent. */
export function locate(
  text: string,
  path: DocPath,
  opts: ParseOptions,
  target: "key" | "value" = "value",
): Position {
  const lc = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, docOptions(opts, lc));
  } catch {
    return { line: 1, col: 1 };
  }
  let node: YamlNode | null | undefined = doc.contents as YamlNode | null;
  let keyNode: YamlNode | undefined;
  for (const seg of path) {
    let next: YamlNode | undefined;
    let nextKey: YamlNode | undefined;
    if (isYamlMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      nextKey = pair?.key as YamlNode | undefined;
      next = (pair?.value ?? pair?.key) as YamlNode | undefined;
    } else if (isSeq(node) && typeof seg === "number") {
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
  const lc = new LineCounter();
  const doc = parseDocument(text, docOptions(opts, lc));
  const out = new Map<string, Position>();
  const walk = (node: unknown, path: string) => {
    if (isYamlMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const p = path ? `${path}.${key}` : key;
        const keyNode = pair.key as YamlNode | undefined;
        if (keyNode?.range) out.set(p, lc.linePos(keyNode.range[0]));
        walk(pair.value, p);
      }
    } else if (isSeq(node)) {
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

/** Formats a DocPath as `a.b[0].c`, the key form `positionsOf` uses. */
export function pathKey(path: DocPath): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}
