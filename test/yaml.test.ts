import fc from "fast-check";
import { stringify } from "yaml";
import { yamlValue } from "./arbitraries.js";
import { describe, expect, it } from "vitest";
import { parseYaml, parseYamlWithPositions } from "../src/yaml/parse.js";
import { positionsOf, locate } from "../src/yaml/positions.js";
import { DEFERRED_TAGS, Unset } from "../src/yaml/markers.js";

const opts = { file: "/virtual/x.yaml", env: {}, basePath: "/virtual" };

describe("the two YAML parsers agree", () => {
  // js-yaml is the fast path and yaml the one with positions; they must give the same values.
  // ("<<" keys are merge keys in both, tested on their own below.)
  const doc = yamlValue({ maxKeys: 4 });

  it("on any document the yaml library writes", () => {
    fc.assert(
      fc.property(doc, (value) => {
        const text = stringify({ root: value });
        // Through JSON: js-yaml reads "-0" as 0 and yaml as -0, a difference no stack can observe.
        const same = (v: unknown) => JSON.parse(JSON.stringify(v));
        expect(same(parseYaml(text, opts))).toEqual(same(parseYamlWithPositions(text, opts)));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["dates stay strings", "d: 2024-01-02\n", { d: "2024-01-02" }],
    ["merge keys", "a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n", { a: { x: 1 }, b: { x: 1, y: 2 } }],
    ["YAML 1.2 booleans", "a: yes\nb: on\nc: true\n", { a: "yes", b: "on", c: true }],
    ["octal and hex", "a: 0o17\nb: 0x1f\nc: 017\n", { a: 15, b: 31, c: 17 }],
    // Both read `!unset` on a map as the marker that removes the key (the slow path used to give {}).
    [
      "!unset on a scalar and on a map",
      "a: !unset\nb: !unset {}\nc: !unset {x: 1}\n",
      { a: Unset.instance, b: Unset.instance, c: Unset.instance },
    ],
  ])("%s", (_name, text, want) => {
    expect(parseYaml(text, opts)).toEqual(want);
    expect(parseYamlWithPositions(text, opts)).toEqual(want);
  });
});

describe("positions", () => {
  const text = "vars:\n  a: 1\n  list:\n    - x\n    - y: 2\n";
  it("locates values, list items and keys", () => {
    expect(locate(text, ["vars", "a"], opts)).toEqual({ line: 2, col: 6 });
    expect(locate(text, ["vars", "a"], opts, "key")).toEqual({ line: 2, col: 3 });
    expect(locate(text, ["vars", "list", 1, "y"], opts)).toEqual({ line: 5, col: 10 });
    expect(locate(text, ["vars", "missing", "deeper"], opts)).toEqual({ line: 2, col: 3 });
  });
  it("maps every key to its line", () => {
    const p = positionsOf(text, opts);
    expect(p.get("vars.a")).toEqual({ line: 2, col: 3 });
    expect(p.get("vars.list[1].y")).toEqual({ line: 5, col: 7 });
  });
});

describe("tags slipway does not know (never their argument as a string)", () => {
  const supported = new Set(["env", "unset", "append", "include", ...DEFERRED_TAGS.map((t) => t.slice(1))]);
  const tagName = fc
    .stringMatching(/^[a-z][a-z0-9._-]{0,12}$/)
    .filter((t) => !supported.has(t) && !t.startsWith("include."));

  it("are an error at the tag's line and column on both parse paths, naming slipway's tags", () => {
    fc.assert(
      fc.property(
        tagName,
        fc.nat({ max: 3 }),
        fc.constantFrom("scalar", "{a: 1}", "[1, 2]"),
        (tag, depth, arg) => {
          const indent = "  ".repeat(depth);
          const lines = ["top: 1", ...Array.from({ length: depth }, (_, i) => `${"  ".repeat(i)}k${i}:`)];
          lines.push(`${indent}v: !${tag} ${arg}`);
          const text = lines.join("\n") + "\n";
          for (const parse of [parseYaml, parseYamlWithPositions]) {
            let err: unknown;
            try {
              parse(text, opts);
            } catch (e) {
              err = e;
            }
            expect(err).toMatchObject({
              name: "SlipwayError",
              line: lines.length,
              col: indent.length + 4,
              message: expect.stringContaining(`!${tag}`),
              hint: expect.stringContaining("!env, !unset, !append, !include"),
            });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("says why an Atmos function slipway does not evaluate is refused", () => {
    expect(() => parseYaml("api_key: !store.get ssm /x\n", opts)).toThrow(
      /YAML tag !store\.get is not supported, because slipway has no store backends/,
    );
    expect(() => parseYaml("id: !aws.account_id\n", opts)).toThrow(
      /YAML tag !aws\.account_id is not supported, because slipway makes no cloud API calls/,
    );
    expect(() => parseYaml("v: !git.owner\n", opts)).toThrow(
      /implements !git\.branch, !git\.sha and !repo-root/,
    );
  });
});
