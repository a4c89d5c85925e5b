// The stack-names cache (src/cache/stack-names.ts): a command on one stack opens only that stack's
// manifests when the names kept from an earlier run still hold, and answers exactly as naming every
// stack would. Which manifests a run read is visible in its input record.
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newRecord } from "../src/core/inputs.js";
import { openStacks } from "../src/repo/open-stacks.js";
import { COMPONENT_TYPES } from "../src/schema/cli-config.js";
import type { StackEngine } from "../src/stack/engine.js";
import { fixture, tempDir, writeRepo } from "./helpers.js";

/** An engine on `dir` keeping names under `cache`, and the record of what it read. */
function open(dir: string, cache: string) {
  const record = newRecord();
  const { engine } = openStacks({
    cwd: dir,
    env: { SLIPWAY_CACHE: cache },
    record,
    keepNames: { build: "test" },
  });
  const stackFiles = () =>
    Object.keys(record.reads).filter((p) => p.includes(`${join(dir, "stacks")}/`)).length;
  return { engine, stackFiles };
}
const plain = (dir: string) => openStacks({ cwd: dir, env: { SLIPWAY_CACHE: "off" } }).engine;

/** Every component of every stack, resolved, as one value. */
function everything(engine: StackEngine, names: string[]) {
  return names.map((s) => {
    const entry = engine.stack(s);
    return COMPONENT_TYPES.flatMap((t) =>
      entry.componentNames(t).map((c) => engine.resolveComponent(s, c, t)),
    );
  });
}

const copy = (name: string) => {
  const dir = tempDir();
  cpSync(fixture("engine", name), dir, { recursive: true });
  return dir;
};

describe("kept stack names", () => {
  it.each(["names", "names-per-component", "inheritance", "imports", "overrides"])(
    "give the same stacks and components as naming every stack (fixture %s)",
    (name) => {
      const dir = copy(name);
      const cache = tempDir();
      const names = [...plain(dir).stacks().keys()];
      expect(names.length).toBeGreaterThan(0);
      open(dir, cache).engine.stacks(); // names every stack and keeps the names
      for (const s of names) {
        const { engine } = open(dir, cache);
        expect(everything(engine, [s])).toEqual(everything(plain(dir), [s]));
      }
      expect(open(dir, cache).engine.stackNames()).toEqual(names);
    },
  );

  const repo = () =>
    writeRepo({
      "slipway.yaml": "stacks:\n  included_paths: ['deploy/*']\n  name_pattern: '{tenant}-{stage}'\n",
      "stacks/catalog/tenant.yaml": "vars:\n  tenant: acme\n",
      ...Object.fromEntries(
        ["dev", "prod", "qa"].map((s) => [
          `stacks/deploy/${s}.yaml`,
          `import:\n  - catalog/tenant\nvars:\n  stage: ${s}\ncomponents:\n  terraform:\n    app:\n      vars:\n        n: 1\n`,
        ]),
      ),
    });

  it("open only the asked stack's manifests once kept", () => {
    const dir = repo();
    const cache = tempDir();
    const first = open(dir, cache);
    first.engine.resolveComponent("acme-dev", "app");
    expect(first.stackFiles()).toBe(4); // nothing kept yet: every manifest and the catalog
    const again = open(dir, cache);
    expect(again.engine.resolveComponent("acme-dev", "app").vars).toEqual({
      tenant: "acme",
      stage: "dev",
      n: 1,
    });
    expect(again.stackFiles()).toBe(2); // deploy/dev and its import
  });

  it("are not used once an input changed: a renamed stack, a new manifest", () => {
    const dir = repo();
    const cache = tempDir();
    open(dir, cache).engine.stacks();
    writeFileSync(join(dir, "stacks/catalog/tenant.yaml"), "vars:\n  tenant: other\n");
    const renamed = open(dir, cache).engine;
    expect(() => renamed.stack("acme-dev")).toThrow(/stack "acme-dev" not found/);
    expect(renamed.stack("other-dev").name).toBe("other-dev");
    writeFileSync(
      join(dir, "stacks/deploy/new.yaml"),
      "import:\n  - catalog/tenant\nvars:\n  stage: new\ncomponents:\n  terraform:\n    app: {}\n",
    );
    const added = open(dir, cache);
    expect(added.engine.stackNames()).toEqual(["other-dev", "other-new", "other-prod", "other-qa"]);
    expect(added.stackFiles()).toBe(5);
  });

  it("leave errors as they were: an unknown stack and a manifest path are refused the same way", () => {
    const dir = repo();
    const cache = tempDir();
    open(dir, cache).engine.stacks();
    for (const name of ["acme-dve", "deploy/dev"]) {
      let ours: unknown, theirs: unknown;
      try {
        open(dir, cache).engine.stack(name);
      } catch (e) {
        ours = e;
      }
      try {
        plain(dir).stack(name);
      } catch (e) {
        theirs = e;
      }
      expect(ours).toBeDefined();
      expect(ours).toEqual(theirs);
    }
  });

  it("are not kept from a run whose names read an environment variable", () => {
    const dir = writeRepo({
      "slipway.yaml":
        "stacks:\n  included_paths: ['*.yaml']\n  name_template: '{{ env \"STAGE\" }}-{{ .vars.n }}'\n",
      "stacks/a.yaml": "vars:\n  n: 1\ncomponents:\n  terraform:\n    app: {}\n",
    });
    const cache = tempDir();
    const run = (stage: string) =>
      openStacks({ cwd: dir, env: { SLIPWAY_CACHE: cache, STAGE: stage }, keepNames: { build: "test" } })
        .engine;
    expect(run("x").stackNames()).toEqual(["x-1"]);
    expect(run("y").stackNames()).toEqual(["y-1"]);
  });
});
