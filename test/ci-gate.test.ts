// `validate stacks` as the CI gate (schemas, built-ins, the module variable check), each fault reported
// once at the line that holds it, and plan/apply and the drivers validating first.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const slipway = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", SLIPWAY_CACHE: "off", CI: "1" },
  });

const SCHEMA = JSON.stringify({
  type: "object",
  properties: { vars: { type: "object", properties: { size: { enum: ["small", "large"] } } } },
});

function repo(catalogVars = "size: small", prodVars = "replicas: 2") {
  return writeRepo({
    "slipway.yaml": "stacks: {included_paths: ['deploy/*'], name_pattern: '{stage}'}\n",
    "schemas/app.json": SCHEMA,
    "components/terraform/app/variables.tf":
      'variable "size" {\n  type = string\n}\nvariable "replicas" {\n  type    = number\n  default = 1\n}\n',
    "stacks/catalog/app.yaml": `# The app, as every stage runs it.
components:
  terraform:
    app:
      settings:
        validation:
          check: {schema_type: jsonschema, schema_path: schemas/app.json}
      vars:
        ${catalogVars}
`,
    "stacks/deploy/dev.yaml": "import: [catalog/app]\nvars: {stage: dev}\n",
    "stacks/deploy/prod.yaml": `import: [catalog/app]\nvars: {stage: prod}\ncomponents:\n  terraform:\n    app:\n      vars:\n        ${prodVars}\n`,
  });
}

describe("validate stacks is the CI gate", () => {
  it("passes a good repository; a shared var the module does not declare stays a warning", () => {
    const r = slipway(repo(), "validate", "stacks");
    expect(r.status, r.stderr).toBe(0);
    // Each stack sets its own stage, so each is its own warning, at its own line.
    expect(r.stderr).toMatch(
      /^stacks\/deploy\/dev\.yaml:2:\d+: warning: vars\.stage is set for component "app" in stack "dev"/m,
    );
    expect(r.stderr).toMatch(
      /^stacks\/deploy\/prod\.yaml:2:\d+: warning: vars\.stage is set for component "app" in stack "prod"/m,
    );
    expect(r.stderr).not.toContain("error:");
  });

  it("runs settings.validation schemas: a fault in a shared catalog is reported once, at its line, naming every stack", () => {
    const r = slipway(repo("size: huge"), "validate", "stacks");
    expect(r.status).toBe(1);
    const faults = r.stderr.split("\n").filter((l) => l.includes("error:"));
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatch(
      /^stacks\/catalog\/app\.yaml:9:15: error: vars\.size: must be equal to one of the allowed values .*\(the same in stacks (dev, prod|prod, dev)\)$/,
    );
  });

  it("an undeclared var set on the component is an error with the closest declared name", () => {
    const r = slipway(repo("size: small", "replcias: 2"), "validate", "stacks");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /stacks\/deploy\/prod\.yaml:7:\d+: error: vars\.replcias is set for component "app" in stack "prod", but components\/terraform\/app declares no variable "replcias" \(did you mean "replicas"\?\)\n {2}hint: rename it to replicas/,
    );
    // In plan it is a warning: the tool ignores it, and the plan shows it.
    const plan = slipway(repo("size: small", "replcias: 2"), "plan", "-s", "prod", "--dry-run");
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stderr).toMatch(/warning: vars\.replcias is set/);
  });

  it("the built-in component schemas are part of it", () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/lab.yaml":
        "components:\n  ansible:\n    k3s:\n      vars:\n        cluster: {api_endpoint: 10.0.0.1, cni: weave, token: {sops_file: t.enc.yaml}}\n        nodes: [{name: a, address: 10.0.0.1, role: server}]\n",
    });
    const r = slipway(dir, "validate", "stacks");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /vars\.cluster\.cni: Invalid option.*\(builtin: ansible\/k3s; component "k3s" in stack "deploy\/lab"\)/,
    );
  });

  it("plan and the drivers validate first, as Atmos does: nothing runs", () => {
    const dir = repo("size: huge");
    const plan = slipway(dir, "plan", "-s", "prod", "--dry-run");
    expect(plan.status).toBe(1);
    expect(plan.stdout).toMatch(
      /^app\s+terraform\s+failed\s+\S+ s\s+validation: vars\.size: must be equal to one of the allowed values/m,
    );
    const driver = slipway(dir, "terraform", "plan", "app", "-s", "prod", "--dry-run");
    expect(driver.status).toBe(1);
    expect(driver.stderr).toContain("nothing ran");
    expect(driver.stdout).not.toContain("tofu plan");
  });

  it("a stack name that cannot be made is reported in the file and line that define the component", () => {
    const dir = repo();
    // prod's stage goes missing: its name cannot be made from name_pattern.
    const r = slipway(
      writeRepo({
        "slipway.yaml": "stacks: {included_paths: ['deploy/*'], name_pattern: '{stage}'}\n",
        "stacks/catalog/app.yaml":
          "# padding\n# padding\ncomponents:\n  terraform:\n    app: {vars: {a: 1}}\n",
        "stacks/deploy/prod.yaml": "import: [catalog/app]\nvar: {stage: prod}\n",
      }),
      "validate",
      "stacks",
    );
    expect(dir).toBeTruthy();
    expect(r.stderr).toContain(
      'stacks/deploy/prod.yaml:2:1: warning: unknown key var (did you mean "vars"?)',
    );
    expect(r.stderr).toContain(
      'stacks/catalog/app.yaml:5:5: error: cannot name the stack of terraform component "app" in deploy/prod: stacks.name_pattern "{stage}" uses var "stage", which is not set',
    );
  });

  it("plan, describe and render print the stack's manifest warnings too", () => {
    const dir = repo();
    const prod = join(dir, "stacks/deploy/prod.yaml");
    spawnSync("sed", ["-i", "s/^vars: {stage: prod}/vars: {stage: prod}\\nsetings: {a: 1}/", prod]);
    for (const args of [
      ["plan", "-s", "prod", "--dry-run"],
      ["describe", "component", "app", "-s", "prod"],
      ["terraform", "plan", "app", "-s", "prod", "--dry-run"],
    ]) {
      const r = slipway(dir, ...args);
      expect(r.stderr, args.join(" ")).toContain(
        'stacks/deploy/prod.yaml:3:1: warning: unknown key setings (did you mean "settings"?); it is ignored',
      );
    }
  });
});

describe("a stack-level var stays a warning, even when it resembles a declared name", () => {
  it("global `sise` (near `size`) warns for every module instead of failing them all", () => {
    const dir = repo();
    const dev = join(dir, "stacks/deploy/dev.yaml");
    spawnSync("sed", ["-i", "s/^vars: {stage: dev}/vars: {stage: dev, sise: 1}/", dev]);
    const r = slipway(dir, "validate", "stacks");
    expect(r.stderr).toMatch(
      /warning: vars\.sise is set for component "app" in stack "dev".*\(did you mean "size"\?\)/,
    );
    expect(r.status, r.stderr).toBe(0);
  });
});
