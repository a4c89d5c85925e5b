import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findConfigFile } from "../src/config/load-config.js";
import { loadStacksConfig } from "../src/repo/open-stacks.js";
import { slipwayErrorOf, writeRepo } from "./helpers.js";

describe("finding the config", () => {
  it("prefers --config, then SLIPWAY_CONFIG, then ATMOS_CLI_CONFIG_PATH, then the folders up to the git root", () => {
    const dir = writeRepo({
      "a/slipway.yaml": "{}\n",
      "b/atmos.yaml": "{}\n",
      "c/slipway.yaml": "{}\n",
      "repo/.git/HEAD": "ref: refs/heads/main\n",
      "repo/atmos.yaml": "{}\n",
      "repo/deep/er/.keep": "",
    });
    const cwd = join(dir, "repo/deep/er");
    const env = { SLIPWAY_CONFIG: join(dir, "a"), ATMOS_CLI_CONFIG_PATH: join(dir, "b") };
    expect(findConfigFile({ explicit: join(dir, "c/slipway.yaml"), cwd, env })).toBe(
      join(dir, "c/slipway.yaml"),
    );
    expect(findConfigFile({ cwd, env })).toBe(join(dir, "a/slipway.yaml"));
    expect(findConfigFile({ cwd, env: { ATMOS_CLI_CONFIG_PATH: join(dir, "b") } })).toBe(
      join(dir, "b/atmos.yaml"),
    );
    expect(findConfigFile({ cwd, env: {} })).toBe(join(dir, "repo/atmos.yaml"));
  });

  it("takes slipway.yaml over atmos.yaml in the same folder", () => {
    const dir = writeRepo({ "slipway.yaml": "{}\n", "atmos.yaml": "{}\n" });
    expect(findConfigFile({ cwd: dir, env: {} })).toBe(join(dir, "slipway.yaml"));
  });

  it("stops at the git root and says how to fix it", () => {
    const dir = writeRepo({ "slipway.yaml": "{}\n", "repo/.git/HEAD": "x\n" });
    const e = slipwayErrorOf(() => findConfigFile({ cwd: join(dir, "repo"), env: {} }));
    expect(e.message).toMatch(/no slipway.yaml or atmos.yaml/);
    expect(e.hint).toMatch(/--config/);
  });

  it("a --config that points nowhere is an error naming the flag", () => {
    const e = slipwayErrorOf(() => findConfigFile({ explicit: "/nonexistent/x", cwd: "/", env: {} }));
    expect(e.message).toMatch(/--config points at \/nonexistent\/x/);
  });
});

