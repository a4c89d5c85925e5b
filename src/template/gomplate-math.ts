import type { TemplateFunc } from "./functions.js";
import { goType, isMap, needString, toBool, toFloat, toInt, toStr } from "./gomplate-conv.js";

// gomplate's `math` and `test` namespaces. gomplate computes in int64 unless an operand is a float (a
// non-integral number, or a string that parses only as a float); slipway's numbers do not keep Go's
// int/float distinction, so 2.0 counts as the integer 2.

/** Whether gomplate counts a value as an integer: a whole number, or a string ParseInt accepts. */
function isInt(v: unknown): boolean {
  if (typeof v === "number") return Number.isInteger(v);
  return typeof v === "string" && /^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9]\d*|0)$/.test(v);
}

function isFloat(v: unknown): boolean {
  if (typeof v === "number") return !Number.isInteger(v);
  if (typeof v !== "string" || isInt(v)) return false;
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(v);
}

const anyFloat = (a: unknown[]) => a.some(isFloat);

/** Go's int64 arithmetic wraps; JS numbers do not, so a result beyond 2^53 is refused rather than wrong. */
function exact(n: number): number {
  if (!Number.isSafeInteger(n))
    throw new Error(`integer result ${n} is beyond what slipway computes exactly`);
  return n;
}

function seq(a: unknown[]): number[] {
  if (a.length === 0) throw new Error("math.Seq must be given at least an 'end' value");
  const ints = a.map(toInt);
  const start = a.length === 1 ? 1 : ints[0]!;
  let end = a.length === 1 ? ints[0]! : ints[1]!;
  let step = a.length >= 3 ? ints[2]! : 1;
  if (step === 0) return [];
  if ((end < start && step > 0) || (end > start && step < 0)) step = -step;
  end -= (end - start) % step;
  const out = [start];
  for (let last = start; last !== end;) out.push((last += step));
  return out;
}

function extreme(a: unknown, rest: unknown[], pick: (x: number, y: number) => number): number {
  const all = [a, ...rest];
  const nums = anyFloat(all) ? all.map(toFloat) : all.map(toInt);
  return nums.reduce((x, y) => pick(x, y));
}

/** gomplate's `math` namespace. */
export function mathFunctions(): Record<string, TemplateFunc> {
  return {
    "math.Abs": (n) => (isInt(n) ? Math.abs(toInt(n)) : Math.abs(toFloat(n))),
    "math.Add": (...a) =>
      anyFloat(a)
        ? a.map(toFloat).reduce((x, y) => x + y, 0)
        : exact(a.map(toInt).reduce((x, y) => x + y, 0)),
    "math.Ceil": (n) => Math.ceil(toFloat(n)),
    "math.Div": (a, b) => {
      const d = toFloat(b);
      if (d === 0) throw new Error("error: division by 0");
      return toFloat(a) / d;
    },
    "math.Floor": (n) => Math.floor(toFloat(n)),
    "math.IsFloat": (n) => isFloat(n),
    "math.IsInt": (n) => isInt(n),
    "math.IsNum": (n) => isInt(n) || isFloat(n),
    "math.Max": (a, ...b) => extreme(a, b, Math.max),
    "math.Min": (a, ...b) => extreme(a, b, Math.min),
    "math.Mul": (...a) =>
      anyFloat(a)
        ? a.map(toFloat).reduce((x, y) => x * y, 1)
        : exact(a.map(toInt).reduce((x, y) => x * y, 1)),
    "math.Pow": (a, b) => {
      const r = Math.pow(toFloat(a), toFloat(b));
      return isFloat(a) ? r : exact(Math.trunc(r));
    },
    "math.Rem": (a, b) => {
      const d = toInt(b);
      if (d === 0) throw new Error("runtime error: integer divide by zero");
      return toInt(a) % d;
    },
    // Go rounds half away from zero; Math.round rounds half up.
    "math.Round": (n) => {
      const f = toFloat(n);
      return Math.sign(f) * Math.round(Math.abs(f));
    },
    "math.Seq": (...a) => seq(a),
    "math.Sub": (a, b) => (anyFloat([a, b]) ? toFloat(a) - toFloat(b) : exact(toInt(a) - toInt(b))),
  };
}

/** reflect's Kind name for a value, as test.Kind prints it. */
function kindOf(v: unknown): string {
  if (v === undefined || v === null) return "invalid";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "slice";
  return isMap(v) ? "map" : "invalid";
}

const NUMBER_KINDS = new Set(["int", "float64"]);

/** gomplate's `test` namespace. */
export function testFunctions(): Record<string, TemplateFunc> {
  const message = (v: unknown) => {
    if (typeof v !== "string") throw new Error(`at <1>: expected string; found ${goType(v)}`);
    return v;
  };
  return {
    "test.Assert": (...a) => {
      if (a.length === 0 || a.length > 2)
        throw new Error(`wrong number of args: want 1 or 2, got ${a.length}`);
      const msg = a.length === 2 ? message(a[0]) : "";
      if (!toBool(a.at(-1))) throw new Error(msg ? `assertion failed: ${msg}` : "assertion failed");
      return "";
    },
    "test.Fail": (...a) => {
      if (a.length > 1) throw new Error(`wrong number of args: want 0 or 1, got ${a.length}`);
      throw new Error(
        a.length === 1 ? `template generation failed: ${toStr(a[0])}` : "template generation failed",
      );
    },
    "test.IsKind": (k, v) => {
      const want = needString(k);
      const kind = kindOf(v);
      return want === "number" ? NUMBER_KINDS.has(kind) : kind === want;
    },
    "test.Kind": (v) => kindOf(v),
    "test.Required": (...a) => {
      if (a.length === 0 || a.length > 2)
        throw new Error(`wrong number of args: want 1 or 2, got ${a.length}`);
      const msg = a.length === 2 ? message(a[0]) : "";
      const v = a.at(-1);
      if (v === undefined || v === null || v === "")
        throw new Error(msg || "can not render template: a required value was not set");
      return v;
    },
    "test.Ternary": (t, f, b) => (toBool(b) ? t : f),
  };
}
