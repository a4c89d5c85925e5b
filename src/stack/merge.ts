import type { ListMergeStrategy } from "../schema/cli-config.js";
import { Append, isMap, Unset } from "../yaml/markers.js";

/**
 * Deep-merges `over` onto `base` without mutating either: maps merge, lists follow `strategy`,
 * anything else (type changes and null included) is replaced; `!unset` removes; `!append` appends.
 * Untouched subtrees are shared, never copied.
 *
 * The engine only ever folds layers left to right (a cached prefix plus the next layer), so merge
 * need not be associative. A marker with nothing under it stays in the result (an `!unset` key, an
 * `!append` list) and `stripMarkers` removes it at the end.
 */
export function merge(base: unknown, over: unknown, strategy: ListMergeStrategy): unknown {
  if (over === undefined) return base;
  if (base instanceof Append) base = base.items;
  else if (base instanceof Unset) base = undefined;
  if (over instanceof Unset) return over;
  if (over instanceof Append) {
    if (Array.isArray(base)) return [...base, ...over.items];
    return base === undefined ? over : over.items;
  }
  if (isMap(over)) {
    if (!isMap(base)) return over;
    const out: Record<string, unknown> = { ...base };
    for (const key in over) {
      const v = merge(base[key], over[key], strategy);
      // A "__proto__" key from YAML is data; plain assignment would replace the object's prototype.
      if (key === "__proto__")
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
    }
    return out;
  }
  if (Array.isArray(over) && Array.isArray(base) && strategy !== "replace") {
    return strategy === "append" ? [...base, ...over] : mergeByIndex(base, over, strategy);
  }
  return over;
}

/**
 * Atmos's `merge` strategy, item by item: two maps at one index deep-merge; anything else at an index both
 * lists have keeps the earlier item (as Atmos does, after mergo); the longer list's extra items are kept.
 */
function mergeByIndex(base: unknown[], over: unknown[], strategy: ListMergeStrategy): unknown[] {
  const out = base.slice();
  over.forEach((item, i) => {
    if (i >= base.length) out[i] = item;
    else if (isMap(item) && isMap(base[i])) out[i] = merge(base[i], item, strategy);
  });
  return out;
}

/** Merges values left to right; later wins. */
export function mergeAll(values: readonly unknown[], strategy: ListMergeStrategy): unknown {
  let acc: unknown = undefined;
  for (const v of values) acc = merge(acc, v, strategy);
  return acc;
}

/** Strips merge markers that survived (an `!unset` with nothing under it, an `!append` with no base). */
export function stripMarkers(v: unknown): unknown {
  if (v instanceof Append) return v.items.map(stripMarkers);
  if (Array.isArray(v)) return v.map(stripMarkers);
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const key in v) {
    const child = v[key];
    if (!(child instanceof Unset)) out[key] = stripMarkers(child);
  }
  return out;
}
