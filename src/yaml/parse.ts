import { dirname, extname, isAbsolute, relative, resolve } from "node:path";
import { readBoundedText } from "../core/read-file.js";
import { createRequire } from "node:module";
import type { ScalarTag, CollectionTag, YAMLMap, YAMLSeq } from "yaml";
import jsyaml from "js-yaml";
import { SlipwayError } from "../core/errors.js";
import { Append, DEFERRED_TAGS, Unset, YamlFunction } from "./markers.js";
import { parseHclValues } from "./hcl.js";
import { evaluatePath } from "./yq-path.js";
import { throwFirstError } from "./yaml-errors.js";

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
  /** Reads an `!include`d file (default: from disk); throws when it cannot. */
  read?: (path: string) => string;
  /** The files whose `!include`s led here, outermost first: a file including itself is a cycle. */
  includes?: string[];
}

type YamlLib = typeof import("yaml");
const require = createRequire(import.meta.url);
let yamlModule: YamlLib | undefined;

/**
 * The `yaml` library, loaded on first use: the fast path never needs it, and its load time counts on every
 * command. It is the parser that knows line and column, used for errors, provenance and edits.
 */
export function yamlLib(): YamlLib {
  return (yamlModule ??= require("yaml") as YamlLib);
}

/** One of slipway's YAML tags: what node it tags and the value it stands for. */
interface TagDef {
  tag: string;
  kind: "scalar" | "mapping" | "sequence";
  /** The node's plain value (a string for scalars) → what the document holds there; throws on bad input. */
  construct(value: unknown, opts: ParseOptions): unknown;
}

/**
 * slipway's tags — the one table both parse paths are built from, so the fast path (js-yaml) and the
 * positioned one (`yaml`) read every tag the same way.
 */
const TAGS: readonly TagDef[] = [
  { tag: "!env", kind: "scalar", construct: (v, o) => resolveEnv(String(v ?? ""), o.env) },
  { tag: "!unset", kind: "scalar", construct: () => Unset.instance },
  // `a: !unset {}` removes the key too.
  { tag: "!unset", kind: "mapping", construct: () => Unset.instance },
  // The merge needs to see the tag, so the list is wrapped in a marker.
  { tag: "!append", kind: "sequence", construct: (v) => new Append((v as unknown[] | null) ?? []) },
  { tag: "!include", kind: "scalar", construct: (v, o) => includeFile(String(v ?? "").trim(), o, false) },
  { tag: "!include.raw", kind: "scalar", construct: (v, o) => includeFile(String(v ?? "").trim(), o, true) },
  // `!literal` keeps its text exactly (no trimming: scripts keep their last newline).
  ...DEFERRED_TAGS.map((tag): TagDef => ({
    tag,
    kind: "scalar",
    construct: (v) => new YamlFunction(tag, tag === "!literal" ? String(v ?? "") : String(v ?? "").trim()),
  })),
];

/** The table as `yaml` custom tags: collections get a node class whose plain value is the tag's. */
function tagsFor(opts: ParseOptions): (ScalarTag | CollectionTag)[] {
  const y = yamlLib();
  return TAGS.map((def): ScalarTag | CollectionTag => {
    if (def.kind === "scalar")
      return {
        tag: def.tag,
        resolve(str: string, onError: (message: string) => void) {
          try {
            return def.construct(str, opts);
          } catch (e) {
            onError(e instanceof SlipwayError && e.file ? `${e.where}: ${e.message}` : (e as Error).message);
            return null;
          }
        },
      };
    // Both collection classes share toJSON's shape; one cast lets a single class cover either.
    const Base = (def.kind === "mapping" ? y.YAMLMap : y.YAMLSeq) as unknown as typeof YAMLSeq;
    class Tagged extends Base {
      override toJSON(_?: unknown, ctx?: Parameters<YAMLSeq["toJSON"]>[1]): unknown[] {
        return def.construct(super.toJSON(_, ctx), opts) as unknown[];
      }
    }
    return {
      tag: def.tag,
      collection: def.kind === "mapping" ? "map" : "seq",
      nodeClass: Tagged,
      resolve: (node: YAMLMap | YAMLSeq) => Object.assign(new Tagged(), node),
    } as CollectionTag;
  });
}

/**
 * `!include path`: YAML and JSON files are parsed, HCL (`.tfvars`, `.hcl`, `.tf`) read into a map of its
 * attributes, anything else is included as text; `!include.raw` (`raw`) includes any file as text.
 */
