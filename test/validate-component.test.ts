import { describe, expect, it } from "vitest";
import { validateComponent } from "../src/components/validate-component.js";
import { engineAt, repoRoot, writeRepo } from "./helpers.js";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { havePeers, peersBin } from "./peers.js";

const schema = JSON.stringify({
  type: "object",
  properties: {
    vars: { type: "object", required: ["size"], properties: { size: { type: "integer", minimum: 1 } } },
  },
});

function repo(
  vars: string,
  validation = "validation:\n          size: {schema_type: jsonschema, schema_path: schemas/size.json}",
) {
  return writeRepo({
    "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
    "schemas/size.json": schema,
    "stacks/deploy/a.yaml": `components:\n  terraform:\n    app:\n      settings:\n        ${validation}\n      vars: ${vars}\n`,
  });
}

describe("validate component", () => {
  it("passes a component that meets its JSON Schema", async () => {
    const r = await validateComponent(engineAt(repo("{size: 2}")), "deploy/a", "app");
    expect(r.checks).toEqual(["size (schemas/size.json)"]);
    expect(r.findings).toEqual([]);
  });

  it("reports every violation with its path", async () => {
    const r = await validateComponent(engineAt(repo("{size: 0}")), "deploy/a", "app");
    expect(r.findings).toEqual([
      { validation: "size", schema: "schemas/size.json", path: "vars.size", message: "must be >= 1" },
    ]);
    const missing = await validateComponent(engineAt(repo("{}")), "deploy/a", "app");
    expect(missing.findings.map((f) => f.message)).toEqual(["must have required property 'size'"]);
  });

  it("a schema_path that does not exist is an error saying where it looked", async () => {
    const dir = repo("{size: 1}", "validation:\n          size: {schema_path: schemas/nope.json}");
    await expect(validateComponent(engineAt(dir), "deploy/a", "app")).rejects.toMatchObject({
      name: "SlipwayError",
      message: 'settings.validation.size.schema_path "schemas/nope.json" not found',
    });
  });

  it("checks built-in components against the vars schema their type registers", async () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/a.yaml":
        "components:\n  kubernetes:\n    app:\n      metadata: {component: gitops}\n      vars: {repository: {url: 'https://example.org/r.git'}, interval: soon}\n",
    });
    const r = await validateComponent(engineAt(dir), "deploy/a", "app");
    expect(r.checks).toEqual(["builtin (kubernetes/gitops)"]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ validation: "builtin", path: "vars.interval" });
  });

  it("the homelab example's k3s-cluster meets its 2020-12 schema", async () => {
    const r = await validateComponent(
      engineAt(join(repoRoot, "examples", "homelab")),
      "pve-prod",
      "k3s-cluster",
    );
    expect(r.checks).toEqual(["k3s-cluster (stacks/schemas/jsonschema/k3s-cluster.json)"]);
    expect(r.findings).toEqual([]);
  });
});

describe("validate component: OPA policies, run by the real opa (built by `npm run peers`)", () => {
  const bin = join(repoRoot, "bin", "slipway.js");
  const opaRepo = (vars: string) =>
    writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "schemas/size.json": schema,
      // Rego v0 syntax, as Atmos's own examples write it (Atmos evaluates policies v0-compatibly).
      "stacks/schemas/opa/app/policy.rego":
        'package atmos\n\nimport data.constants\n\nerrors[message] {\n  input.vars.size > constants.max_size\n  message := sprintf("size %v is over %v", [input.vars.size, constants.max_size])\n}\n\nerrors[message] {\n  not input.vars.owner\n  message := "owner must be set"\n}\n',
      "stacks/schemas/opa/lib/constants.rego": "package constants\n\nmax_size := 10\n",
      // Left out as Atmos leaves it out; it would not even parse.
      "stacks/schemas/opa/lib/constants_test.rego": "package constants\n\nthis is not rego\n",
      "stacks/deploy/a.yaml": [
        "components:",
        "  terraform:",
        "    app:",
        "      settings:",
        "        validation:",
        "          size: {schema_type: jsonschema, schema_path: schemas/size.json}",
        "          policy: {schema_type: opa, schema_path: app/policy.rego, module_paths: [lib]}",
        `      vars: ${vars}`,
        "",
      ].join("\n"),
    });
  const run = (dir: string, path: string) =>
    spawnSync(process.execPath, [bin, "validate", "component", "app", "-s", "deploy/a"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PATH: path },
    });

  it.runIf(havePeers("OPA policies (test/validate-component.test.ts)", "opa"))(
    "reports every message the policy's errors hold, beside the JSON Schema findings",
    () => {
      const bad = run(opaRepo("{size: 12}"), `${peersBin}:${process.env.PATH}`);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toBe(
        "2 error(s): size (schemas/size.json), policy (stacks/schemas/opa/app/policy.rego)\n",
      );
      expect(bad.stderr).toMatch(
        /error: \(policy\): size 12 is over 10 \(policy: stacks\/schemas\/opa\/app\/policy\.rego\)/,
      );
      expect(bad.stderr).toMatch(/error: \(policy\): owner must be set/);
      const good = run(opaRepo("{size: 3, owner: me}"), `${peersBin}:${process.env.PATH}`);
      expect([good.status, good.stdout]).toEqual([
        0,
        "ok: size (schemas/size.json), policy (stacks/schemas/opa/app/policy.rego)\n",
      ]);
    },
  );

  it("without opa on PATH says which policies it did not run and how to get opa; JSON Schemas still run", () => {
    const r = run(opaRepo("{size: 0}"), "/usr/bin:/bin");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("1 error(s): size (schemas/size.json)\n");
    expect(r.stderr).toMatch(
      /warning: settings\.validation\.policy: OPA policy stacks\/schemas\/opa\/app\/policy\.rego not run: opa is not on PATH; install OPA/,
    );
  });
});
