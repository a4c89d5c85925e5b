// The yq expressions Atmos users write after `!terraform.output` / `!terraform.state` and `!secret … | path`:
// a path (`.a.b`, `.list[0]`, `.map["key"]`, `."key"`) and the alternative operator (`… // default`). Any other
// yq operator is an error that says so — never a wrong value.

/** Evaluates `expr` on `data`; undefined when the path leads nowhere (and no default is given). */
export function evaluatePath(data: unknown, expr: string): unknown {
  const alternatives = splitAlternatives(expr);
  for (let i = 0; i < alternatives.length; i++) {
    const part = alternatives[i]!.trim();
    const last = i === alternatives.length - 1;
    if (!part.startsWith(".") && !part.startsWith("[")) {
      if (last && i > 0) return literal(part);
      throw new Error(`"${part}" is not a path (paths start with ".")`);
    }
    const v = walk(data, part);
    if (v !== undefined && v !== null && v !== false) return v;
    if (last) return v;
  }
  return undefined;
}

function splitAlternatives(expr: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote = "";
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "/" && expr[i + 1] === "/") {
      out.push(cur);
      cur = "";
      i++;
      continue;
    } else if (ch === "|")
      throw new Error(`yq pipes ("|") are not supported in "${expr}"; use a path, with // for a default`);
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** A default after `//`: a JSON literal ("text", 1, true, null, [..], {..}), or a bare word as text. */
function literal(s: string): unknown {
  if (s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1);
  try {
    return JSON.parse(s) as unknown;
  } catch {
    if (/^[\w.-]+$/.test(s)) return s;
    throw new Error(`cannot read the default ${s}: write it as JSON ("text", 1, [..], {..})`);
  }
}

const SEGMENT = /^(?:\.([A-Za-z_][\w-]*)|\."((?:[^"\\]|\\.)*)"|\[(-?\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?\[\])/;

function walk(data: unknown, path: string): unknown {
  let rest = path === "." ? "" : path;
  let v = data;
  while (rest) {
    const m = SEGMENT.exec(rest);
    if (!m)
      throw new Error(`cannot read the path "${path}" at "${rest}" (supported: .a.b, .list[0], .map["key"])`);
    rest = rest.slice(m[0].length);
    if (m[0].endsWith("[]")) throw new Error(`"[]" (every element) is not supported in "${path}"`);
    const key = m[1] ?? m[2] ?? m[4];
    if (v === null || v === undefined) return undefined;
    if (key !== undefined) {
      if (typeof v !== "object" || Array.isArray(v)) return undefined;
      v = (v as Record<string, unknown>)[key];
    } else {
      if (!Array.isArray(v)) return undefined;
      const i = Number(m[3]);
      v = v[i < 0 ? v.length + i : i];
    }
  }
  return v;
}