function includeFile(arg: string, opts: ParseOptions, raw: boolean): unknown {
  // `!include file.yaml .a.b`: a yq-style path after the file picks one value of it, as in Atmos.
  const [, quoted = "", query = ""] = /^("[^"]*"|'[^']*'|\S+)\s*([\s\S]*)$/.exec(arg) ?? [];
  const ref = /^["']/.test(quoted) ? quoted.slice(1, -1) : quoted;
  if (!ref) throw new Error("!include needs a file path, e.g. `!include catalog/defaults.yaml`");
  const value = readInclude(ref, opts, raw);
  if (!query) return value;
  const picked = evaluatePath(value, query);
  if (picked === undefined) throw new Error(`!include ${ref}: nothing at ${query} in that file`);
  return picked;
}

function readInclude(ref: string, opts: ParseOptions, raw: boolean): unknown {
  const candidates =
    isAbsolute(ref) || ref.startsWith("./") || ref.startsWith("../")
      ? [resolve(dirname(opts.file), ref)]
      : [resolve(opts.basePath, ref), resolve(dirname(opts.file), ref)];
  for (const path of candidates) {
    let text: string;
    try {
      text = opts.read ? opts.read(path) : readBoundedText(path);
    } catch (e) {
      // A file that is there but is no file to read (a FIFO, a device, past the size limit) is that
      // error, not "not found".
      if (e instanceof SlipwayError && e.code !== "io") throw e;
      continue;
    }
    const chain = opts.includes ?? [opts.file];
    if (chain.includes(path))
      throw new Error(
        `!include cycle: ${[...chain, path].map((p) => relative(opts.basePath, p) || p).join(" → ")}`,
      );
    const ext = raw ? "" : extname(path);
    if (ext === ".json") return JSON.parse(text);
    if (HCL_EXTENSIONS.has(ext)) return parseHclValues(text, path);
    if (ext === ".yaml" || ext === ".yml")
      return parseYamlWithPositions(text, { ...opts, file: path, includes: [...chain, path] });
    return text;
  }
  throw new Error(`!include: file not found: ${ref} (looked in ${candidates.join(", ")})`);
}

const HCL_EXTENSIONS = new Set([".tfvars", ".hcl", ".tf"]);

/** The parser options every slipway YAML read uses, so plain and positioned parses agree. */
export function docOptions(opts: ParseOptions, lineCounter?: InstanceType<YamlLib["LineCounter"]>) {
  return {
    customTags: tagsFor(opts),
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
    ...(lineCounter ? { lineCounter } : {}),
  };
}

/**
 * Parses one YAML document into plain values. The fast path is js-yaml (no source positions, about four
 * times faster); when it fails, the file is parsed again with `yaml`, which knows line and column, so
 * errors are reported the same way whichever parser saw them first.
 */
export function parseYaml(text: string, opts: ParseOptions): unknown {
  // js-yaml has no alias-expansion limit (a 600-byte "billion laughs" file expands past memory once merged):
  // a file with aliases takes the positioned parser, whose limit is the one limit for both paths.
  if (ALIAS.test(text)) return parseYamlWithPositions(text, opts);
  try {
    return jsyaml.load(text, { filename: opts.file, schema: fastSchema(text, opts) });
  } catch {
    return parseYamlWithPositions(text, opts);
  }
}

/** Something that may be an alias (`*name` after a space, `[`, `{` or `,`); a false match only costs speed. */
const ALIAS = /(?:^|[\s[{,])\*[^\s[\]{},]+/;

/** How many alias expansions one document may hold (the `yaml` library's measure). */
export const MAX_ALIAS_COUNT = 1000;

/** The slow path: the `yaml` library, whose errors carry line and column. */
export function parseYamlWithPositions(text: string, opts: ParseOptions): unknown {
  const y = yamlLib();
  const lc = new y.LineCounter();
  const doc = y.parseDocument(text, docOptions(opts, lc));
  throwFirstError(doc, opts.file, lc, [...new Set(TAGS.map((t) => t.tag))]);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof SlipwayError) throw e;
    const excessive = /excessive alias count/i.test((e as Error).message);
    throw new SlipwayError({
      code: "yaml",
      message: excessive
        ? `aliases here expand past ${MAX_ALIAS_COUNT} nodes (the limit that stops a "billion laughs" file)`
        : (e as Error).message,
      file: opts.file,
      hint: excessive
        ? "use fewer nested aliases: each alias of an alias multiplies the document"
        : "check anchors, aliases and !include paths",
    });
  }
}

const schemas = new WeakMap<object, Map<string, jsyaml.Schema>>();
// @types/js-yaml does not declare the built-in types that js-yaml exports.
const mergeKeys = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge;

/**
 * js-yaml's YAML 1.2 core schema plus merge keys and slipway's tags, matching what `yaml` is told.
 * `!include` needs the including file, so a file that uses it gets a schema of its own.
 */
function fastSchema(text: string, opts: ParseOptions): jsyaml.Schema {
  const perFile = text.includes("!include");
  let byBase = schemas.get(opts.env);
  if (!byBase) schemas.set(opts.env, (byBase = new Map()));
  const cached = perFile ? undefined : byBase.get(opts.basePath);
  if (cached) return cached;
  const schema = jsyaml.CORE_SCHEMA.extend({
    implicit: [mergeKeys],
    explicit: TAGS.map(
      (def) =>
        new jsyaml.Type(def.tag, { kind: def.kind, construct: (data: unknown) => def.construct(data, opts) }),
    ),
  });
  if (!perFile) byBase.set(opts.basePath, schema);
  return schema;
}

/** `!env NAME [default]`: the variable, else the default, else null. */
function resolveEnv(str: string, env: Record<string, string | undefined>): unknown {
  const [name = "", ...rest] = str.trim().split(/\s+/);
  const value = env[name];
  // Unset and no default: the empty string, as Atmos gives it.
  return value !== undefined ? value : rest.length ? rest.join(" ") : "";
}

/** Formats a DocPath as `a.b[0].c`, the key form `positionsOf` uses. */
export function pathKey(path: DocPath): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/** Where one entry of a block list sits in the text: from its first character to its last content. */
export interface ItemSpan {
  /** Offset of the entry's value (just after `- `). */
  start: number;
  /** Offset just past the entry's last scalar or closing bracket (before a trailing comment). */
  contentEnd: number;
  /** The entry is a `{…}` or `[…]` flow collection. */
  flow: boolean;
}

/**
 * The list at `path` as plain values and, when js-yaml can give them, each entry's place — from js-yaml's
 * node events instead of a full `yaml` document (about five times faster on a 500-entry list). `items` is
 * undefined for a flow list `[…]` or when an entry is not a map; the whole answer is undefined when there
 * is no list there or js-yaml cannot read the file. Callers check what they splice with these places and
 * fall back to `yaml`'s exact ranges if the result is not what they meant (a block scalar is the one shape
 * whose end js-yaml reports late).
 */
export function listItemSpans(
  text: string,
  path: DocPath,
  opts: ParseOptions,
): { value: unknown[]; items?: ItemSpan[] } | undefined {
  interface Frame {
    start: number;
    contentEnd: number;
  }
  const open: Frame[] = [];
  // The innermost node that produced each object: it starts at the object's first character.
  const spans = new Map<object, ItemSpan>();
  let doc: unknown;
  try {
    doc = jsyaml.load(text, {
      filename: opts.file,
      schema: fastSchema(text, opts),
      listener(event, state) {
        if (event === "open") {
          open.push({ start: state.position, contentEnd: -1 });
          return;
        }
        const f = open.pop();
        if (!f) return;
        const flow = text[f.start] === "{" || text[f.start] === "[";
        if (state.kind === "scalar" || flow) f.contentEnd = Math.max(f.contentEnd, state.position);
        const parent = open.at(-1);
        if (parent) parent.contentEnd = Math.max(parent.contentEnd, f.contentEnd);
        const r: unknown = state.result;
        if (r !== null && typeof r === "object" && !spans.has(r))
          spans.set(r, { start: f.start, contentEnd: f.contentEnd, flow });
      },
    });
  } catch {
    return undefined;
  }
  let list: unknown = doc;
  for (const seg of path)
    list = list !== null && typeof list === "object" ? (list as Record<string, unknown>)[seg] : undefined;
  if (!Array.isArray(list)) return undefined;
  if (spans.get(list)?.flow !== false) return { value: list };
  const items: ItemSpan[] = [];
  for (const entry of list) {
    const span = entry !== null && typeof entry === "object" ? spans.get(entry) : undefined;
    if (!span || Array.isArray(entry)) return { value: list };
    items.push(span);
  }
  return { value: list, items };
}
