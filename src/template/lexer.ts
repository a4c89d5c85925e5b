import { TemplateError } from "./template-error.js";

/** One token inside `{{ … }}`. */
export type Token =
  | { t: "text"; value: string; line: number }
  | { t: "open"; line: number }
  | { t: "close"; line: number }
  | { t: "ident"; value: string; line: number }
  | { t: "field"; value: string[]; line: number; attached: boolean }
  | { t: "var"; value: string; line: number }
  | { t: "string" | "number" | "bool" | "nil"; value: unknown; line: number }
  | { t: "punct"; value: "(" | ")" | "|" | ":=" | "=" | ","; line: number };

const LEFT = "{{";
const RIGHT = "}}";

/** Splits template source into text and action tokens, applying `{{-` / `-}}` trimming. */
export function lex(src: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let line = 1;
  let trimNextText = false;
  while (pos < src.length) {
    const open = src.indexOf(LEFT, pos);
    let text = open < 0 ? src.slice(pos) : src.slice(pos, open);
    const trimLeft = open >= 0 && src[open + 2] === "-" && /\s/.test(src[open + 3] ?? "");
    if (trimNextText) text = text.replace(/^\s+/, "");
    if (trimLeft) text = text.replace(/\s+$/, "");
    if (text) out.push({ t: "text", value: text, line });
    line += countLines(open < 0 ? src.slice(pos) : src.slice(pos, open));
    if (open < 0) break;
    pos = open + 2 + (trimLeft ? 2 : 0);
    if (src.startsWith("/*", skipSpace(src, pos))) {
      const end = src.indexOf("*/", pos);
      const close = end < 0 ? -1 : src.indexOf(RIGHT, end);
      if (close < 0) throw new TemplateError("unclosed comment", line);
      trimNextText = src[close - 1] === "-" && /\s/.test(src[close - 2] ?? "");
      line += countLines(src.slice(pos, close));
      pos = close + 2;
      continue;
    }
    out.push({ t: "open", line });
    const res = lexAction(src, pos, line, out);
    pos = res.pos;
    line = res.line;
    trimNextText = res.trim;
    out.push({ t: "close", line });
  }
  return out;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

function skipSpace(src: string, pos: number): number {
  while (pos < src.length && /\s/.test(src[pos]!)) pos++;
  return pos;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const FIELD_CHAIN = /(?:\.[A-Za-z_][A-Za-z0-9_-]*)+/y;
const NUMBER = /[-+]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)/y;

function lexAction(src: string, start: number, startLine: number, out: Token[]) {
  let pos = start;
  let line = startLine;
  for (;;) {
    while (pos < src.length && /\s/.test(src[pos]!)) {
      if (src[pos] === "\n") line++;
      pos++;
    }
    if (pos >= src.length) throw new TemplateError("unclosed action", startLine);
    if (src.startsWith("-}}", pos) && /\s/.test(src[pos - 1] ?? ""))
      return { pos: pos + 3, line, trim: true };
    if (src.startsWith(RIGHT, pos)) return { pos: pos + 2, line, trim: false };
    const c = src[pos]!;
    if (c === "(" || c === ")" || c === "|" || c === ",") {
      out.push({ t: "punct", value: c, line });
      pos++;
    } else if (src.startsWith(":=", pos)) {
      out.push({ t: "punct", value: ":=", line });
      pos += 2;
    } else if (c === "=") {
      out.push({ t: "punct", value: "=", line });
      pos++;
    } else if (c === '"') {
      const end = scanQuoted(src, pos, line);
      out.push({ t: "string", value: JSON.parse(src.slice(pos, end).replace(/\\'/g, "'")), line });
      pos = end;
    } else if (c === "`") {
      const end = src.indexOf("`", pos + 1);
      if (end < 0) throw new TemplateError("unterminated raw string", line);
      const raw = src.slice(pos + 1, end);
      out.push({ t: "string", value: raw, line });
      line += countLines(raw);
      pos = end + 1;
    } else if (c === "'") {
      const m = /'(\\.|[^'\\])'/y;
      m.lastIndex = pos;
      const r = m.exec(src);
      if (!r) throw new TemplateError("malformed character constant", line);
      const ch = r[1]!.startsWith("\\") ? JSON.parse(`"${r[1]}"`) : r[1]!;
      out.push({ t: "number", value: (ch as string).codePointAt(0), line });
      pos += r[0].length;
    } else if (c === "$") {
      IDENT.lastIndex = pos + 1;
      const r = IDENT.exec(src);
      const name = r && r.index === pos + 1 ? r[0] : "";
      out.push({ t: "var", value: "$" + name, line });
      pos += 1 + name.length;
      pos = pushFieldChain(src, pos, line, out);
    } else if (c === ".") {
      FIELD_CHAIN.lastIndex = pos;
      const r = FIELD_CHAIN.exec(src);
      if (r && r.index === pos) {
        // Attached to what precedes it: `(…).x`, or a namespace (`atmos.Component`, `strings.ToUpper`).
        const attached = src[pos - 1] === ")" || /[A-Za-z0-9_]/.test(src[pos - 1] ?? "");
        out.push({ t: "field", value: r[0].slice(1).split("."), line, attached });
        pos += r[0].length;
      } else if (/[0-9]/.test(src[pos + 1] ?? "")) {
        pos = pushNumber(src, pos, line, out);
      } else {
        out.push({ t: "field", value: [], line, attached: false });
        pos++;
      }
    } else if (/[-+0-9]/.test(c)) {
      pos = pushNumber(src, pos, line, out);
    } else {
      IDENT.lastIndex = pos;
      const r = IDENT.exec(src);
      if (!r || r.index !== pos) throw new TemplateError(`unexpected "${c}" in action`, line);
      const word = r[0];
      if (word === "true" || word === "false") out.push({ t: "bool", value: word === "true", line });
      else if (word === "nil") out.push({ t: "nil", value: null, line });
      else out.push({ t: "ident", value: word, line });
      pos += word.length;
    }
  }
}

function pushFieldChain(src: string, pos: number, line: number, out: Token[]): number {
  FIELD_CHAIN.lastIndex = pos;
  const r = FIELD_CHAIN.exec(src);
  if (r && r.index === pos) {
    out.push({ t: "field", value: r[0].slice(1).split("."), line, attached: true });
    return pos + r[0].length;
  }
  return pos;
}

function pushNumber(src: string, pos: number, line: number, out: Token[]): number {
  NUMBER.lastIndex = pos;
  const r = NUMBER.exec(src);
  if (!r || r.index !== pos)
    throw new TemplateError(`bad number syntax near "${src.slice(pos, pos + 8)}"`, line);
  out.push({ t: "number", value: Number(r[0]), line });
  return pos + r[0].length;
}

function scanQuoted(src: string, pos: number, line: number): number {
  let i = pos + 1;
  while (i < src.length) {
    const ch = src[i];
    if (ch === "\\") i += 2;
    else if (ch === '"') return i + 1;
    else if (ch === "\n") break;
    else i++;
  }
  throw new TemplateError("unterminated quoted string", line);
}
