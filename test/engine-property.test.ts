// Random and mutated manifests: the engine resolves them or raises SlipwayError — never anything else.
import { rmSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { SlipwayError } from "../src/core/errors.js";
import { validateRepository } from "../src/repo/open-stacks.js";
import { engineAt, writeRepo } from "./helpers.js";

const name = fc.constantFrom("vpc", "eks", "base", "app", "db");
const scalar = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom("{{ .vars.a }}", "{{ nope }}", "{{ if }}"),
);
const anyValue = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    scalar,
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "list_merge_strategy"), tie("v"), { maxKeys: 3 }),
  ),
})).v;
const section = fc.oneof(fc.dictionary(fc.constantFrom("a", "b", "c"), anyValue, { maxKeys: 3 }), anyValue);
const component = fc.record(
  {
    vars: section,
    settings: section,
    env: section,
    component: name,
    metadata: fc.oneof(
      fc.record(
        {
          inherits: fc.array(name, { maxLength: 2 }),
          type: fc.constantFrom("abstract", "real"),
          component: name,
        },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
  },
  { requiredKeys: [] },
);
const manifest = fc.record(
  {
    import: fc.oneof(
      fc.array(fc.constantFrom("catalog/a", "catalog/b", "deploy/one", "missing", "./x", "catalog/*"), {
        maxLength: 3,
      }),
      anyValue,
    ),
    vars: section,
    overrides: section,
    terraform: fc.oneof(
      fc.record({ vars: section, backend_type: fc.constantFrom("s3", "local") }, { requiredKeys: [] }),
      anyValue,
    ),
    components: fc.oneof(fc.record({ terraform: fc.dictionary(name, component, { maxKeys: 3 }) }), anyValue),
  },
  { requiredKeys: [] },
);
/** Manifests of the right shape: they may still hold cycles, missing bases or bad templates. */
const plain = fc.dictionary(
  fc.constantFrom("a", "b", "c"),
  fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.array(fc.integer(), { maxLength: 2 })),
  { maxKeys: 3 },
);
const wellFormed = fc.record(
  {
    import: fc.array(fc.constantFrom("catalog/a", "catalog/b"), { maxLength: 2 }),
    vars: plain,
    components: fc.record({
      terraform: fc.dictionary(
        name,
        fc.record(
          {
            vars: plain,
            metadata: fc.record({ inherits: fc.array(name, { maxLength: 1 }) }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        { maxKeys: 2 },
      ),
    }),
  },
  { requiredKeys: [] },
);
/** Mostly well-formed text; sometimes any shape, cut, or with a character spliced in. */
const text = fc.oneof(
  { weight: 6, arbitrary: wellFormed.map((m) => stringify(m)) },
  { weight: 1, arbitrary: manifest.map((m) => stringify(m)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(manifest, fc.nat(), fc.constantFrom("", ":", "\t", "[", "{{", "!unset", "- ", '"'))
      .map(([m, at, junk]) => {
        const s = stringify(m);
        const i = s.length ? at % s.length : 0;
        return s.slice(0, i) + junk + s.slice(i);
      }),
  },
);

describe("engine robustness (property)", () => {
  const dir = writeRepo({ "slipway.yaml": 'stacks:\n  included_paths: ["deploy/*"]\n' });
  it("resolves or raises SlipwayError for random and mutated manifests", async () => {
    const seen = { ok: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(fc.tuple(text, text, text, text), async ([one, two, a, b]) => {
        rmSync(join(dir, "stacks"), { recursive: true, force: true });
        for (const [rel, body] of [
          ["deploy/one.yaml", one],
          ["deploy/two.yaml", two],
          ["catalog/a.yaml", a],
          ["catalog/b.yaml", b],
        ] as const) {
          mkdirSync(dirname(join(dir, "stacks", rel)), { recursive: true });
          writeFileSync(join(dir, "stacks", rel), body);
        }
        let outcome: "ok" | "error" = "ok";
        try {
          engineAt(dir).describeStacks();
        } catch (e) {
          if (!(e instanceof SlipwayError)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
          outcome = "error";
        }
        seen[outcome]++;
        const report = await validateRepository(engineAt(dir));
        // validate and describe agree on whether the repository is usable
        if (outcome === "error") expect(report.errors.length).toBeGreaterThan(0);
        for (const e of report.errors) expect(e).toBeInstanceOf(SlipwayError);
      }),
      { numRuns: 150 },
    );
    // Both outcomes must occur, or the generator is not exercising the engine.
    expect(seen.ok).toBeGreaterThan(5);
    expect(seen.error).toBeGreaterThan(5);
  });
});
