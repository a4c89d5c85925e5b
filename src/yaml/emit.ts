/**
 * A fast YAML writer for plain data (maps, lists, strings, numbers, booleans, null): the block style the
 * `yaml` library writes with `lineWidth: 0` — two-space indents, indented lists, `{}`/`[]` for empty
 * collections, plain scalars where they read back as the same string, literal blocks for multi-line
 * strings — built by string concatenation instead of a document tree (≈ 10× faster on describe output).
 *
 * The style is pinned, and differs from the library's on purpose in a few places (docs/yaml-output.md):
 * - strings that a YAML 1.1 reader (PyYAML, go-yaml v2, older tools) would take for a bool, null, number,
 *   timestamp or merge key (`yes`, `off`, `y`, `0b11`, `1_000`, `1:30`, `2024-01-02`, `<<`, `=`) are quoted;
 * - U+0080–U+009F, U+2028, U+2029 and U+FEFF are escaped in double quotes (line breaks or a BOM to some
 *   readers), and strings starting with a document marker (`---`, `...`) are quoted;
 * - a double-quoted string stays on one line, and a key longer than 1024 characters is written as an
 *   explicit `? key` / `: value` pair even when its value is null.
 * test/yaml-emit.test.ts holds it to these rules: every value reads back equal (with `yaml`, YAML 1.2
 * core), and the output is byte-identical to the library's wherever none of the rules above applies.
 */

/** The YAML text of `data` (ending in a newline), or undefined when it is not plain data: the caller falls back. */
export function emitYaml(data: unknown): string | undefined {
  if (!isCollection(data)) return undefined;
  try {
    const out = block(data, "");
    return out + "\n";
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

const NOT_PLAIN = Symbol("not plain data");

type Plain = Record<string, unknown> | unknown[];

function isCollection(v: unknown): v is Plain {
  if (Array.isArray(v)) return true;
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isEmpty(v: Plain): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if (v[k] !== undefined) return false;
  return true;
}

/**
 * A non-empty collection as block lines at `indent` (the first line without its indent: the caller
 * writes what precedes it), lines joined by newlines, no trailing newline.
 */
function block(v: Plain, indent: string): string {
  if (isEmpty(v)) return Array.isArray(v) ? "[]" : "{}";
  const inner = indent + "  ";
  let out = "";
  let first = true;
  if (Array.isArray(v)) {
    for (const item of v) {
      out += (first ? "" : "\n" + indent) + "- " + inline(item, inner);
      first = false;
    }
    return out;
  }
  for (const key in v) {
    const value = v[key];
    if (value === undefined) continue;
    const k = scalarString(key, inner, true);
    out += first ? "" : "\n" + indent;
    first = false;
    if (k.length > 1024) {
      out += "? " + k + "\n" + indent + ": " + inline(value, inner);
    } else if (isCollection(value) && !isEmpty(value)) {
      // A list under a key is indented one step; a map starts on the next line at the inner indent.
      out += k + ":\n" + inner + block(value, inner);
    } else {
      out += k + ": " + inline(value, inner);
    }
  }
  return out;
}

/** A value after `- ` or `key: `, with `indent` the indent of its own lines. */
function inline(v: unknown, indent: string): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return scalarString(v, indent, false);
    case "number":
      return number(v);
    case "boolean":
      return v ? "true" : "false";
    case "object":
      if (isCollection(v)) return block(v, indent);
  }
  throw NOT_PLAIN;
}

function number(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? ".nan" : n < 0 ? "-.inf" : ".inf";
  return Object.is(n, -0) ? "-0" : JSON.stringify(n);
}

// Characters the library forces into double quotes (control characters), plus those
// this style escapes for other readers (C1 controls, U+2028, U+2029, U+FEFF).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const MUST_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// What a plain scalar may not look like: an indicator first, `- `/`? ` first, `: ` or ` #` inside,
// blanks at either end, a trailing `:` (the library's rule), or a document marker at the start (ours).
const NOT_PLAIN_TEXT =
  /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$|^(?:---|\.\.\.)/;
