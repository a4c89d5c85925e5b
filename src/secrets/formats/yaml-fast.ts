import jsyaml from "js-yaml";
import type { MapNode, Node, Scalar, SeqNode } from "../tree.js";

/** A float as js-yaml read it, kept apart from ints so `1.0` stays a float. */
class FloatBox {
  constructor(readonly value: number) {}
}

type JsType = jsyaml.Type & { resolve: (d: string) => boolean; construct: (d: string) => unknown };
const core = (jsyaml as unknown as { types: Record<string, JsType> }).types;

// YAML 1.2 core, with floats boxed (types are kept as js-yaml resolves them).
const schema = new jsyaml.Schema({
  implicit: [
    core.null!,
    core.bool!,
    core.int!,
    new jsyaml.Type("tag:yaml.org,2002:float", {
      kind: "scalar",
      resolve: (d: string) => core.float!.resolve(d),
      construct: (d: string) => new FloatBox(core.float!.construct(d) as number),
      instanceOf: FloatBox,
    }),
  ],
  explicit: [],
});

const INTEGER_KEY = /^(0|[1-9]\d{0,9})$/;

/**
 * The fast path for reading YAML into sops trees: js-yaml, about four times faster than `yaml`. It
 * declines (returns undefined) whenever it could lose something the slow path keeps: comments, anchors,
 * tags, merge keys, and integer-like keys (JS objects would reorder them, and the MAC depends on order).
 */
export function parseYamlFast(text: string): MapNode[] | undefined {
  // Comments (own line or after a value), anchors, aliases, tags and `<<` merge keys take the slow path:
  // js-yaml drops comments and merges `<<` into the map, where sops keeps it as a key.
  if (/(^|\s)#/.test(text) || /[&*!]|<</.test(text.replace(/ENC\[[^\]]*\]/g, ""))) return undefined;
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(text, undefined, { schema });
  } catch {
    return undefined;
  }
  const out: MapNode[] = [];
  for (const d of docs) {
    const node = d === null || d === undefined ? ({ kind: "map", items: [] } as MapNode) : toNode(d);
    if (!node || node.kind !== "map") return undefined;
    out.push(node);
  }
  return out;
}

function toNode(v: unknown): Node | undefined {
  if (v instanceof FloatBox) return { kind: "scalar", type: "float", value: v.value };
  if (v === null) return { kind: "scalar", type: "null", value: null };
  if (typeof v === "string") return { kind: "scalar", type: "str", value: v };
  if (typeof v === "number") return { kind: "scalar", type: "int", value: v };
  if (typeof v === "boolean") return { kind: "scalar", type: "bool", value: v };
  if (Array.isArray(v)) {
    const items: Node[] = [];
    for (const x of v) {
      const n = toNode(x);
      if (!n) return undefined;
      items.push(n);
    }
    return { kind: "seq", items };
  }
  if (typeof v === "object") {
    const items: MapNode["items"] = [];
    for (const [key, x] of Object.entries(v as Record<string, unknown>)) {
      if (INTEGER_KEY.test(key)) return undefined;
      const n = toNode(x);
      if (!n) return undefined;
      items.push({ kind: "pair", key, value: n });
    }
    return { kind: "map", items };
  }
  return undefined;
}

/**
 * The fast path for writing sops trees as YAML, byte-identical to `emitYamlDocsSlow` (the `yaml` library,
 * ~5× slower) for the documents it takes: no comments, no floats, ASCII keys and strings that need no
 * quoting (or only the double quotes around a date). It declines (returns undefined) for anything else —
 * a property test holds it to the library's output.
 */
export function emitYamlFast(docs: MapNode[]): string | undefined {
  const out: string[] = [];
  for (const root of docs) {
    if (root.items.length === 0) {
      out.push("{}\n");
      continue;
    }
    const lines: string[] = [];
    if (!emitMap(root, "", lines)) return undefined;
    out.push(lines.join(""));
  }
  return out.join("---\n");
}

/** Writes a non-empty map's pairs at `indent`; false when something is outside the fast subset. */
function emitMap(map: MapNode, indent: string, lines: string[]): boolean {
  for (const item of map.items) {
    if (item.kind !== "pair" || !isPlain(item.key) || item.key.length > 1000) return false;
    const head = `${indent}${item.key}:`;
    if (!emitValue(item.value, head, indent, lines)) return false;
  }
  return true;
}

