// Bad input: every case is a SlipwayError with file, line, column and a hint — never a raw exception.
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { engineAt, slipwayErrorOf, writeRepo } from "./helpers.js";
import { validateRepository } from "../src/repo/open-stacks.js";

const config = 'stacks:\n  included_paths: ["deploy/*"]\n';

function errorFor(
  files: Record<string, string>,
  fn: (e: ReturnType<typeof engineAt>) => unknown = (e) => e.describeStacks(),
) {
  const dir = writeRepo({ "slipway.yaml": config, ...files });
  return { dir, error: slipwayErrorOf(() => fn(engineAt(dir))) };
}

describe("bad input", () => {
  it("malformed YAML points at the line and column", () => {
    const { dir, error } = errorFor({ "stacks/deploy/a.yaml": "vars:\n  a: 1\n   b: 2\n" });
    expect(error.code).toBe("yaml");
    expect(error.file).toBe(join(dir, "stacks/deploy/a.yaml"));
    expect(error.message).toMatch(/Nested mappings are not allowed in compact mappings/);
    expect([error.line, error.col]).toEqual([2, 6]);
    expect(error.hint).toBeTruthy();
  });

  it("a duplicate key is named with its place", () => {
    const { error } = errorFor({ "stacks/deploy/a.yaml": "vars:\n  a: 1\n  a: 2\n" });
    expect(error.message).toMatch(/unique/);
    expect(error.line).toBe(3);
  });

  it("a missing import names the import line and suggests the closest file", () => {
    const { dir, error } = errorFor({
      "stacks/deploy/a.yaml": "import:\n  - catalog/networking\n",
      "stacks/catalog/network.yaml": "vars: {}\n",
    });
    expect(error.code).toBe("import");
    expect(error.file).toBe(join(dir, "stacks/deploy/a.yaml"));
    expect([error.line, error.col]).toEqual([2, 5]);
    expect(error.hint).toMatch(/did you mean "catalog\/network.yaml"/);
  });

  it("an import cycle prints the whole chain", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml": "import: [catalog/b]\n",
      "stacks/catalog/b.yaml": "import: [catalog/c]\n",
      "stacks/catalog/c.yaml": "import:\n  - catalog/b\n",
    });
    expect(error.code).toBe("import-cycle");
    expect(error.message).toBe(
      "import cycle: deploy/a.yaml → catalog/b.yaml → catalog/c.yaml → catalog/b.yaml",
    );
    expect(error.line).toBe(2);
  });

  it("an inheritance cycle is found and printed", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml":
        "components:\n  terraform:\n    x:\n      metadata:\n        inherits: [y]\n    y:\n      metadata:\n        inherits: [x]\n",
    });
    expect(error.code).toBe("inheritance");
    expect(error.message).toMatch(/inheritance cycle: (x → y → x|y → x → y)/);
    expect(error.line).toBeGreaterThan(0);
  });

  it("inherits naming an undefined component points at the entry", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml":
        "components:\n  terraform:\n    vpc-defaults: {}\n    vpc:\n      metadata:\n        inherits:\n          - vpc-default\n",
    });
    expect(error.message).toBe(
      'component "vpc" inherits from "vpc-default", which is not defined in this stack',
    );
    expect([error.line, error.col]).toEqual([7, 13]);
    expect(error.hint).toMatch(/vpc-defaults/);
  });

  it("an unknown component suggests the closest name", () => {
    const { error } = errorFor(
      { "stacks/deploy/a.yaml": "components:\n  terraform:\n    vpc-flow-logs: {}\n" },
      (e) => e.resolveComponent("deploy/a", "vpc-flowlogs"),
    );
    expect(error.code).toBe("unknown-component");
    expect(error.hint).toMatch(/did you mean "vpc-flow-logs"/);
  });

  it("a section of the wrong type is a schema error at the section", () => {
    const { error } = errorFor({ "stacks/deploy/a.yaml": "vars: [1]\n" });
    expect(error.code).toBe("schema");
    expect(error.message).toBe("vars: expected a mapping (key: value)");
    expect([error.line, error.col]).toEqual([1, 7]);
  });

  it("an unknown template function names the function, the file and the line", () => {
    const { dir, error } = errorFor({
      "stacks/deploy/a.yaml":
        "components:\n  terraform:\n    app:\n      vars:\n        a: ok\n        b: '{{ .vars.a | shout }}'\n",
    });
    expect(error.code).toBe("template");
    expect(error.message).toMatch(/function "shout" not defined/);
    expect(error.file).toBe(join(dir, "stacks/deploy/a.yaml"));
    expect(error.line).toBe(6);
  });

  it("a component defined differently by two manifests of one stack is a conflict", () => {
    const { error } = errorFor({
      "slipway.yaml": 'stacks:\n  included_paths: ["deploy/*"]\n  name_pattern: "{stage}"\n',
      "stacks/deploy/a.yaml":
        "vars: {stage: prod}\ncomponents:\n  terraform:\n    vpc: {vars: {cidr: 10.0.0.0/16}}\n",
      "stacks/deploy/b.yaml":
        "vars: {stage: prod}\ncomponents:\n  terraform:\n    vpc: {vars: {cidr: 10.1.0.0/16}}\n",
    });
    expect(error.code).toBe("conflict");
    expect(error.message).toMatch(/defined differently by deploy\/a and deploy\/b/);
  });

  it("a local from an imported file is not visible, and says so", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml": "import: [mixins/m]\nvars:\n  x: '{{ .locals.from_mixin.deeper }}'\n",
      "stacks/mixins/m.yaml": "locals:\n  from_mixin: {deeper: 1}\n",
    });
    expect(error.code).toBe("template");
    expect(error.line).toBe(3);
    expect(error.hint).toMatch(/file-scoped/);
  });

  it("locals that use each other in a cycle are named", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml": "locals:\n  a: '{{ .locals.b }}'\n  b: '{{ .locals.a }}'\n",
    });
    expect(error.message).toBe("locals refer to each other in a cycle: a, b");
    expect(error.line).toBe(2);
  });

  it("a component that must be a mapping says which part is wrong, not just 'invalid input'", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml": "components:\n  terraform:\n    vpc:\n      vars: some text\n",
    });
    expect(error.message).toBe("components.terraform.vpc.vars: expected a mapping (key: value)");
    expect([error.line, error.col]).toEqual([4, 13]);
  });

  it("gomplate functions slipway does not offer get a hint that names what is unsupported", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml":
        "components:\n  terraform:\n    app:\n      vars:\n        b: '{{ time.Now }}'\n",
    });
    expect(error.message).toMatch(/function "time\.Now" not defined/);
    expect(error.hint).toMatch(
      /gomplate's time\.\* functions read the outside world or are not deterministic/,
    );
    expect([error.line, error.col]).toEqual([5, 12]);
  });

  it("an unknown function of a gomplate namespace is named in full, at its place", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml":
        "components:\n  terraform:\n    app:\n      vars:\n        a: x\n        b: '{{ strings.Nope .vars.a }}'\n",
    });
    expect(error.message).toMatch(/function "strings\.Nope" not defined/);
    expect(error.hint).toMatch(/strings\.Nope is not one of them/);
    expect([error.line, error.col]).toEqual([6, 12]);
  });

  it("a field of a function is an error, not a field of the data (Sprig's env hides gomplate's env.*)", () => {
    const { error } = errorFor({
      "stacks/deploy/a.yaml":
        "components:\n  terraform:\n    app:\n      vars:\n        b: '{{ env.Getenv \"HOME\" }}'\n",
    });
    expect(error.message).toMatch(/env\.Getenv: "env" is a function, not a namespace/);
    expect(error.hint).toMatch(/use \{\{ env "NAME" \}\}/);
  });

  it("validate stacks reports every finding, not only the first", async () => {
    const dir = writeRepo({
      "slipway.yaml": config,
      "stacks/deploy/a.yaml": "vars: [1]\n",
      "stacks/deploy/b.yaml": "import: [catalog/missing]\n",
      "stacks/deploy/c.yaml": "components:\n  terraform:\n    x:\n      metadata: {inherits: [nope]}\n",
      "stacks/deploy/d.yaml": "settings: 3\nenv: [x]\n",
    });
    const report = await validateRepository(engineAt(dir));
    const found = report.errors.map((e) => `${e.code}@${e.file!.slice(dir.length + 1)}:${e.line}`).sort();
    expect(found).toEqual([
      "import@stacks/deploy/b.yaml:1",
      "inheritance@stacks/deploy/c.yaml:4",
      "schema@stacks/deploy/a.yaml:1",
      "schema@stacks/deploy/d.yaml:1",
      "schema@stacks/deploy/d.yaml:2",
    ]);
  });

  it("a tag slipway does not implement is an error at its place, in a stack and in an !include'd file", async () => {
    const { dir, error } = errorFor({
      "stacks/deploy/a.yaml":
        "components:\n  terraform:\n    app:\n      vars:\n        api_key: !store secrets/api key\n",
    });
    expect([error.code, error.file, error.line, error.col]).toEqual([
      "yaml",
      join(dir, "stacks/deploy/a.yaml"),
      5,
      18,
    ]);
    expect(error.message).toMatch(/^YAML tag !store is not supported, because slipway has no store backends/);
    const included = errorFor({
      "stacks/deploy/a.yaml": "vars: !include stacks/catalog/extra.yaml\n",
      "stacks/catalog/extra.yaml": "x: 1\ny: !madeup thing\n",
    });
    expect(included.error.message).toContain("unknown YAML tag !madeup");
    // validate stacks, the CI gate, reports it too.
    const report = await validateRepository(engineAt(dir));
    expect(report.errors.map((e) => [e.line, e.message])).toContainEqual([5, error.message]);
  });

  it("validate stacks finding no stacks at all is an error, not a pass", async () => {
    const none = writeRepo({ "slipway.yaml": config });
    const empty = await validateRepository(engineAt(none));
    expect(empty.errors.map((e) => e.message)).toEqual([
      `no stacks found: ${join(none, "stacks")} holds no manifests`,
    ]);
    const elsewhere = writeRepo({ "slipway.yaml": config, "stacks/other/a.yaml": "vars: {a: 1}\n" });
    expect((await validateRepository(engineAt(elsewhere))).errors[0]!.message).toMatch(
      /^no stacks found: none of the 1 manifest\(s\) under .* is a stack \(stacks\.included_paths: deploy\/\*\)$/,
    );
  });

  it("keys slipway does not know are warnings at their place with the closest known key; Atmos-only sections say so", async () => {
    const dir = writeRepo({
      "slipway.yaml": config,
      "stacks/deploy/a.yaml": [
        "component:",
        "  terraform: {}",
        "hooks:",
        "  store-outputs: {events: [after-terraform-apply]}",
        "components:",
        "  terraform:",
        "    app:",
        "      var: {size: 2}",
        "      metadata:",
        "        inherit: [base]",
        "  helmfile:",
        "    nginx: {}",
        "",
      ].join("\n"),
    });
    const report = await validateRepository(engineAt(dir));
    expect(report.errors.map((e) => e.message)).toEqual([
      'terraform component "app" in stack "deploy/a" uses folder "app", which does not exist',
    ]);
    expect(report.warnings.map((w) => [w.line, w.col, w.message])).toEqual([
      [1, 1, 'unknown key component (did you mean "components"?); it is ignored'],
      [3, 1, 'hooks: Atmos\'s "hooks" is not supported by slipway; it is ignored'],
      [8, 7, 'unknown key components.terraform.app.var (did you mean "vars"?); it is ignored'],
      [
        10,
        9,
        'unknown key components.terraform.app.metadata.inherit (did you mean "inherits"?); it is ignored',
      ],
      [11, 3, 'components.helmfile: Atmos\'s "helmfile" is not supported by slipway; it is ignored'],
    ]);
  });

  it("an unknown key anywhere a section has fixed keys is reported at its line (property)", async () => {
    const known = new Set([
      "vars",
      "settings",
      "env",
      "providers",
      "backend",
      "backend_type",
      "command",
      "metadata",
      "overrides",
      "component",
      "locals",
      "remote_state_backend",
      "remote_state_backend_type",
    ]);
    const key = fc.stringMatching(/^[a-z][a-z_]{2,10}$/).filter((k) => !known.has(k));
    await fc.assert(
      fc.asyncProperty(key, fc.constantFrom("top", "type", "component", "metadata"), async (k, where) => {
        const lines =
          where === "top"
            ? [`${k}: 1`, "vars: {a: 1}"]
            : where === "type"
              ? ["terraform:", `  ${k}: 1`]
              : where === "component"
                ? ["components:", "  terraform:", "    app:", `      ${k}: 1`]
                : ["components:", "  terraform:", "    app:", "      metadata:", `        ${k}: 1`];
        const dir = writeRepo({ "slipway.yaml": config, "stacks/deploy/a.yaml": lines.join("\n") + "\n" });
        const found = (await validateRepository(engineAt(dir))).warnings.filter((w) => w.message.includes(k));
        expect(found.map((w) => w.line)).toEqual([lines.findIndex((l) => l.includes(`${k}:`)) + 1]);
      }),
      { numRuns: 60 },
    );
  });

  it("an unknown YAML tag anywhere, in an !include'd file too, is an error at its line (property)", async () => {
    const known = new Set(["!env", "!unset", "!append", "!include"]);
    const tag = fc.stringMatching(/^![a-z][a-z.]{1,12}$/).filter((t) => !known.has(t) && !t.endsWith("."));
    await fc.assert(
      fc.asyncProperty(tag, fc.constantFrom("top", "component", "list", "include"), async (t, where) => {
        const lines =
          where === "top"
            ? ["vars:", `  a: ${t} value`]
            : where === "component"
              ? ["components:", "  terraform:", "    app:", "      vars:", `        key: ${t} API_KEY`]
              : where === "list"
                ? ["vars:", "  l:", "    - one", `    - ${t} two`]
                : ["vars:", "  inc: !include ../catalog/x.yaml"];
        const files: Record<string, string> = {
          "slipway.yaml": config,
          "stacks/deploy/a.yaml": lines.join("\n") + "\n",
          ...(where === "include" ? { "stacks/catalog/x.yaml": `# included\nk: ${t} v\n` } : {}),
        };
        const dir = writeRepo(files);
        const report = await validateRepository(engineAt(dir));
        const [file, line] =
          where === "include"
            ? ["stacks/catalog/x.yaml", 2]
            : ["stacks/deploy/a.yaml", lines.findIndex((l) => l.includes(t)) + 1];
        const hit = report.errors.find((e) => e.message.includes(t) && e.file === join(dir, file));
        expect(hit, `${where}: ${t}: ${report.errors.map((e) => e.message).join("; ")}`).toBeDefined();
        expect(hit!.line).toBe(line);
        expect(hit!.col).toBeGreaterThan(1);
        expect(hit!.hint).toContain("slipway's tags: !env, !unset, !append, !include");
        // Never its argument as a string.
        expect(JSON.stringify(report)).not.toContain('"API_KEY"');
      }),
      { numRuns: 60 },
    );
  });
});
