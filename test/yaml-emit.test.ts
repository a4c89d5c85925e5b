import { readdirSync } from "node:fs";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { emitYaml } from "../src/yaml/emit.js";
import { engineAt, fixture } from "./helpers.js";

const library = (v: unknown) => stringify(v, { lineWidth: 0, aliasDuplicateObjects: false });
const read12 = (text: string) => parse(text, { version: "1.2", schema: "core" }) as unknown;
const read11 = (text: string) => parse(text, { version: "1.1", merge: true }) as unknown;

// Pieces that break naive writers: indicators, blanks at the ends, quotes, comments, line breaks,
// words and numbers other readers take for non-strings, and non-ASCII text.
const HOSTILE = [
  ...[" ", "  ", "\t", "\n", "\r", "\r\n", ":", ": ", " :", "#", " #", "- ", "-", "?", "? ", ",", "[", "]"],
  ...["{", "}", "&", "*", "!", "|", ">", "'", '"', "''", "%", "@", "`", "\\", "---", "...", "~", "<<", "="],
  ...["yes", "No", "ON", "off", "y", "N", "true", "False", "null", "NULL", "0", "-1", "+1", "1.5", ".5"],
  ...["1e3", "0o17", "0x1F", "017", "0b101", "1_000", "1:30", "12:30:45.5", "2024-01-02", ".inf", ".NaN"],
  ...["é", "😀", "\u00a0", "\u0085", "\u2028", "\u2029", "\ufeff", "\u0000", "\u0007", "\u001b", "\u007f"],
  ...["a", "b c", "x.y/z", "10.0.0.0/24", "512Mi"],
];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.array(fc.constantFrom(...HOSTILE), { maxLength: 6 }).map((parts) => parts.join("")),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);

/** Plain data: the values `describe` and `list` print. */
function plainData(str: fc.Arbitrary<string>) {
  const scalar = fc.oneof(
    str,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(-0, 1e21, 5e-324),
  );
  const key = fc.oneof(
    { weight: 5, arbitrary: str },
    { weight: 1, arbitrary: fc.constant("k".repeat(1030)) },
  );
  return fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: "small" },
      scalar,
      fc.array(tie("v"), { maxLength: 4 }),
      fc.dictionary(key, tie("v"), { maxKeys: 4, noNullPrototype: true }),
    ),
  })).v;
}
const document = (str: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.dictionary(str, plainData(str), { maxKeys: 4, noNullPrototype: true }),
    fc.array(plainData(str), { maxLength: 4 }),
  );

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const hasLoneSurrogate = (v: unknown): boolean =>
  typeof v === "string"
    ? LONE_SURROGATE.test(v)
    : typeof v === "object" && v !== null
      ? Object.entries(v).some(([k, x]) => LONE_SURROGATE.test(k) || hasLoneSurrogate(x))
      : false;

describe("the fast YAML writer", () => {
  it("writes what reads back as the same value, YAML 1.2 core and YAML 1.1", () => {
    fc.assert(
      fc.property(document(hostileString), (value) => {
        const text = emitYaml(value);
        if (hasLoneSurrogate(value)) return expect(text).toBeUndefined();
        expect(text).toBeDefined();
        expect(read12(text!)).toEqual(value);
        // A YAML 1.1 reader (bools yes/no/on/off, base-60, `_` in numbers, timestamps, merge keys) agrees.
        expect(read11(text!)).toEqual(value);
      }),
      { numRuns: 3000 },
    );
  });

  // The library's style, where none of the writer's deliberate differences (src/yaml/emit.ts) applies:
  // no YAML 1.1 look-alikes, no C1/U+2028/U+2029/U+FEFF, no document markers, no multi-line string that
  // must be double-quoted, no key over 1024 characters.
  const YAML11_LOOKALIKE =
    /^(?:[yYnN]|[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF|<<|=)$|^[-+]?[0-9.][0-9a-fA-FxXoObB_:.eE+-]*$|^[0-9]{4}-/;
  const librarySame = (s: string) =>
    !YAML11_LOOKALIKE.test(s) &&
    !/^[-+]?\.[0-9_]*$/.test(s) &&
    !/[\x7f-\x9f\u2028\u2029\ufeff]/.test(s) &&
    !/^(?:---|\.\.\.)/m.test(s) &&
    !LONE_SURROGATE.test(s) &&
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    !(s.includes("\n") && (/[\x00-\x08\x0b-\x1f]/.test(s) || /\n[\t ]+$/.test(s))) &&
    s.length <= 1000;
  it("is byte-identical to the yaml library's stringify outside its documented differences", () => {
    fc.assert(
      fc.property(document(hostileString.filter(librarySame)), (value) => {
        if (JSON.stringify(value).includes("k".repeat(1030))) return;
        expect(emitYaml(value)).toBe(library(value));
      }),
      { numRuns: 3000 },
    );
  });

  it.each(["yes", "no", "on", "off", "y", "N", "1_000", "1:30", "0b11", "2024-01-02", "<<", "="])(
    "quotes %s, which a YAML 1.1 reader would not read as a string",
    (word) => {
      expect(emitYaml({ a: word, [word]: [word] })).toBe(`a: "${word}"\n"${word}":\n  - "${word}"\n`);
    },
  );

  it.each([
    ["a class instance", { a: new Date(0) }],
    ["a bigint", { a: 1n }],
    ["a bare scalar", "text"],
    ["a lone surrogate", { a: "\ud800" }],
  ])("leaves %s to the library (undefined)", (_name, value) => {
    expect(emitYaml(value)).toBeUndefined();
  });

  it.each(readdirSync(fixture("engine")))(
    "writes describe stacks of fixture %s as the library does",
    (name) => {
      let data: unknown;
      try {
        data = JSON.parse(JSON.stringify(engineAt(fixture("engine", name)).describeStacks()));
      } catch {
        return; // a fixture that is an error case has no output to compare
      }
      expect(emitYaml(data)).toBe(library(data));
    },
  );
});
