import type { TemplateFunc } from "./functions.js";
import {
  deepEqual,
  dict,
  goType,
  has,
  isMap,
  needMap,
  needString,
  toInt,
  toList,
  toStr,
} from "./gomplate-conv.js";

// gomplate's `coll` namespace.

function keysOf(maps: unknown[]): string[] {
  if (maps.length === 0) throw new Error("need at least one argument");
  return maps.flatMap((m) => Object.keys(needMap(m)).sort());
}

/** coll.Merge: the first map wins, later ones fill in what it lacks; nested maps merge the same way. */
function merge(dst: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...src };
  for (const [k, v] of Object.entries(dst)) {
    const base = out[k];
    out[k] = Object.hasOwn(out, k) && isMap(v) && isMap(base) ? merge(v, base) : v;
  }
  return out;
}

/** Same kind for every element, as gomplate requires before it sorts. */
function kind(v: unknown): string {
  const t = goType(v);
  return t === "float64" ? "float" : t === "int" ? "int" : t;
}

function less(key: string, a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (typeof a === "string" && typeof b === "string") return a < b;
  if (isMap(a) && isMap(b)) {
    if (!Object.hasOwn(a, key)) return false;
    return less("", a[key], b[key]);
  }
  return false;
}

function sort(args: unknown[]): unknown[] | null {
  if (args.length === 0 || args.length > 2)
    throw new Error(`wrong number of args: wanted 1 or 2, got ${args.length}`);
  const key = args.length === 2 ? toStr(args[0]) : "";
  const list = args.at(-1);
  if (list === undefined || list === null) return null;
  const l = toList(list);
  if (l.some((x) => kind(x) !== kind(l[0]))) return l;
  // A stable sort on gomplate's "less than", which is false for kinds it cannot compare.
  return l
    .map((v, i) => ({ v, i }))
    .sort((x, y) => (less(key, x.v, y.v) ? -1 : less(key, y.v, x.v) ? 1 : x.i - y.i))
    .map((x) => x.v);
}

function flatten(list: unknown, depth: number): unknown[] {
  const l = toList(list);
  if (depth === 0) return l;
  return l.flatMap((v) => (Array.isArray(v) ? flatten(v, depth - 1) : [v]));
}

function pickOmit(args: unknown[], keep: boolean): Record<string, unknown> {
  if (args.length <= 1) throw new Error(`wrong number of args: wanted 2 or more, got ${args.length}`);
  const m = args.at(-1);
  if (!isMap(m)) throw new Error(`wrong map type: must be map[string]interface{}, got ${goType(m)}`);
  const keys = args.slice(0, -1).map((k) => {
    if (typeof k !== "string")
      throw new Error(`wrong key type: must be string, got ${goType(k)} (${toStr(k)})`);
    return k;
  });
  return Object.fromEntries(Object.entries(m).filter(([k]) => keys.includes(k) === keep));
}

/** gomplate's `coll` namespace. */
export function collFunctions(): Record<string, TemplateFunc> {
  return {
    "coll.Append": (v, list) => [...toList(list), v],
    "coll.Dict": (...a) => dict(a),
    "coll.Flatten": (...a) => {
      if (a.length === 0 || a.length > 2)
        throw new Error(`wrong number of args: wanted 1 or 2, got ${a.length}`);
      return a.length === 2 ? flatten(a[1], toInt(a[0])) : flatten(a[0], -1);
    },
    "coll.Has": (coll, key) => has(coll, needString(key)),
    "coll.Keys": (...maps) => keysOf(maps),
    "coll.Merge": (dst, ...srcs) => srcs.map(needMap).reduce((acc, src) => merge(acc, src), needMap(dst)),
    "coll.Omit": (...a) => pickOmit(a, false),
    "coll.Pick": (...a) => pickOmit(a, true),
    "coll.Prepend": (v, list) => [v, ...toList(list)],
    "coll.Reverse": (list) => [...toList(list)].reverse(),
    "coll.Slice": (...a) => a,
    "coll.Sort": (...a) => sort(a),
    "coll.Uniq": (list) =>
      toList(list).reduce<unknown[]>((out, v) => (out.some((x) => deepEqual(x, v)) ? out : [...out, v]), []),
    "coll.Values": (...maps) => {
      if (maps.length === 0) throw new Error("need at least one argument");
      return maps.flatMap((m) => {
        const map = needMap(m);
        return Object.keys(map)
          .sort()
          .map((k) => map[k]);
      });
    },
  };
}
