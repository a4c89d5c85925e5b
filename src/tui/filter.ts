// The `/` filter: a regular expression over `namespace/name`, or `-l` and a label selector as kubectl takes
// it (`app=web,tier!=db,env in (prod,stage),!legacy`). Any text the user types is a filter: one that is not a
// valid regex is matched as plain text and says so; a selector that does not parse says where.
import type { Item } from "./model.js";

export interface Filter {
  text: string;
  test: (item: Item) => boolean;
  /** Said in the status line: why the text is not taken as typed. */
  note?: string;
}

type Term = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

/** Splits on commas outside parentheses. */
function terms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim());
}

/** One selector term, or the reason it is not one. */
function term(t: string): Term | string {
  let m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(t);
  if (m) {
    const [, k, op, v] = m as unknown as [string, string, string, string];
    if (!KEY.test(k)) return `"${k}" is not a label key`;
    return op === "!=" ? (l) => l[k] !== v : (l) => l[k] === v;
  }
  m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(t);
  if (m) {
    const [, k, op, vs] = m as unknown as [string, string, string, string];
    if (!KEY.test(k)) return `"${k}" is not a label key`;
    const set = new Set(vs.split(",").map((v) => v.trim()));
    return op === "in"
      ? (l) => l[k] !== undefined && set.has(l[k])
      : (l) => l[k] === undefined || !set.has(l[k]);
  }
  if (t.startsWith("!") && KEY.test(t.slice(1))) return (l) => l[t.slice(1)] === undefined;
  if (KEY.test(t)) return (l) => l[t] !== undefined;
  return `"${t}" is not a selector term (key=value, key!=value, key in (a,b), key, !key)`;
}

/** A label selector as a predicate, or the reason it does not parse. */
export function labelSelector(s: string): Term | { error: string } {
  const parsed = terms(s).map(term);
  const bad = parsed.find((p): p is string => typeof p === "string");
  if (bad !== undefined) return { error: bad };
  const fns = parsed as Term[];
  return (l) => fns.every((f) => f(l));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The filter for what was typed after `/`; never throws. */
export function parseFilter(text: string): Filter {
  const trimmed = text.trim();
  if (!trimmed) return { text, test: () => true };
  const sel = /^-l(?:\s+|$)(.*)$/s.exec(trimmed);
  if (sel) {
    if (!sel[1]!.trim()) return { text, test: () => true, note: "-l: type a selector, e.g. app=web" };
    const s = labelSelector(sel[1]!);
    if ("error" in s) return { text, test: () => true, note: `-l: ${s.error}` };
    return { text, test: (item) => s(item.labels) };
  }
  let re: RegExp;
  let note: string | undefined;
  try {
    re = new RegExp(trimmed, "i");
  } catch (e) {
    re = new RegExp(escape(trimmed), "i");
    note = `not a regex (${(e as Error).message.replace(/^Invalid regular expression: /, "")}): matched as text`;
  }
  return {
    text,
    note,
    test: (item) => re.test(item.namespace ? `${item.namespace}/${item.name}` : item.name),
  };
}
