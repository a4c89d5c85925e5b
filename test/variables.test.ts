import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkComponentVariables, declaredVariables } from "../src/components/variables.js";
import { SlipwayError } from "../src/core/errors.js";
import { engineAt, repoRoot, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const run = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: { ...process.env, PATH: "" } });

const MODULE = `# the module's inputs
variable "cluster_name" {
  type = string
}

variable "replicas" {
  type    = number
  default = 1
}

variable "region" {
  description = "required, set by the stack"
}
`;

function repo(vars: string, extra: Record<string, string> = {}) {
  return writeRepo({
    "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
    "stacks/deploy/prod.yaml": `vars:\n  region: eu-1\ncomponents:\n  terraform:\n    app:\n      vars:\n${vars}`,
    "components/terraform/app/variables.tf": MODULE,
    "components/terraform/app/main.tf": 'resource "null_resource" "x" {}\n',
    ...extra,
  });
}

describe("variable check (HashiCorp's HCL parser, @cdktf/hcl2json)", () => {
  it("reads variable blocks from .tf and .tf.json files, with required = no default and the declaring line", async () => {
    const dir = repo("        cluster_name: a\n", {
      "components/terraform/app/extra.tf.json": JSON.stringify({ variable: { tags: { default: {} } } }),
    });
    const vars = await declaredVariables(
      join(dir, "components/terraform/app"),
      "terraform",
      join(dir, "cache"),
    );
    expect(vars!.map((v) => [v.name, v.required, v.line])).toEqual([
      ["tags", false, 1],
      ["cluster_name", true, 2],
      ["replicas", false, 6],
      ["region", true, 11],
    ]);
    expect(vars!.find((v) => v.name === "region")!.file).toBe(
      join(dir, "components/terraform/app/variables.tf"),
    );
  });

  it("reports a required variable the stack does not set as an error at the variable block", async () => {
    const dir = repo("        replicas: 2\n");
    const e = engineAt(dir);
    const c = e.resolveComponent("deploy/prod", "app");
    const report = await checkComponentVariables(e, c, join(dir, "components/terraform/app"));
    expect(report!.errors).toHaveLength(1);
    const err = report!.errors[0]!;
    expect(err.message).toMatch(
      /required variable "cluster_name" \(no default\) is not set for component "app"/,
    );
    expect([err.file, err.line]).toEqual([join(dir, "components/terraform/app/variables.tf"), 2]);
    expect(err.hint).toMatch(/set vars\.cluster_name for this component in the stack/);
  });

  it("warns about a var the module does not declare, at the stack line that sets it, naming the closest declared one", async () => {
    const dir = repo("        cluster_name: a\n        replica: 3\n");
    const e = engineAt(dir);
    const report = await checkComponentVariables(
      e,
      e.resolveComponent("deploy/prod", "app"),
      join(dir, "components/terraform/app"),
    );
    expect(report!.errors).toEqual([]);
    expect(report!.warnings).toHaveLength(1);
    const w = report!.warnings[0]!;
    expect(w.message).toMatch(
      /vars\.replica is set .* declares no variable "replica" \(did you mean "replicas"\?\)/,
    );
    expect([w.file, w.line]).toEqual([join(dir, "stacks/deploy/prod.yaml"), 8]);
  });

  it("turns an HCL syntax error into file:line:col", async () => {
    const dir = repo("        cluster_name: a\n", {
      "components/terraform/app/broken.tf": 'variable "x" {\n  default = \n}\n',
    });
    const err = await declaredVariables(
      join(dir, "components/terraform/app"),
      "terraform",
      join(dir, "cache"),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlipwayError);
    const s = err as SlipwayError;
    expect([s.file, s.line, s.col]).toEqual([join(dir, "components/terraform/app/broken.tf"), 2, 13]);
    expect(s.message).toMatch(/Invalid expression/);
  });

  it("caches by content: a second read uses the cache entry; an edited file is parsed again", async () => {
    const dir = repo("        cluster_name: a\n");
    const folder = join(dir, "components/terraform/app");
    const cache = join(dir, "cache");
    await declaredVariables(folder, "terraform", cache);
    expect(readdirSync(cache)).toHaveLength(1);
    // Poison the cache entry: if the second read parsed again it would still see three variables.
    const entry = join(cache, readdirSync(cache)[0]!);
    writeFileSync(
      entry,
      JSON.stringify([{ name: "from_cache", required: false, file: "variables.tf", line: 1 }]),
    );
    expect((await declaredVariables(folder, "terraform", cache))!.map((v) => v.name)).toEqual(["from_cache"]);
    writeFileSync(join(folder, "variables.tf"), MODULE + 'variable "more" {}\n');
    expect((await declaredVariables(folder, "terraform", cache))!.map((v) => v.name)).toContain("more");
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it("checks Packer templates' variable blocks (.pkr.hcl) the same way", async () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/prod.yaml": "components:\n  packer:\n    img:\n      vars: {iso_url: x}\n",
      "components/packer/img/img.pkr.hcl":
        'variable "iso_url" {\n  type = string\n}\nvariable "vm_name" {\n  type = string\n}\n',
    });
    const e = engineAt(dir);
    const report = await checkComponentVariables(
      e,
      e.resolveComponent("deploy/prod", "img"),
      join(dir, "components/packer/img"),
    );
    expect(report!.errors.map((x) => x.message)).toEqual([
      'required variable "vm_name" (no default) is not set for component "img" in stack "deploy/prod"',
    ]);
  });

  it("CLI: the driver refuses to run (and writes nothing) when a required variable is missing; validate component reports it", () => {
    const dir = repo("        replicas: 2\n");
    const r = run(dir, "terraform", "plan", "app", "-s", "deploy/prod", "--dry-run");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'components/terraform/app/variables.tf:2:1: error: required variable "cluster_name" (no default) is not set',
    );
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, "components/terraform/app/deploy-prod-app.terraform.tfvars.json"))).toBe(
      false,
    );
    const v = run(dir, "validate", "component", "app", "-s", "deploy/prod");
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/1 error\(s\): variables \(components\/terraform\/app\)/);
    expect(v.stderr).toContain("variables.tf:2:1: error: required variable");
    const ok = run(
      repo("        cluster_name: a\n        replica: 3\n"),
      "validate",
      "component",
      "app",
      "-s",
      "deploy/prod",
    );
    expect(ok.status).toBe(0);
    expect(ok.stderr).toMatch(
      /stacks\/deploy\/prod\.yaml:8:18: warning: vars\.replica .*did you mean "replicas"/,
    );
  });

  it("plan -s marks a component with a missing required variable failed, and its log says why", () => {
    const dir = repo("        replicas: 2\n");
    const r = run(dir, "plan", "-s", "deploy/prod", "--dry-run");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/app\s+terraform\s+failed/);
    expect(r.stderr).toMatch(
      /error: app failed: variable check: .*\n {2}log: \.slipway\/logs\/deploy-prod\/app\.log/,
    );
  });
});
