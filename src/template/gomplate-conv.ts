import { goString } from "./format.js";
import { truthy, type TemplateFunc } from "./functions.js";

// Gomplate (v3, the one Atmos embeds) converts most arguments loosely, the way its `conv` package does; a
// parameter it declares with a Go type (`string`, `int`, a map) is checked by text/template instead, which
// refuses a value of another type. Both rules live here, so every namespace converts the same way.

/** The Go type text/template names for a value in a "wrong type" error. */
export function goType(v: unknown): string {
  if (v === undefined || v === null) return "<nil>";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** A parameter Go declares as `string`: anything else is refused, as text/template refuses it. */
export function needString(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) throw new Error("invalid value; expected string");
  throw new Error(`wrong type for value; expected string; got ${goType(v)}`);
}

/** A parameter Go declares as `int`. */
export function needInt(v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (v === undefined || v === null) throw new Error("invalid value; expected int");
  throw new Error(`wrong type for value; expected int; got ${goType(v)}`);
}

/** A parameter Go declares as `map[string]interface {}`. */
export function needMap(v: unknown): Record<string, unknown> {
  if (isMap(v)) return v;
  if (v === undefined || v === null) throw new Error("invalid value; expected map[string]interface {}");
  throw new Error(`wrong type for value; expected map[string]interface {}; got ${goType(v)}`);
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** conv.ToString: strings as they are, nil as "nil", anything else as fmt.Sprint prints it. */
export function toStr(v: unknown): string {
  if (v === undefined || v === null) return "nil";
  return goString(v);
}

/** Go's strconv.ParseInt with base 0 (0x, 0o, 0b and a leading 0 for octal; `_` between digits). */
export function parseGoInt(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(s);
  if (!m) return undefined;
  let body = m[2]!;
  if (body.includes("_")) {
    if (!/^0[xXoObB]?_?([0-9a-fA-F]+_)*[0-9a-fA-F]+$|^[1-9](_?[0-9])*$/.test(body)) return undefined;
    body = body.replace(/_/g, "");
  }
  let n: number;
  if (/^0[xXoObB]/.test(body)) n = Number(body);
  else if (body.length > 1 && body.startsWith("0")) n = parseInt(body.slice(1), 8);
  else n = Number(body);
  return m[1] === "-" ? -n : n;
}

/** Go's strconv.ParseFloat, for the decimal, exponent, Inf and NaN forms. */
function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s.replace(/_/g, ""));
}

/** conv.ToFloat64: numbers, numeric strings (commas ignored), booleans as 1/0, anything else 0. */
export function toFloat(v: unknown): number {
  if (typeof v === "string") {
    const s = v.replace(/,/g, "");
    return parseGoInt(s) ?? parseGoFloat(s) ?? 0;
  }
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return 0;
}

/** conv.ToInt64: as toFloat, then truncated toward zero. */
export function toInt(v: unknown): number {
  const f = toFloat(v);
  return Number.isFinite(f) ? Math.trunc(f) : 0;
}

/** conv.ToBool: true, "1", "t", "true", "yes" (any case), and anything that converts to the number 1. */
export function toBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.toLowerCase();
    return s === "1" || s === "t" || s === "true" || s === "yes" || toFloat(s) === 1;
  }
  return typeof v === "number" && v === 1;
}

/** A list argument, as gomplate's InterfaceSlice accepts it. */
export function toList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new Error(`expected an array or slice, but got ${goType(v)}`);
}

/** reflect.DeepEqual on the values a YAML document holds. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/** Go's strconv.ParseBool. */
function parseBool(s: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}

/** Whether a collection holds a key (maps) or an element (lists), as conv.Has / coll.Has answer. */
export function has(coll: unknown, key: unknown): boolean {
  if (isMap(coll)) return typeof key === "string" && Object.hasOwn(coll, key);
  if (Array.isArray(coll)) return coll.some((x) => deepEqual(x, key));
  return false;
}

/** conv.Join: a list's elements as strings, joined by a separator. */
export function join(list: unknown, sep: unknown): string {
  const s = needString(sep);
  if (!Array.isArray(list)) throw new Error("input to Join must be an array");
  return list.map(toStr).join(s);
}

/** gomplate's `conv` namespace. */
export function convFunctions(): Record<string, TemplateFunc> {
  return {
    "conv.Bool": (s) => (s === undefined || s === null ? false : (parseBool(toStr(s)) ?? false)),
    "conv.ToBool": (v) => toBool(v),
    "conv.ToBools": (...a) => a.map(toBool),
    "conv.ToInt": (v) => toInt(v),
    "conv.ToInt64": (v) => toInt(v),
    "conv.ToInts": (...a) => a.map(toInt),
    "conv.ToInt64s": (...a) => a.map(toInt),
    "conv.ToFloat64": (v) => toFloat(v),
    "conv.ToFloat64s": (...a) => a.map(toFloat),
    "conv.ToString": (v) => toStr(v),
    "conv.ToStrings": (...a) => a.map(toStr),
    "conv.Atoi": (s) => {
      const n = parseGoInt(toStr(s));
      return n !== undefined && !/^[+-]?0[xXoObB]|^[+-]?0\d|_/.test(toStr(s)) ? n : 0;
    },
    "conv.ParseInt": (s, base, bits) => {
      needInt(bits);
      const b = needInt(base);
      const text = toStr(s);
      if (b === 0) return parseGoInt(text) ?? 0;
      const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, b);
      return b >= 2 && b <= 36 && new RegExp(`^[+-]?[${digits}]+$`, "i").test(text) ? parseInt(text, b) : 0;
    },
    "conv.ParseFloat": (s, bits) => {
      needInt(bits);
      const text = toStr(s);
      return parseGoFloat(text) ?? parseGoInt(text) ?? 0;
    },
    "conv.Default": (def, v) => (truthy(v) ? v : def),
    "conv.Join": (list, sep) => join(list, sep),
    "conv.Has": (coll, key) => has(coll, needString(key)),
    "conv.Slice": (...a) => a,
    "conv.Dict": (...a) => dict(a),
  };
}

/** coll.Dict: key, value, key, value…; a key without a value gets "". */
export function dict(a: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < a.length; i += 2) out[toStr(a[i])] = i + 1 < a.length ? a[i + 1] : "";
  return out;
}
