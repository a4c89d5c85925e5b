import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Append, isMap, Unset } from "../src/yaml/markers.js";
import { merge, mergeAll, stripMarkers } from "../src/stack/merge.js";

const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null));
const key = fc.constantFrom("a", "b", "c", "d", "e");
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    scalar,
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(key, tie("v"), { maxKeys: 4, noNullPrototype: true }),
  ),
})).v;
const map = fc.dictionary(key, value, { maxKeys: 5, noNullPrototype: true });
const strategy = fc.constantFrom("replace" as const, "append" as const, "merge" as const);

describe("merge", () => {
  it("a later scalar wins", () => {
    fc.assert(
      fc.property(value, scalar, strategy, (a, b, s) => {
        expect(merge(a, b, s)).toEqual(b);
      }),
    );
  });

  it("merging maps keeps both sides' keys", () => {
    fc.assert(
      fc.property(map, map, strategy, (a, b, s) => {
        const m = merge(a, b, s) as Record<string, unknown>;
        expect(Object.keys(m).sort()).toEqual([...new Set([...Object.keys(a), ...Object.keys(b)])].sort());
      }),
    );
  });

  it("append strategy adds list lengths; replace keeps the later list", () => {
    fc.assert(
      fc.property(fc.array(value), fc.array(value), (a, b) => {
        expect((merge(a, b, "append") as unknown[]).length).toBe(a.length + b.length);
        expect(merge(a, b, "replace")).toEqual(b);
        expect((merge(a, b, "merge") as unknown[]).length).toBe(Math.max(a.length, b.length));
      }),
    );
  });

  it("is idempotent for replace: merging a map onto itself changes nothing", () => {
    fc.assert(
      fc.property(map, (a) => {
        expect(merge(a, a, "replace")).toEqual(a);
      }),
    );
  });

  it("folding layers is deterministic: the same layers in the same order give the same result", () => {
    fc.assert(
      fc.property(fc.array(map, { maxLength: 5 }), strategy, (layers, s) => {
        expect(JSON.stringify(mergeAll(layers, s))).toBe(
          JSON.stringify(mergeAll(structuredClone(layers), s)),
        );
      }),
    );
  });

  it("an !unset in a later layer removes the key whatever came before", () => {
    fc.assert(
      fc.property(fc.array(map, { maxLength: 4 }), strategy, (layers, s) => {
        const out = stripMarkers(mergeAll([...layers, { a: Unset.instance }], s)) as Record<string, unknown>;
        expect("a" in out).toBe(false);
      }),
    );
  });

  it("does not mutate its inputs", () => {
    fc.assert(
      fc.property(map, map, strategy, (a, b, s) => {
        const before = JSON.stringify([a, b]);
        mergeAll([a, b], s);
        expect(JSON.stringify([a, b])).toBe(before);
      }),
    );
  });

  it("a __proto__ key is data, not a prototype (regression)", () => {
    const over = JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    const m = merge({ a: 1 }, over, "replace") as Record<string, unknown>;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.keys(m)).toEqual(["a", "__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("null replaces and keeps the key; !unset removes it; !append extends", () => {
    const m = stripMarkers(
      merge({ a: 1, b: 2, c: [1] }, { a: null, b: Unset.instance, c: new Append([2]) }, "replace"),
    );
    expect(m).toEqual({ a: null, c: [1, 2] });
    expect(isMap(m)).toBe(true);
  });
});