/** Writes a non-empty list's items at `indent`. */
function emitSeq(seq: SeqNode, indent: string, lines: string[]): boolean {
  for (const item of seq.items) {
    if (item.kind === "comment") return false;
    if (item.kind === "scalar" || item.items.length === 0) {
      const s = item.kind === "scalar" ? scalarText(item) : item.kind === "map" ? "{}" : "[]";
      if (s === undefined) return false;
      lines.push(`${indent}- ${s}\n`);
      continue;
    }
    // A nested collection starts on the dash's line: its first line's indent becomes "- ".
    const start = lines.length;
    const inner = `${indent}  `;
    if (!(item.kind === "map" ? emitMap(item, inner, lines) : emitSeq(item, inner, lines))) return false;
    lines[start] = `${indent}- ${lines[start]!.slice(inner.length)}`;
  }
  return true;
}

/** `head` (`key:`) and the value: inline for scalars and empty collections, on the next lines otherwise. */
function emitValue(value: Node, head: string, indent: string, lines: string[]): boolean {
  if (value.kind === "scalar") {
    const s = scalarText(value);
    if (s === undefined) return false;
    lines.push(`${head} ${s}\n`);
    return true;
  }
  if (value.items.length === 0) {
    lines.push(`${head} ${value.kind === "map" ? "{}" : "[]"}\n`);
    return true;
  }
  lines.push(`${head}\n`);
  const inner = `${indent}  `;
  return value.kind === "map" ? emitMap(value, inner, lines) : emitSeq(value, inner, lines);
}

function scalarText(s: Scalar): string | undefined {
  switch (s.type) {
    case "null":
      return "null";
    case "bool":
      return s.value ? "true" : "false";
    case "int": {
      const n = s.value as number;
      return Number.isSafeInteger(n) && !Object.is(n, -0) ? String(n) : undefined;
    }
    case "str":
    case "bytes": {
      const text =
        s.type === "bytes" ? Buffer.from(s.value as Uint8Array).toString("utf8") : (s.value as string);
      if (text === "") return '""';
      // Dates are written double-quoted (see yamlNode), so YAML 1.1 readers keep them strings.
      if (s.type === "str" && DATE.test(text)) return DATE_CHARS.test(text) ? `"${text}"` : undefined;
      return isPlain(text) ? text : undefined;
    }
    default:
      return undefined;
  }
}

const DATE = /^\d{4}-\d\d-\d\d([Tt ]|$)/;
const DATE_CHARS = /^[0-9Tt:. Zz+-]+$/;
/** Characters a plain scalar may hold here; the first may not be an indicator (`-`, `[`, `@`, `,` …). */
const PLAIN = /^[A-Za-z0-9_/.=][A-Za-z0-9_/.=+,:[\]@-]*$/;
/**
 * Strings a reader would take for something else: null and bool in YAML 1.2, and the YAML 1.1 booleans
 * (y, yes, on, off …) that yaml.v3, so sops, quotes when it writes them.
 */
const RESERVED = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
export const YAML11_BOOL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
/** Only characters numbers are made of (`0x1F`, `.inf`, `1e5`, `0o17`, `-1.5`): left to the library. */
const NUMBERISH = /^[0-9a-fA-FxXoOiInN.+_-]+$/;

function isPlain(s: string): boolean {
  return (
    PLAIN.test(s) &&
    !s.endsWith(":") &&
    !RESERVED.test(s) &&
    !YAML11_BOOL.test(s) &&
    !(NUMBERISH.test(s) && /^[0-9.]/.test(s)) &&
    !goYamlNumber(s)
  );
}

/**
 * Strings yaml.v3 (so sops) reads as numbers though YAML 1.2 does not: it drops every `_` and parses the rest
 * as Go does (`0_`, `1_000`, `0b101`), so they must be quoted to stay strings.
 */
export function goYamlNumber(s: string): boolean {
  const p = s.replaceAll("_", "");
  if (p === s && !/^[-+]?0[bB]/.test(s)) return false;
  return (
    /^[-+]?(0[bB][01]+|0[oO]?[0-7]+|0[xX][0-9a-fA-F]+|[0-9]+)$/.test(p) ||
    /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(p)
  );
}