// YAML 1.2 core schema: what a plain scalar would resolve to instead of a string.
const CORE_NON_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
// YAML 1.1 (its type repository, as PyYAML, go-yaml v2 and the `yaml` library's 1.1 schema read it):
// bools, ints in base 2/8/10/16 with `_`, floats (an exponent alone too), base 60, timestamps, merge
// and value keys.
const YAML11_NON_STRING =
  /^(?:[yYnN]|[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF|[-+]?0b[01_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[eE][-+]?[0-9]+|<<|=)$|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

// Describe output repeats the same keys and values thousands of times: each is classified once. A
// rendering is independent of the indent except for a literal block (never cached).
const renderedKeys = new Map<string, string>();
const renderedValues = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/** A string scalar: plain when it reads back as itself, else quoted or (values only) a literal block. */
function scalarString(s: string, indent: string, key: boolean): string {
  const cache = key ? renderedKeys : renderedValues;
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  const out = classify(s, indent, key);
  if (out.charCodeAt(0) !== 124 /* | */ && s.length < 200) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(s, out);
  }
  return out;
}

function classify(s: string, indent: string, key: boolean): string {
  if (LONE_SURROGATE.test(s)) throw NOT_PLAIN; // no YAML reader gives it back: the library's fallback writes it
  if (MUST_ESCAPE.test(s)) return doubleQuoted(s);
  if (s === "" || NOT_PLAIN_TEXT.test(s) || s.includes("\n")) {
    if (s.includes("\n")) return key || /\n[\t ]+$/.test(s) ? quoted(s) : literalBlock(s, indent);
    return quoted(s);
  }
  if (CORE_NON_STRING.test(s) || YAML11_NON_STRING.test(s)) return quoted(s);
  return s;
}

/** Single quotes for a one-line string with `"` and no `'` (as the library picks), else double quotes. */
function quoted(s: string): string {
  if (!s.includes("\n") && s.includes('"') && !s.includes("'")) return "'" + s + "'";
  return doubleQuoted(s);
}

// JSON's escapes are YAML's; YAML has short forms for some that JSON writes as \u00XX.
const SHORT_ESCAPES: Record<string, string> = {
  "0000": "\\0",
  "0007": "\\a",
  "000b": "\\v",
  "001b": "\\e",
};
const EXTRA_ESCAPES: Record<string, string> = {
  "\u0085": "\\N",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

/** A one-line double-quoted scalar: JSON's escapes in YAML's short forms, a space before `\n` escaped. */
function doubleQuoted(s: string): string {
  const json = JSON.stringify(s);
  return json.replace(
    / (?=\\n)|\\u([0-9a-f]{4})|\\[^u]|[\x7f-\x9f\u2028\u2029\ufeff]/g,
    (m: string, code?: string) => {
      if (m === " ") return "\\ ";
      if (code !== undefined)
        return SHORT_ESCAPES[code] ?? (code.startsWith("00") ? "\\x" + code.slice(2) : m);
      if (m.length === 2) return m;
      return EXTRA_ESCAPES[m] ?? (m === "\ufeff" ? "\\uFEFF" : "\\x" + m.charCodeAt(0).toString(16));
    },
  );
}

/**
 * A literal block (`|`, `|-`, `|+`, with an indentation indicator when the text starts with a space) whose
 * lines sit at `indent`: the chomping and indicator rules of the library's block writer.
 */
function literalBlock(s: string, indent: string): string {
  let value = s;
  let endStart = value.length;
  while (endStart > 0 && " \t\n".includes(value[endStart - 1]!)) endStart--;
  let end = value.slice(endStart);
  const endNl = end.indexOf("\n");
  const chomp = endNl === -1 ? "-" : value === end || endNl !== end.length - 1 ? "+" : "";
  if (end) {
    value = value.slice(0, -end.length);
    if (end.endsWith("\n")) end = end.slice(0, -1);
    end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${indent}`);
  }
  let startsWithSpace = false;
  let lastNl = -1;
  let i = 0;
  for (; i < value.length; i++) {
    const ch = value[i];
    if (ch === " ") startsWithSpace = true;
    else if (ch === "\n") lastNl = i;
    else break;
  }
  let start = value.slice(0, lastNl + 1);
  if (start) {
    value = value.slice(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startsWithSpace ? "2" : "") + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
