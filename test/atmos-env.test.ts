// An atmos.yaml reads the documented ATMOS_* variables over its fields. The real Atmos is the oracle: the
// same repository and environment through both tools, `describe stacks` compared on stack names, vars and
// command.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "./helpers.js";
import { atmosEnv, havePeers, peer } from "./peers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const ready = havePeers("ATMOS_* variables against Atmos (test/atmos-env.test.ts)", "atmos");

function repository(): string {
  const dir = join(tempDir(), "atmos-env");
  const files: Record<string, string> = {
    "atmos.yaml": [
      'base_path: "."',
      "components:",
      "  terraform:",
      "    base_path: components/terraform",
      "stacks:",
      "  base_path: stacks",
      '  included_paths: ["deploy/**/*"]',
      '  name_template: "{{ .vars.stage }}"',
      "",
    ].join("\n"),
    "stacks/catalog/app.yaml": "components:\n  terraform:\n    app:\n      vars:\n        zones: [a, b]\n",
    "stacks/deploy/dev.yaml":
      "import: [catalog/app]\nvars:\n  stage: dev\n  region: west\ncomponents:\n  terraform:\n    app:\n      vars:\n        zones: [c]\n",
    "stacks/alt/lab.yaml":
      "import: [catalog/app]\nvars:\n  stage: lab\n  region: east\ncomponents:\n  terraform:\n    app:\n      vars:\n        size: 2\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  mkdirSync(join(dir, "components/terraform/app"), { recursive: true });
  return dir;
}

type Json = Record<
  string,
  Record<string, Record<string, Record<string, { vars: unknown; command: unknown }>>>
>;

/** Stack → component → its vars and command, from `describe stacks --format json`. */
function summary(out: string): Record<string, unknown> {
  const all = JSON.parse(out) as Json;
  return Object.fromEntries(
    Object.entries(all).map(([stack, body]) => [
      stack,
      Object.fromEntries(
        Object.entries(body.components?.terraform ?? {}).map(([c, s]) => [
          c,
          { vars: s.vars, command: s.command },
        ]),
      ),
    ]),
  );
}

function both(dir: string, cwd: string, env: Record<string, string>) {
  const base = { PATH: process.env.PATH, HOME: dir, ...env };
  const a = spawnSync(peer("atmos"), ["describe", "stacks", "--format", "json"], {
    cwd,
    encoding: "utf8",
    env: atmosEnv(dir, env),
  });
  const s = spawnSync(process.execPath, [bin, "describe", "stacks", "--format", "json"], {
    cwd,
    encoding: "utf8",
    env: { ...base, SLIPWAY_CACHE: "off" },
  });
  expect(a.status, a.stderr).toBe(0);
  expect(s.status, s.stderr).toBe(0);
  return { atmos: summary(a.stdout), slipway: summary(s.stdout), stderr: s.stderr };
}

describe.runIf(ready)("ATMOS_* variables with an atmos.yaml, as Atmos reads them", () => {
  const dir = repository();
  const cases: [string, Record<string, string>, (r: Record<string, unknown>) => void][] = [
    ["no variables: terraform is the default command", {}, (r) => expect(Object.keys(r)).toEqual(["dev"])],
    [
      "ATMOS_COMPONENTS_TERRAFORM_COMMAND",
      { ATMOS_COMPONENTS_TERRAFORM_COMMAND: "tofu" },
      (r) => expect((r.dev as Json[string])["app"]).toMatchObject({ command: "tofu" }),
    ],
    [
      "ATMOS_STACKS_INCLUDED_PATHS (comma-separated)",
      { ATMOS_STACKS_INCLUDED_PATHS: "alt/**/*,deploy/**/*" },
      (r) => expect(Object.keys(r).sort()).toEqual(["dev", "lab"]),
    ],
    [
      "ATMOS_STACKS_NAME_TEMPLATE",
      { ATMOS_STACKS_NAME_TEMPLATE: "{{ .vars.region }}-{{ .vars.stage }}" },
      (r) => expect(Object.keys(r)).toEqual(["west-dev"]),
    ],
    [
      "ATMOS_SETTINGS_LIST_MERGE_STRATEGY",
      { ATMOS_SETTINGS_LIST_MERGE_STRATEGY: "append" },
      (r) =>
        expect((r.dev as Record<string, { vars: Record<string, unknown> }>).app!.vars.zones).toEqual([
          "a",
          "b",
          "c",
        ]),
    ],
  ];
  for (const [what, env, check] of cases) {
    it(`${what}: the same stacks, vars and commands as Atmos`, () => {
      const r = both(dir, dir, env);
      expect(r.slipway).toEqual(r.atmos);
      check(r.slipway);
    });
  }

  it("ATMOS_BASE_PATH and ATMOS_STACKS_BASE_PATH: run from another folder, the repository found through them", () => {
    const elsewhere = join(tempDir(), "elsewhere");
    mkdirSync(elsewhere, { recursive: true });
    const r = both(dir, elsewhere, {
      ATMOS_CLI_CONFIG_PATH: dir,
      ATMOS_BASE_PATH: dir,
      ATMOS_STACKS_BASE_PATH: "stacks",
    });
    expect(r.slipway).toEqual(r.atmos);
    expect(Object.keys(r.slipway)).toEqual(["dev"]);
  });
});

describe("ATMOS_* variables slipway has no use for, or cannot read", () => {
  const dir = repository();
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [bin, "describe", "stacks", "--format", "json"], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: dir, SLIPWAY_CACHE: "off", ...env },
    });
  it("a documented Atmos setting slipway does not read is a warning, not silently ignored", () => {
    const r = run({ ATMOS_COMPONENTS_TERRAFORM_AUTO_GENERATE_BACKEND_FILE: "false" });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      "ATMOS_COMPONENTS_TERRAFORM_AUTO_GENERATE_BACKEND_FILE is set, but slipway does not read it",
    );
  });
  it("a list merge strategy that does not exist is an error naming the variable", () => {
    const r = run({ ATMOS_SETTINGS_LIST_MERGE_STRATEGY: "concat" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'ATMOS_SETTINGS_LIST_MERGE_STRATEGY is "concat", which is not a list merge strategy',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it("a slipway.yaml does not read them", () => {
    const plain = join(tempDir(), "plain");
    mkdirSync(join(plain, "stacks"), { recursive: true });
    writeFileSync(join(plain, "slipway.yaml"), "stacks:\n  base_path: stacks\n");
    writeFileSync(join(plain, "stacks/dev.yaml"), "components:\n  terraform:\n    app:\n      vars: {}\n");
    const r = spawnSync(process.execPath, [bin, "describe", "stacks", "--format", "json"], {
      cwd: plain,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: plain,
        SLIPWAY_CACHE: "off",
        ATMOS_COMPONENTS_TERRAFORM_COMMAND: "terraform",
      },
    });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Json).dev!.components!.terraform!.app!.command).toBe("tofu");
  });
});
