// The fast yes/no manifest check (src/schema/fast-check.ts) against zod itself: it may say "ask zod" to a
// valid value, but it must never accept a value zod refuses — and it must accept the files people write.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { globSync } from "tinyglobby";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fastCheckOf } from "../src/schema/fast-check.js";
import { ManifestSchema } from "../src/schema/manifest.js";
import { parseYaml } from "../src/yaml/parse.js";
import { yamlValue } from "./arbitraries.js";
import { repoRoot } from "./helpers.js";

const check = fastCheckOf(ManifestSchema)!;
const zodAccepts = (v: unknown) => ManifestSchema.safeParse(v).success;

/** Mostly the right shape, sometimes any YAML value: the check must sort out both. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: yamlValue(), weight: 1 });

/** Manifest-shaped values: the real section names with random (now and then wrong) contents. */
const section = mostly(fc.dictionary(fc.string(), yamlValue(), { maxKeys: 3 }));
const component = fc.record(
  {
    vars: section,
    settings: section,
    metadata: mostly(
      fc.record(
        {
          type: fc.constantFrom("abstract", "real", "other", 1),
          inherits: mostly(fc.array(fc.string(), { maxLength: 2 })),
          enabled: mostly(fc.boolean()),
        },
        { requiredKeys: [] },
      ),
    ),
    component: yamlValue(),
    overrides: fc.oneof(
      yamlValue(),
      fc.record({ vars: section, command: yamlValue() }, { requiredKeys: [] }),
    ),
  },
  { requiredKeys: [] },
);
const manifest = fc.record(
  {
    name: mostly(fc.string()),
    import: mostly(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.record({ path: mostly(fc.string()), skip_if_missing: mostly(fc.boolean()) }),
        ),
        { maxLength: 3 },
      ),
    ),
    vars: section,
    backend_type: mostly(fc.string()),
    terraform: mostly(fc.record({ vars: section, backend: section }, { requiredKeys: [] })),
    components: mostly(
      fc.record(
        {
          terraform: fc.oneof(
            yamlValue(),
            fc.dictionary(fc.string(), fc.oneof(component, fc.constant(null))),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe("fast manifest check", () => {
  it("never accepts what zod refuses (random manifest-shaped values)", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(manifest, (m) => {
        if (check(m)) {
          accepted++;
          expect(zodAccepts(m)).toBe(true);
        } else refused++;
      }),
      { numRuns: 3000 },
    );
    // The property means something only if both answers come up often.
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });

  it("accepts every stack manifest of the examples, as zod does", () => {
    const files = globSync(["examples/*/stacks/**/*.yaml"], { cwd: repoRoot, absolute: true });
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const data = parseYaml(readFileSync(file, "utf8"), { file, env: {}, basePath: join(file, "..") });
      expect(zodAccepts(data)).toBe(true);
      expect([file, check(data)]).toEqual([file, true]);
    }
  });

  it("follows zod on the schema shapes it models, and gives up on checks it does not", () => {
    const strict = fastCheckOf(z.strictObject({ a: z.string() }))!;
    expect(strict({ a: "x" })).toBe(true);
    expect(strict({ a: "x", b: 1 })).toBe(false);
    const stripped = fastCheckOf(z.object({ a: z.number().optional() }))!;
    expect(stripped({ b: 1 })).toBe(true);
    expect(stripped({ a: Infinity })).toBe(false);
    expect(fastCheckOf(z.object({ a: z.string().min(1) }))).toBeUndefined();
    expect(fastCheckOf(z.object({ a: z.string() }).superRefine(() => {}))).toBeUndefined();
    expect(fastCheckOf(z.string().transform((s) => s.length))).toBeUndefined();
  });
});
