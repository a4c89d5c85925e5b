import type { TemplateFunc } from "./functions.js";
import { needInt, needString, toInt, toStr } from "./gomplate-conv.js";

// gomplate's `strings` namespace. Its subject comes last, so `.x | strings.Foo a` reads naturally; Go
// counts lengths in bytes, so these work on bytes where gomplate does (Trunc, Abbrev, WordWrap).

const bytes = (s: string) => Buffer.from(s, "utf8");
const byteLength = (s: string) => Buffer.byteLength(s, "utf8");
const byteSlice = (s: string, from: number, to?: number) => bytes(s).subarray(from, to).toString("utf8");

/** Go's %q: a double-quoted string with Go's escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (GO_ESCAPES[ch]) out += GO_ESCAPES[ch];
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else if (!/\p{L}|\p{M}|\p{N}|\p{P}|\p{S}| /u.test(ch))
      out += c > 0xffff ? "\\U" + c.toString(16).padStart(8, "0") : "\\u" + c.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}
const GO_ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
};

const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;
const MID = /[.:·]/u;
const WORDISH = /[\p{L}\p{N}\p{M}_]/u;

/**
 * golang.org/x/text's title caser (what strings.Title uses): the first cased letter of a word is upper
 * case, the rest lower; a word ends at a character that is neither a letter, digit, mark nor `_` (so at
 * `'` too), or at a `.` or `:` that is followed by another.
 */
export function titleCase(s: string): string {
  let out = "";
  let midWord = false;
  let prevMid = false;
  for (const ch of s) {
    const mid = MID.test(ch);
    if (prevMid && mid) midWord = false;
    if (CASED.test(ch)) {
      out += midWord ? ch.toLowerCase() : ch.toUpperCase();
      midWord = true;
    } else {
      out += ch;
      if (!mid && !WORDISH.test(ch)) midWord = false;
    }
    prevMid = mid;
  }
  return out;
}

function abbrev(str: string, offset: number, maxWidth: number): string {
  const len = byteLength(str);
  if (str === "" || len <= maxWidth) return str;
  if (maxWidth < 4) throw new Error("stringutils illegal argument: Minimum abbreviation width is 4");
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return byteSlice(str, 0, maxWidth - 3) + "...";
  if (maxWidth < 7)
    throw new Error("stringutils illegal argument: Minimum abbreviation width with offset is 7");
  if (offset + maxWidth - 3 < len) return "..." + abbrev(byteSlice(str, offset), 0, maxWidth - 3);
  return "..." + byteSlice(str, len - (maxWidth - 3));
}

/** goutils.WrapCustom without breaking long words, as strings.WordWrap calls it. */
function wordWrap(str: string, width: number, lb: string): string {
  if (str === "") return "";
  const b = bytes(str);
  const at = (from: number, to?: number) => b.subarray(from, to).toString("utf8");
  width = Math.max(1, width);
  let offset = 0;
  let out = "";
  while (b.length - offset > width) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const space = b.subarray(offset, width + offset + 1).lastIndexOf(0x20);
    if (space >= 0) {
      out += at(offset, offset + space) + lb;
      offset += space + 1;
    } else {
      const next = b.indexOf(0x20, width + offset);
      if (next < 0) {
        out += at(offset);
        offset = b.length;
      } else {
        out += at(offset, next) + lb;
        offset = next + 1;
      }
    }
  }
  return out + at(offset);
}

function indent(args: unknown[]): string {
  const input = toStr(args.at(-1));
  let pad = " ";
  let width = 1;
  const intArg = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  if (args.length === 2) {
    if (typeof args[0] === "string") pad = args[0];
    else if (intArg(args[0])) width = args[0] as number;
    else throw new Error("indent: invalid arguments");
  } else if (args.length === 3) {
    if (!intArg(args[0]) || typeof args[1] !== "string") throw new Error("indent: invalid arguments");
    width = args[0] as number;
    pad = args[1];
  }
  if (width <= 0 || pad.includes("\n")) return input;
  const prefix = pad.repeat(width);
  return input
    .split("\n")
    .map((line) => (line ? prefix + line : line))
    .join("\n");
}

