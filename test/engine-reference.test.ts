// The engine (src/stack/: indexes, shared prefixes, cached groups) is held equal to the reference
// resolution in reference-resolve.ts — plain, cache-free, written for clarity — on generated repositories
// and on the examples and the benchmark repository. REFERENCE_RUNS sets the number of generated cases.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SlipwayError } from "../src/core/errors.js";
import type { ComponentTypeName } from "../src/schema/cli-config.js";
import { StackEngine } from "../src/stack/engine.js";
import { loadStacksConfig } from "../src/repo/open-stacks.js";
import { COMPONENT_TYPES } from "../src/schema/cli-config.js";
import { engineAt, repoRoot } from "./helpers.js";
import { tempDir } from "./temp.js";
import { referenceResolve } from "./reference-resolve.js";

/** A tagged YAML value: `!unset`, `!append`. */
class Tagged {
  constructor(
    readonly tag: string,
    readonly value: unknown,
  ) {}
}

/** Flow-style YAML (JSON plus tags), so any generated value is written exactly. */
function emit(v: unknown): string {
  if (v instanceof Tagged) return `${v.tag} ${emit(v.value)}`;
  if (Array.isArray(v)) return `[${v.map(emit).join(", ")}]`;
  if (v && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${emit(x)}`)
      .join(", ")}}`;
  return JSON.stringify(v);
}

const key = fc.constantFrom("a", "b", "c", "tags", "list");
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 9 }),
  fc.constantFrom("x", "y", "", "10.0.0.0/8"),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(fc.oneof(scalar, fc.dictionary(key, scalar, { maxKeys: 2 })), { maxLength: 3 }),
    fc.dictionary(key, tie("v"), { maxKeys: 3 }),
    fc.array(scalar, { maxLength: 2 }).map((l) => new Tagged("!append", l)),
    fc.constant(new Tagged("!unset", "")),
  ),
})).v;
const section = fc.dictionary(key, value, { maxKeys: 3 });
const strategy = fc.constantFrom("replace", "append", "merge");
const settings = fc.oneof(
  { weight: 3, arbitrary: section },
  {
    weight: 1,
    arbitrary: fc.record(
      { list_merge_strategy: strategy, a: value },
      { requiredKeys: ["list_merge_strategy"] },
    ),
  },
);
const names = ["base", "app", "db", "web", "net"] as const;
const name = fc.constantFrom(...names);
const backendType = fc.constantFrom("s3", "gcs", "azurerm", "local");
const backend = fc.record(
  {
    s3: fc.record(
      { bucket: fc.constantFrom("b1", "b2"), workspace_key_prefix: fc.constantFrom("", "own") },
      { requiredKeys: [] },
    ),
    gcs: fc.record({ bucket: fc.constantFrom("g1"), prefix: fc.constantFrom("p", "") }, { requiredKeys: [] }),
    azurerm: fc.record(
      { key: fc.constantFrom("states", "own.tfstate"), container_name: fc.constant("c") },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const component = fc.record(
  {
    vars: section,
    settings,
    env: section,
    providers: section,
    backend_type: backendType,
    backend,
    command: fc.constantFrom("tofu", "terraform"),
    component: name,
    metadata: fc.record(
      {
        inherits: fc.array(name, { maxLength: 2 }),
        component: fc.constantFrom("net", "shared/vpc"),
        type: fc.constantFrom("abstract", "real"),
        name: fc.constantFrom("named"),
        terraform_workspace_pattern: fc.constantFrom("{stack}-{component}", "{base-component}-{a}"),
        enabled: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const typeLevel = fc.record(
  {
    vars: section,
    settings,
    env: section,
    backend_type: backendType,
    backend,
    command: fc.constantFrom("tofu"),
    overrides: fc.record(
      { vars: section, env: section, command: fc.constantFrom("override-tool") },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
/** One manifest: global, type-level and override sections, components, and its imports. */
const file = (imports: string[]) =>
  fc.record(
    {
      import: imports.length ? fc.shuffledSubarray(imports) : fc.constant([]),
      vars: section,
      settings,
      env: section,
      backend: backend,
      terraform: typeLevel,
      ansible: fc.record({ vars: section }, { requiredKeys: [] }),
      overrides: fc.record(
        { vars: section, settings: section, command: fc.constantFrom("tool-x") },
        { requiredKeys: [] },
      ),
      components: fc.record(
        {
          terraform: fc.dictionary(name, component, { maxKeys: 3 }),
          ansible: fc.dictionary(
            fc.constantFrom("k3s", "site"),
            fc.record(
              { vars: section, metadata: fc.record({ inherits: fc.constant([]) }) },
              { requiredKeys: [] },
            ),
            { maxKeys: 1 },
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );
/** mixins ← catalog ← deploy: imports point one way, so the repository has no import cycle. */
const repository = fc.record({
  "mixins/m0": file([]),
  "mixins/m1": file([]),
  "catalog/c0": file(["mixins/m0", "mixins/m1"]),
  "catalog/c1": file(["mixins/m1"]),
  "deploy/d0": file(["catalog/c0", "catalog/c1", "mixins/m0"]),
  "deploy/d1": file(["catalog/c1", "mixins/m1"]),
  strategy,
  separator: fc.constantFrom("-", "/", "_"),
});

/** Every component of every stack: the engine's answer equals the reference's (both error, or same JSON). */
function compare(engine: StackEngine): { components: number; errors: number } {
  let components = 0;
  let errors = 0;
  for (const entry of engine.stacks().values()) {
    for (const type of COMPONENT_TYPES as readonly ComponentTypeName[]) {
      for (const name of entry.componentNames(type)) {
        const builds = entry.buildsDefining(type, name);
        let actual: unknown;
        try {
          actual = engine.resolveComponent(entry.name, name, type);
        } catch (e) {
          if (!(e instanceof SlipwayError)) throw e;
          actual = e;
        }
        const expected = builds.map((b) => {
          try {
            const c = referenceResolve(b.layers, type, name, entry.name, b.top.rel, {
              listMergeStrategy: engine.config.listMergeStrategy,
              prefixSeparator: engine.config.prefixSeparator,
              command: engine.config.components[type].command,
            });
            return engine.finish(b, c);
          } catch (e) {
            if (e instanceof SlipwayError) throw e;
            return e as Error;
          }
        });
        if (actual instanceof SlipwayError) {
          errors++;
          // The engine refuses only what the reference cannot resolve either (or a conflict between files).
          if (builds.length === 1) expect(expected[0], actual.message).toBeInstanceOf(Error);
          continue;
        }
        components++;
        expect(expected[0]).not.toBeInstanceOf(Error);
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected[0]));
      }
    }
  }
  return { components, errors };
}

describe("the engine equals the reference resolution", () => {
  it("on generated repositories (fast-check)", () => {
    const dir = tempDir();
    const totals = { components: 0, errors: 0 };
    fc.assert(
      fc.property(repository, (repo) => {
        rmSync(join(dir, "stacks"), { recursive: true, force: true });
        const { strategy: s, separator, ...files } = repo;
        writeFileSync(
          join(dir, "slipway.yaml"),
          emit({
            stacks: { included_paths: ["deploy/*"] },
            settings: { list_merge_strategy: s },
            components: { terraform: { workspace: { prefix_separator: separator } } },
          }) + "\n",
        );
        for (const [rel, data] of Object.entries(files)) {
          const path = join(dir, "stacks", `${rel}.yaml`);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, emit(data) + "\n");
        }
        const r = compare(engineAt(dir));
        // With its caches off the engine works everything out afresh — and still equals the reference.
        const plain = compare(
          new StackEngine({ config: loadStacksConfig(join(dir, "slipway.yaml")), env: {}, memo: false }),
        );
        expect(plain).toEqual(r);
        totals.components += r.components;
        totals.errors += r.errors;
      }),
      { numRuns: Number(process.env.REFERENCE_RUNS ?? 2000) },
    );
    console.log(`reference: ${totals.components} components equal, ${totals.errors} refused by both`);
    // The generator must reach both outcomes, and mostly resolve.
    expect(totals.components).toBeGreaterThan(totals.errors);
    expect(totals.errors).toBeGreaterThan(0);
    // 2,000 repositories written and resolved twice: ~25 s alone, longer beside the rest of the suite.
  }, 180_000);

  it.each(["homelab", "org-platform"])("on examples/%s", (example) => {
    const r = compare(engineAt(join(repoRoot, "examples", example)));
    expect(r.components).toBeGreaterThan(2);
    expect(r.errors).toBe(0);
  });

  it("on the benchmark repository (8,000 component instances)", async () => {
    const { generate } = await import("../bench/generate.mjs");
    const dir = tempDir();
    generate(dir);
    const r = compare(engineAt(dir, {}, "atmos.yaml"));
    expect(r.components).toBeGreaterThan(7000);
    expect(r.errors).toBe(0);
  }, 120_000);
});
