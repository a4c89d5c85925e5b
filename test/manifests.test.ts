import { describe, expect, it } from "vitest";
import { validateManifests } from "../src/manifests/validate.js";
import { fixture } from "./helpers.js";

const cwd = fixture("manifests");
const run = (paths: string[], opts: { strict?: boolean; disable?: string[]; build?: boolean } = {}) =>
  validateManifests(paths, { cwd, ...opts });
const brief = (r: Awaited<ReturnType<typeof run>>) =>
  r.findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line ?? ""}`);

describe("validate manifests", () => {
  it("passes a well-formed tree: patches, Helm values, CI files, SOPS files and Flux variables are not false errors", async () => {
    const r = await run(["good"]);
    expect(brief(r)).toEqual([]);
    expect(r.summary).toMatchObject({ files: 7, objects: 8, kustomizations: 1, errors: 0, warnings: 0 });
    // Flux 2.9's HelmRelease v2 is checked in full against the bundled CRDs (assets/crd-schemas).
    expect(r.unknownKinds).toEqual([]);
  });

  it("reports each rule with severity, file and line; exemptions and unknown kinds are honoured", async () => {
    const r = await run(["bad"]);
    expect(brief(r)).toEqual([
      "error tenant-default-deny bad/namespace.yaml:1",
      "error tenant-quota bad/namespace.yaml:1",
      "error schema bad/workloads.yaml:7",
      "warning no-requests bad/workloads.yaml:15",
      "warning image-unpinned bad/workloads.yaml:16",
      "warning no-requests bad/workloads.yaml:17",
      "warning image-unpinned bad/workloads.yaml:18",
      "error plaintext-secret bad/workloads.yaml:25",
      // helm.toolkit.fluxcd.io/v2beta2: Flux 2.9 no longer serves it.
      "error schema bad/workloads.yaml:28",
      "warning helm-chart-unpinned bad/workloads.yaml:38",
      "warning appproject-wildcard bad/workloads.yaml:48",
    ]);
    expect(r.findings.find((f) => f.rule === "schema")).toMatchObject({
      message: "spec.replicas: must be integer",
      object: { apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: "org-b-dev" },
    });
    expect(r.findings.map((f) => f.message).join("\n")).not.toMatch(/hunter2/);
    expect(r.unknownKinds).toEqual([{ kind: "Widget", apiVersion: "example.com/v1", count: 1 }]);
  });

  it("--strict makes warnings errors; --disable turns rules off", async () => {
    const strict = await run(["bad"], { strict: true });
    expect(strict.summary).toMatchObject({ errors: 11, warnings: 0 });
    const off = await run(["bad"], { disable: ["image-unpinned", "no-requests", "tenant-quota"] });
    expect(brief(off).some((b) => /image-unpinned|no-requests|tenant-quota/.test(b))).toBe(false);
    expect(off.summary.errors).toBe(4);
  });

  it("builds kustomizations with kubectl and names the file of a broken one", async () => {
    const r = await run(["broken-kustomize"]);
    if (!r.summary.kubectl) {
      // kubectl is preinstalled here and in CI; elsewhere the build is skipped and said so.
      expect(r.summary.buildMs).toBeUndefined();
      return;
    }
    // One finding at the cause: the entry's line, not kustomize's text.
    expect(brief(r)).toEqual(["error kustomize-build broken-kustomize/kustomization.yaml:4"]);
    expect(r.findings[0]!.message).toMatch(/^resources: missing\.yaml does not exist/);
    expect((await run(["broken-kustomize"], { build: false })).findings).toEqual([]);
  });

  it("a remote base that cannot be fetched offline is a skipped build, not an error", async () => {
    const r = await run(["remote-base"]);
    if (!r.summary.kubectl) return; // kubectl is preinstalled here and in CI; without it nothing is built
    expect(r.findings).toEqual([]);
    expect(r.skippedBuilds.map((s) => s.file)).toEqual(["remote-base/kustomization.yaml"]);
  });

  it("a Flux kind newer than kubernetes-models' schema (ExternalArtifact) is in the bundled current CRDs: no drift warning", async () => {
    const r = await run(["drift"]);
    expect(brief(r)).toEqual([]);
    expect(r.unknownKinds).toEqual([]);
  });
});
