// Schemas that catch what the API server refuses: unknown fields with the closest name, removed API versions
// against a Kubernetes version, unknown kinds, enums, CRDs from the tree and from --crds, and objects left
// without a schema. The fixtures are planted faults (test/fixtures/manifests/schemas); the real API server
// judges the same files in test/crd-schemas-oracle.test.ts.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crdCatalog, crdErrors } from "../src/manifests/crd-schemas.js";
import { shapeOf, shareShapes, type CrdShape } from "../src/manifests/crd-shape.js";
import { validateManifests, type ValidateManifestsOptions } from "../src/manifests/validate.js";
import { fixture, repoRoot } from "./helpers.js";

const cwd = fixture("manifests", "schemas");
// The fixtures are single objects about schemas: the platform and cross-object rules (a route's backend
// Service is not in these trees) are tested elsewhere.
const run = (paths: string[], opts: Partial<ValidateManifestsOptions> = {}) =>
  validateManifests(paths, {
    cwd,
    build: false,
    disable: ["no-requests", "helm-chart-unpinned", "backend-missing", "service-no-pods"],
    ...opts,
  });
const lines = (r: Awaited<ReturnType<typeof run>>) =>
  r.findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line} ${f.message}`);

describe("schemas: flux-operator's patch of Flux's Alert CRD", () => {
  it("accepts FluxInstance event sources where the tree installs flux-operator, and says why it refuses them elsewhere", async () => {
    const withOperator = await run(["flux-operator/with"]);
    expect(lines(withOperator)).toEqual([]);
    const without = await run(["flux-operator/without"]);
    expect(lines(without)).toEqual([
      expect.stringMatching(
        /^error schema flux-operator\/without\/alert\.yaml:11 spec\.eventSources\.0\.kind: "FluxInstance" is not one of .*; flux-operator adds FluxInstance to this CRD when it installs Flux, and no flux-operator install is in this tree$/,
      ),
    ]);
  });
});

describe("schemas: unknown fields, kinds and enums", () => {
  it("names the closest field, kind and enum value, for built-in kinds and every bundled CRD family", async () => {
    const r = await run(["faults/core.yaml", "faults/custom.yaml"]);
    expect(lines(r)).toEqual([
      'error schema faults/core.yaml:8 spec.replcias: unknown field (did you mean "replicas"?)',
      "error schema faults/core.yaml:22 kind: apps/v1 has no kind Deploymnet in Kubernetes v1.36.3 (did you mean Deployment?)",
      'error schema faults/custom.yaml:12 spec.sourceRef.kind: "GitRepo" is not one of "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"',
      'error schema faults/custom.yaml:20 spec.interval: missing required field "interval"',
      'error schema faults/custom.yaml:21 spec.intervall: unknown field "intervall" (did you mean "interval"?)',
      'error schema faults/custom.yaml:32 spec.secretName: missing required field "secretName"',
      'error schema faults/custom.yaml:33 spec.secretname: unknown field "secretname" (did you mean "secretName"?)',
      'error schema faults/custom.yaml:47 spec.rules.0.backendRefs.0.port: must be an integer, not string "eighty"',
      'error schema faults/custom.yaml:56 spec.ingres: unknown field "ingres" (did you mean "ingress"?)',
      'error schema faults/custom.yaml:64 spec.endpoints: missing required field "endpoints"',
      'error schema faults/custom.yaml:66 spec.endpoint: unknown field "endpoint" (did you mean "endpoints"?)',
      "error schema faults/custom.yaml:70 kind: source.toolkit.fluxcd.io has no kind GitRepostory in the CRDs of flux v2.9.5 (did you mean GitRepository?); if your release is newer, pass its CRDs with --crds DIR",
      'error schema faults/custom.yaml:82 metadata.lables: unknown field (did you mean "labels"?)',
      "error schema faults/custom.yaml:84 metadata.annotations.revision: must be a string (quote it)",
      'error schema faults/custom.yaml:93 spec.instances: missing required field "instances"',
      'error schema faults/custom.yaml:94 spec.instance: unknown field "instance" (did you mean "instances"?)',
    ]);
    expect(r.summary.withoutSchema).toBe(0);
  });

  it("open maps, preserve-unknown-fields, int-or-string and Flux variables are not errors; a gated beta API is a warning", async () => {
    const r = await run(["clean"]);
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(lines(r)).toEqual([
      expect.stringMatching(
        /^warning api-version clean\/gated\.yaml:2 .*MutatingAdmissionPolicy admissionregistration\.k8s\.io\/v1beta1 is not served by a default Kubernetes v1\.36\.3 API server: it needs --runtime-config=admissionregistration\.k8s\.io\/v1beta1=true/,
      ),
      expect.stringMatching(
        /^warning api-version clean\/open-maps\.yaml:55 .*kyverno\.io\/v1 ClusterPolicy is deprecated/,
      ),
    ]);
    // Its fields are not checked (no data for a version the default server does not serve): counted.
    expect(r.summary.withoutSchema).toBe(1);
  });
});

describe("removed API versions", () => {
  it("are errors naming the release that removed them and what replaces them", async () => {
    const r = await run(["faults/removed.yaml"]);
    expect(lines(r).filter((l) => / api-/.test(l))).toEqual([
      "error api-removed faults/removed.yaml:2 apiVersion: apps/v1beta1 Deployment: removed in Kubernetes 1.16, use apps/v1",
      "error api-removed faults/removed.yaml:16 apiVersion: extensions/v1beta1 Ingress: removed in Kubernetes 1.22, use networking.k8s.io/v1",
      "error api-removed faults/removed.yaml:25 apiVersion: policy/v1beta1 PodSecurityPolicy: removed in Kubernetes 1.25, nothing replaces it: use Pod Security Admission (namespace labels) or a policy engine",
      "error api-removed faults/removed.yaml:32 apiVersion: batch/v1beta1 CronJob: removed in Kubernetes 1.25, use batch/v1",
      "error api-removed faults/removed.yaml:48 apiVersion: autoscaling/v2beta2 HorizontalPodAutoscaler: removed in Kubernetes 1.26, use autoscaling/v2",
    ]);
    expect(r.summary.kubernetesVersion).toBe("1.36");
  });

  it("--kubernetes-version: an API removed only after that version is a deprecation warning", async () => {
    const r = await run(["faults/removed.yaml"], { kubernetesVersion: "1.22" });
    const api = r.findings.filter((f) => f.rule.startsWith("api-"));
    expect(api.map((f) => `${f.rule} ${f.object?.kind}`)).toEqual([
      "api-removed Deployment",
      "api-removed Ingress",
      "api-version PodSecurityPolicy",
      "api-version CronJob",
      "api-version HorizontalPodAutoscaler",
    ]);
    expect(api[3]!.message).toBe(
      "apiVersion: batch/v1beta1 CronJob: deprecated, removed in Kubernetes 1.25 (validating for 1.22); use batch/v1",
    );
    expect(r.summary.kubernetesVersion).toBe("1.22");
  });

  it("an invalid --kubernetes-version is a usage error", async () => {
    const e = await run(["faults"], { kubernetesVersion: "latest" }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: "usage",
      message: "--kubernetes-version latest: not a Kubernetes version",
    });
  });
});

describe("CRDs from the tree and from --crds", () => {
  it("a CRD in the tree checks its own kind's objects", async () => {
    const r = await run(["in-tree"]);
    expect(lines(r)).toEqual([
      'error schema in-tree/widgets.yaml:39 spec.replicas: must be an integer, not string "one"',
      'error schema in-tree/widgets.yaml:40 spec.prot: unknown field "prot" (did you mean "port"?)',
    ]);
  });

  it("without their CRDs objects are counted as without a schema; --crds DIR checks them, deprecated versions warn", async () => {
    const none = await run(["gadgets"]);
    expect(none.findings).toEqual([]);
    expect(none.summary.withoutSchema).toBe(3);
    const r = await run(["gadgets"], { crds: ["gadget-crds"] });
    expect(r.summary.withoutSchema).toBe(0);
    expect(lines(r)).toEqual([
      'error schema gadgets/gadgets.yaml:17 spec.size: missing required field "size"',
      'error schema gadgets/gadgets.yaml:18 spec.sise: unknown field "sise" (did you mean "size"?)',
      'error schema gadgets/gadgets.yaml:19 spec.colour: "purple" is not one of "red", "green", "blue"',
      "warning api-version gadgets/gadgets.yaml:21 apiVersion: tools.example.com/v1beta1 Gadget is deprecated; use tools.example.com/v1",
    ]);
  });

  it("--crds naming a folder that does not exist is a usage error", async () => {
    const e = await run(["gadgets"], { crds: ["no-such-folder"] }).catch((x: unknown) => x as Error);
    expect(e).toMatchObject({ code: "usage" });
    expect((e as Error).message).toMatch(/^--crds .*no-such-folder: no such file or folder$/);
  });
});

describe("the CRD schema walker", () => {
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    spec: {
      group: "t.example.com",
      names: { kind: "Thing" },
      versions: [
        {
          name: "v1",
          served: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  properties: {
                    n: { type: "number" },
                    on: { type: "boolean" },
                    list: { type: "array", items: { type: "string" } },
                    nullable: { type: "string", nullable: true },
                    template: {
                      type: "object",
                      "x-kubernetes-embedded-resource": true,
                      properties: { spec: { type: "object" } },
                    },
                  },
                },
              },
            },
          },
        },
        { name: "v0", served: false, schema: { openAPIV3Schema: { type: "object" } } },
      ],
    },
  };
  const cat = crdCatalog([{ crd, from: "a test CRD" }]);
  const check = (spec: unknown, apiVersion = "t.example.com/v1") =>
    crdErrors({ apiVersion, kind: "Thing", metadata: { name: "x" }, spec }, cat);

  it("checks types, list items and embedded objects; null values are pruned by the server, not errors", () => {
    expect(
      check({
        n: 1.5,
        on: true,
        list: ["a"],
        nullable: null,
        template: { apiVersion: "v1", kind: "Pod", spec: {} },
      }),
    ).toEqual({ errors: [] });
    expect(
      check({ n: "1", on: "yes", list: [1] })!.errors.map((e) => `${e.path.join(".")}: ${e.message}`),
    ).toEqual([
      'spec.n: must be a number, not string "1"',
      'spec.on: must be a boolean, not string "yes"',
      "spec.list.0: must be a string, not number 1",
    ]);
  });

  it("a version the CRD does not serve is an error naming the served ones", () => {
    expect(check({}, "t.example.com/v0")!.errors[0]!.message).toBe(
      "Thing t.example.com/v0 is not served by the CRDs of a test CRD: use t.example.com/v1",
    );
  });

  it("a group no CRD defines is left to other checks", () => {
    expect(crdErrors({ apiVersion: "other.example.com/v1", kind: "Thing" }, cat)).toBeUndefined();
  });

  it("sharing repeated subtrees keeps every schema equal to the unshared one", () => {
    const big = shapeOf({
      type: "object",
      properties: { a: { type: "string", enum: ["x", "y", "z"] }, b: { type: "integer" } },
    });
    const kinds = {
      "g/v1/A": { shape: { t: "o" as const, p: { one: big, two: big } } },
      "g/v1/B": { shape: big },
    };
    const { kinds: shared, defs } = shareShapes(kinds);
    const expand = (s: CrdShape): CrdShape => {
      const n = typeof s === "string" ? defs[s]! : s;
      if (!n || typeof n !== "object") return n;
      const out = { ...n };
      if (n.p) out.p = Object.fromEntries(Object.entries(n.p).map(([k, v]) => [k, expand(v)]));
      if (n.a !== undefined) out.a = expand(n.a);
      if (n.i !== undefined) out.i = expand(n.i);
      return out;
    };
    expect(Object.keys(defs).length).toBe(1);
    for (const k of Object.keys(kinds))
      expect(expand(shared[k]!.shape)).toEqual(kinds[k as keyof typeof kinds].shape);
  });
});

describe("the CLI", () => {
  const bin = join(repoRoot, "bin", "slipway.js");
  const slipway = (args: string[]) =>
    spawnSync(process.execPath, [bin, "validate", "manifests", "--no-build", ...args], {
      cwd,
      encoding: "utf8",
    });

  it("the summary line counts objects without a schema, and --strict fails on them", () => {
    const plain = slipway(["gadgets"]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe(
      "0 error(s), 0 warning(s), 3 objects without a schema: 1 files, 3 objects, 0 kustomizations\n",
    );
    const strict = slipway(["gadgets", "--strict"]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(
      /error: no schema for Gadget \(tools\.example\.com\/v1\) ×2, Gadget \(tools\.example\.com\/v1beta1\) ×1/,
    );
    const given = slipway(["gadgets", "--crds", "gadget-crds", "--crds", "in-tree"]);
    // --crds reads only the CRDs of a folder: in-tree's Widgets are not validated by naming it.
    expect(given.stdout).toMatch(/^3 error\(s\), 1 warning\(s\): 1 files, 3 objects/);
  });

  it("an invalid --kubernetes-version exits 2 without a stack trace", () => {
    const r = slipway(["faults", "--kubernetes-version", "1.x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "error: --kubernetes-version 1.x: not a Kubernetes version\n  hint: give MAJOR.MINOR, for example --kubernetes-version 1.33\n",
    );
  });
});
