import { createRequire } from "node:module";
import { goString, sprintf } from "./format.js";

// `yaml` is loaded on the first toYaml call: evaluating it costs every command ~6 ms at start-up.
const require = createRequire(import.meta.url);
const stringify = (v: unknown): string => (require("yaml") as typeof import("yaml")).stringify(v);

/** A template function: receives evaluated arguments, returns a value or throws an Error. */
export type TemplateFunc = (...args: unknown[]) => unknown;

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v as object).length > 0;
  return true;
}

function str(v: unknown): string {
  return v === undefined || v === null ? "" : goString(v);
}

function eq(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (typeof a !== typeof b) {
    if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
    throw new Error(`incompatible types for comparison: ${typeof a} and ${typeof b}`);
  }
  if (typeof a === "object" && a !== null) throw new Error("non-comparable type in eq");
  return a === b;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`incompatible types for comparison: ${typeof a} and ${typeof b}`);
}

function length(v: unknown): number {
  if (typeof v === "string") return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (v && typeof v === "object") return Object.keys(v).length;
  throw new Error(`len of ${v === null || v === undefined ? "nil" : typeof v}`);
}

function index(v: unknown, ...keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (Array.isArray(cur)) {
      if (typeof k !== "number" || k < 0 || k >= cur.length)
        throw new Error(`index out of range: ${String(k)}`);
      cur = cur[k];
    } else if (cur && typeof cur === "object") {
      cur = (cur as Record<string, unknown>)[String(k)];
    } else if (cur === undefined || cur === null) {
      throw new Error("index of untyped nil");
    } else {
      throw new Error(`can't index item of type ${typeof cur}`);
    }
  }
  return cur;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
function print(...args: unknown[]): string {
  let out = "";
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += goString(a);
  });
  return out;
}

function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase());
}

function toList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  throw new Error(`cannot join ${typeof v}`);
}

/** The functions templates can call: Go's builtins and the Sprig subset seen in stacks. */
export function builtinFunctions(env: Record<string, string | undefined>): Record<string, TemplateFunc> {
  return {
    and: (...a) => a.find((x) => !truthy(x)) ?? a.at(-1),
    or: (...a) => a.find((x) => truthy(x)) ?? a.at(-1),
    not: (a) => !truthy(a),
    eq: (a, ...bs) => bs.some((b) => eq(a, b)),
    ne: (a, b) => !eq(a, b),
    lt: (a, b) => compare(a, b) < 0,
    le: (a, b) => compare(a, b) <= 0,
    gt: (a, b) => compare(a, b) > 0,
    ge: (a, b) => compare(a, b) >= 0,
    len: length,
    index,
    print,
    println: (...a) => a.map((x) => goString(x)).join(" ") + "\n",
    printf: (f, ...a) => sprintf(str(f), a),
    default: (d, ...v) => (v.length === 0 || !truthy(v[0]) ? d : v[0]),
    required: (msg, v) => {
      if (v === undefined || v === null || v === "") throw new Error(str(msg));
      return v;
    },
    empty: (v) => !truthy(v),
    coalesce: (...a) => a.find((x) => truthy(x)) ?? null,
    upper: (s) => str(s).toUpperCase(),
    lower: (s) => str(s).toLowerCase(),
    title: (s) => title(str(s)),
    trim: (s) => str(s).trim(),
    trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
    trimSuffix: (p, s) => (str(p) && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
    replace: (o, n, s) => str(s).split(str(o)).join(str(n)),
    contains: (sub, s) => str(s).includes(str(sub)),
    hasPrefix: (p, s) => str(s).startsWith(str(p)),
    hasSuffix: (p, s) => str(s).endsWith(str(p)),
    split: (sep, s) =>
      Object.fromEntries(
        str(s)
          .split(str(sep))
          .map((part, i) => [`_${i}`, part]),
      ),
    join: (sep, l) => toList(l).map(str).join(str(sep)),
    list: (...a) => a,
    dict: (...a) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < a.length; i += 2) out[str(a[i])] = i + 1 < a.length ? a[i + 1] : "";
      return out;
    },
    toJson: (v) => JSON.stringify(v ?? null),
    toYaml: (v) => stringify(v ?? null).replace(/\n$/, ""),
    quote: (...a) =>
      a
        .filter((x) => x !== undefined && x !== null)
        .map((x) => JSON.stringify(str(x)))
        .join(" "),
    squote: (...a) =>
      a
        .filter((x) => x !== undefined && x !== null)
        .map((x) => `'${str(x)}'`)
        .join(" "),
    env: (name) => env[str(name)] ?? "",
    expandenv: (s) =>
      str(s).replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a?: string, b?: string) => env[(a ?? b)!] ?? ""),
    fail: (msg) => {
      throw new Error(str(msg));
    },
    toString: (v: unknown) => str(v),
    hasKey: (m, k) =>
      m !== null && typeof m === "object" && !Array.isArray(m) ? Object.hasOwn(m, str(k)) : false,
    keys: (...maps) => maps.flatMap((m) => (m && typeof m === "object" ? Object.keys(m) : [])).sort(),
    get: (m, k) => (m && typeof m === "object" ? ((m as Record<string, unknown>)[str(k)] ?? "") : ""),
    ternary: (a, b, cond) => (truthy(cond) ? a : b),
    splitList: (sep, s) => str(s).split(str(sep)),
    int: (v) => Math.trunc(Number(v) || 0),
    add: (...a) => a.reduce((x: number, y) => x + Number(y), 0),
    sub: (a, b) => Number(a) - Number(b),
  };
}
