// Properties of the engine as a whole: import idempotence and deterministic output.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { engineAt, writeRepo } from "./helpers.js";

const values = fc.dictionary(
  fc.constantFrom("a", "b", "c", "d"),
  fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.array(fc.integer(), { maxLength: 2 })),
  { maxKeys: 3 },
);
const catalog = fc.record({
  vars: values,
  components: fc.record({ terraform: fc.record({ app: fc.record({ vars: values }) }) }),
});
const importList = fc.array(fc.constantFrom("catalog/one", "catalog/two", "catalog/three"), {
  minLength: 1,
  maxLength: 5,
});

function repoWith(files: Record<string, unknown>, strategy: string): string {
  const dir = writeRepo({
    "slipway.yaml": `stacks: {included_paths: ["deploy/*"]}\nsettings: {list_merge_strategy: ${strategy}}\n`,
  });
  for (const [rel, doc] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, "stacks", rel)), { recursive: true });
    writeFileSync(join(dir, "stacks", rel), stringify(doc));
  }
  return dir;
}

describe("engine properties", () => {
  it("a file imported again counts once, at its last import (import idempotence), whatever the list strategy", () => {
    fc.assert(
      fc.property(
        catalog,
        catalog,
        catalog,
        importList,
        fc.constantFrom("replace", "append", "merge"),
        (one, two, three, imports, strategy) => {
          // Atmos merges a repeated import again, so its last place wins (test/fixtures/engine/imports-repeated
          // compares that with Atmos); slipway merges it once there, so lists are not appended twice.
          const deduped = imports.filter((f, i) => imports.lastIndexOf(f) === i);
          const files = { "catalog/one.yaml": one, "catalog/two.yaml": two, "catalog/three.yaml": three };
          const a = engineAt(
            repoWith({ ...files, "deploy/s.yaml": { import: imports } }, strategy),
          ).describeStacks();
          const b = engineAt(
            repoWith({ ...files, "deploy/s.yaml": { import: deduped } }, strategy),
          ).describeStacks();
          expect(JSON.stringify(Object.values(a)[0])).toBe(JSON.stringify(Object.values(b)[0]));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("the same repository always resolves to byte-identical output", () => {
    fc.assert(
      fc.property(catalog, catalog, importList, (one, two, imports) => {
        const dir = repoWith(
          {
            "catalog/one.yaml": one,
            "catalog/two.yaml": two,
            "catalog/three.yaml": {},
            "deploy/s.yaml": { import: imports },
          },
          "replace",
        );
        const first = JSON.stringify(engineAt(dir).describeStacks());
        expect(JSON.stringify(engineAt(dir).describeStacks())).toBe(first);
      }),
      { numRuns: 30 },
    );
  });
});
