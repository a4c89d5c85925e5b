import { describe, expect, it } from "vitest";
import { registerBuiltin } from "../src/schema/builtins.js";
import { validateComponent } from "../src/stack/validate-component.js";
import { z } from "zod";
import { engineAt, repoRoot, slipwayErrorOf, writeRepo } from "./helpers.js";
import { join } from "node:path";

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
  it("passes a component that meets its JSON Schema", () => {
    const r = validateComponent(engineAt(repo("{size: 2}")), "deploy/a", "app");
    expect(r.checks).toEqual(["size (schemas/size.json)"]);
    expect(r.findings).toEqual([]);
  });

  it("reports every violation with its path", () => {
    const r = validateComponent(engineAt(repo("{size: 0}")), "deploy/a", "app");
    expect(r.findings).toEqual([
      { validation: "size", schema: "schemas/size.json", path: "vars.size", message: "must be >= 1" },
    ]);
    const missing = validateComponent(engineAt(repo("{}")), "deploy/a", "app");
    expect(missing.findings.map((f) => f.message)).toEqual(["must have required property 'size'"]);
  });

  it("a schema_path that does not exist is an error saying where it looked", () => {
    const dir = repo("{size: 1}", "validation:\n          size: {schema_path: schemas/nope.json}");
    const e = slipwayErrorOf(() => validateComponent(engineAt(dir), "deploy/a", "app"));
    expect(e.message).toBe('settings.validation.size.schema_path "schemas/nope.json" not found');
  });

  it("checks built-in components against their registered vars schema", () => {
    registerBuiltin("terraform", "test-builtin", z.object({ replicas: z.number().int().min(1) }));
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/a.yaml":
        "components:\n  terraform:\n    app:\n      metadata: {component: test-builtin}\n      vars: {replicas: 0}\n",
    });
    const r = validateComponent(engineAt(dir), "deploy/a", "app");
    expect(r.checks).toEqual(["builtin (terraform/test-builtin)"]);
    expect(r.findings[0]).toMatchObject({ validation: "builtin", path: "vars.replicas" });
  });

  it("the homelab example's k3s-cluster meets its 2020-12 schema", () => {
    const r = validateComponent(engineAt(join(repoRoot, "examples", "homelab")), "pve-prod", "k3s-cluster");
    expect(r.checks).toEqual(["k3s-cluster (stacks/schemas/jsonschema/k3s-cluster.json)"]);
    expect(r.findings).toEqual([]);
  });
});