/** gomplate's casePrepare: lower case but the first character, non-alphanumerics as spaces. */
function casePrepare(s: string): string {
  const t = s.trim();
  if (t === "") throw new Error("runtime error: index out of range [0] with length 0");
  const lower = t.toLowerCase();
  return lower
    .replace(lower[0]!, t[0]!)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function camelCase(s: string): string {
  const t = s.trim();
  if (t === "") throw new Error("runtime error: index out of range [0] with length 0");
  const titled = titleCase(t);
  return titled.replace(titled[0]!, t[0]!).replace(/[^\p{L}\p{N}]+/gu, "");
}

/** gosimple/slug for ASCII text: lower case words joined by `-`. */
function slug(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/&/g, " and ")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function sortStrings(list: unknown): string[] {
  if (!Array.isArray(list)) throw new Error(`wrong type for value; expected []string; got ${typeof list}`);
  return list.map(toStr).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** gomplate's `strings` namespace. */
export function stringsFunctions(): Record<string, TemplateFunc> {
  return {
    "strings.Abbrev": (...a) => {
      if (a.length < 2) throw new Error("abbrev requires a 'maxWidth' and 'input' argument");
      return a.length === 2
        ? abbrev(toStr(a[1]), 0, toInt(a[0]))
        : abbrev(toStr(a[2]), toInt(a[0]), toInt(a[1]));
    },
    "strings.CamelCase": (s) => camelCase(toStr(s)),
    "strings.Contains": (sub, s) => toStr(s).includes(needString(sub)),
    "strings.HasPrefix": (p, s) => toStr(s).startsWith(needString(p)),
    "strings.HasSuffix": (p, s) => toStr(s).endsWith(needString(p)),
    "strings.Indent": (...a) => indent(a),
    "strings.KebabCase": (s) => casePrepare(toStr(s)).replace(/\s+/g, "-"),
    "strings.Quote": (s) => goQuote(toStr(s)),
    "strings.Repeat": (n, s) => {
      const count = needInt(n);
      if (count < 0) throw new Error(`negative count ${count}`);
      return toStr(s).repeat(count);
    },
    "strings.ReplaceAll": (o, n, s) => toStr(s).split(needString(o)).join(needString(n)),
    "strings.RuneCount": (...a) => [...a.map(toStr).join("")].length,
    "strings.ShellQuote": (v) => {
      // gomplate v3 prints each element of a YAML list as `<interface {} Value>`: refused, not copied.
      if (Array.isArray(v))
        throw new Error("gomplate v3 quotes a list's elements as '<interface {} Value>'; quote each element");
      return `'${toStr(v).replace(/'/g, `'"'"'`)}'`;
    },
    "strings.Slug": (s) => slug(toStr(s)),
    "strings.SnakeCase": (s) => casePrepare(toStr(s)).replace(/\s+/g, "_"),
    "strings.Sort": (l) => sortStrings(l),
    "strings.Split": (sep, s) => splitGo(toStr(s), needString(sep), -1),
    "strings.SplitN": (sep, n, s) => splitGo(toStr(s), needString(sep), needInt(n)),
    "strings.Squote": (s) => `'${toStr(s).replace(/'/g, "''")}'`,
    "strings.Title": (s) => titleCase(toStr(s)),
    "strings.ToLower": (s) => toStr(s).toLowerCase(),
    "strings.ToUpper": (s) => toStr(s).toUpperCase(),
    "strings.Trim": (cut, s) => trimSet(toStr(s), needString(cut)),
    "strings.TrimPrefix": (p, s) => {
      const str = toStr(s);
      const pre = needString(p);
      return str.startsWith(pre) ? str.slice(pre.length) : str;
    },
    "strings.TrimSpace": (s) => toStr(s).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, ""),
    "strings.TrimSuffix": (p, s) => {
      const str = toStr(s);
      const suf = needString(p);
      return suf && str.endsWith(suf) ? str.slice(0, -suf.length) : str;
    },
    "strings.Trunc": (n, s) => {
      const len = needInt(n);
      const str = toStr(s);
      return len < 0 || byteLength(str) <= len ? str : byteSlice(str, 0, len);
    },
    "strings.WordWrap": (...a) => {
      if (a.length === 0 || a.length > 3) throw new Error(`expected 1, 2, or 3 args, got ${a.length}`);
      let width = 0;
      let lb = "";
      if (a.length === 2) {
        if (typeof a[0] === "string") lb = a[0];
        else width = toInt(a[0]);
      } else if (a.length === 3) {
        width = toInt(a[0]);
        lb = toStr(a[1]);
      }
      return wordWrap(toStr(a.at(-1)), width || 80, lb || "\n");
    },
  };
}

/** Go's strings.SplitN: an empty separator splits into characters; n < 0 means all. */
export function splitGo(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  const parts = sep === "" ? [...s] : s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  const head = parts.slice(0, n - 1);
  return [...head, parts.slice(n - 1).join(sep)];
}

/** Go's strings.Trim: every leading and trailing character that is in the cut set. */
export function trimSet(s: string, cut: string): string {
  const set = new Set(cut);
  const chars = [...s];
  let i = 0;
  let j = chars.length;
  while (i < j && set.has(chars[i]!)) i++;
  while (j > i && set.has(chars[j - 1]!)) j--;
  return chars.slice(i, j).join("");
}