describe("loading the config", () => {
  it("fills defaults and makes paths absolute relative to the file", () => {
    const dir = writeRepo({ "slipway.yaml": "base_path: ./infra\n" });
    const c = loadStacksConfig(join(dir, "slipway.yaml"));
    expect(c.basePath).toBe(join(dir, "infra"));
    expect(c.stacks.basePath).toBe(join(dir, "infra/stacks"));
    expect(c.components.terraform).toEqual({
      basePath: join(dir, "infra/components/terraform"),
      command: "tofu",
    });
    expect(c.listMergeStrategy).toBe("replace");
    expect(c.templatesEnabled).toBe(true);
  });

  it("reads every documented field", () => {
    const dir = writeRepo({
      "atmos.yaml": [
        "components:",
        "  terraform: {base_path: tf, command: terraform}",
        "  packer: {base_path: images}",
        "stacks:",
        "  base_path: conf",
        "  included_paths: ['orgs/**/*']",
        "  excluded_paths: ['**/_defaults.yaml']",
        "  name_pattern: '{tenant}-{stage}'",
        "workflows: {base_path: conf/workflows}",
        "settings: {list_merge_strategy: append}",
        "templates: {settings: {enabled: false}}",
      ].join("\n"),
    });
    const c = loadStacksConfig(join(dir, "atmos.yaml"));
    expect(c.components.terraform.command).toBe("terraform");
    expect(c.components.packer.basePath).toBe(join(dir, "images"));
    expect(c.stacks).toMatchObject({
      basePath: join(dir, "conf"),
      includedPaths: ["orgs/**/*"],
      namePattern: "{tenant}-{stage}",
    });
    expect(c.workflowsBasePath).toBe(join(dir, "conf/workflows"));
    expect([c.listMergeStrategy, c.templatesEnabled]).toEqual(["append", false]);
  });

  it("warns about unknown fields with their place, but not about Atmos fields it ignores", () => {
    const dir = writeRepo({
      "slipway.yaml": "logs:\n  level: Info\nstacks:\n  base_path: stacks\n  nmae_pattern: x\n",
    });
    const c = loadStacksConfig(join(dir, "slipway.yaml"));
    expect(c.warnings).toEqual([
      {
        message: 'unknown config field "stacks.nmae_pattern" is ignored',
        file: join(dir, "slipway.yaml"),
        line: 5,
        col: 3,
      },
    ]);
  });

  it("loads an atmos.yaml full of Atmos-only settings without warnings", () => {
    const dir = writeRepo({
      "atmos.yaml": [
        "components:",
        "  terraform: {base_path: tf, apply_auto_approve: false, deploy_run_init: true, init_run_reconfigure: true, auto_generate_backend_file: false}",
        "  helmfile: {base_path: hf}",
        "stacks: {base_path: stacks, name_template: '{{ .vars.stage }}'}",
        "auth: {providers: {}}",
        "settings: {experimental: warn}",
        "schemas: {jsonschema: {base_path: stacks/schemas/jsonschema}}",
      ].join("\n"),
    });
    expect(loadStacksConfig(join(dir, "atmos.yaml")).warnings).toEqual([]);
  });

  it("rejects a field of the wrong type with file, line and column", () => {
    const dir = writeRepo({ "slipway.yaml": "settings:\n  list_merge_strategy: sideways\n" });
    const e = slipwayErrorOf(() => loadStacksConfig(join(dir, "slipway.yaml")));
    expect(e.code).toBe("config");
    expect([e.line, e.col]).toEqual([2, 24]);
    expect(e.message).toMatch(/settings.list_merge_strategy/);
  });
});

describe("!env and !include in stacks", () => {
  it("resolve at load time, relative to the including file or the repository", async () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/a.yaml": [
        "vars:",
        "  region: !env AWS_REGION",
        "  zone: !env NO_SUCH_VAR eu-west-1a",
        "  policy: !include ./policy.json",
        "  motd: !include files/motd.txt",
        "  nested: !include ./nested.yaml",
        "components: {terraform: {app: {}}}",
      ].join("\n"),
      "stacks/deploy/policy.json": '{"10": "ten", "b": [1, 2]}',
      "stacks/deploy/nested.yaml": "x: 1\ny: [a]\n",
      "files/motd.txt": "hello\n",
    });
    mkdirSync(join(dir, "unused"), { recursive: true });
    writeFileSync(join(dir, "unused/.keep"), "");
    const { engineAt } = await import("./helpers.js");
    const vars = engineAt(dir, { AWS_REGION: "eu-west-1" }).resolveComponent("deploy/a", "app").vars;
    expect(vars).toEqual({
      region: "eu-west-1",
      zone: "eu-west-1a",
      policy: { "10": "ten", b: [1, 2] },
      motd: "hello\n",
      nested: { x: 1, y: ["a"] },
    });
  });

  it("a missing or empty !include path is an error with file, line and what to write", async () => {
    const { engineAt } = await import("./helpers.js");
    const repo = (line: string) =>
      writeRepo({
        "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
        "stacks/deploy/a.yaml": `vars:\n  x: 1\n  policy: ${line}\ncomponents: {terraform: {app: {}}}\n`,
      });
    const missing = slipwayErrorOf(() => engineAt(repo("!include ./nope.json")).stacks());
    expect(missing.message).toMatch(/!include: file not found: \.\/nope\.json/);
    expect([missing.line, missing.col]).toEqual([3, 11]);
    const empty = slipwayErrorOf(() => engineAt(repo("!include")).stacks());
    expect(empty.message).toMatch(/!include needs a file path/);
    expect(empty.line).toBe(3);
  });
});
