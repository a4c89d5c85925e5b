import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import jsyaml from "js-yaml";
import { afterAll, describe, expect, it } from "vitest";
import { validateManifests } from "../src/manifests/validate.js";
import { hasKubectl } from "../src/manifests/kustomize.js";
import { isGoTemplate } from "../src/manifests/build-inputs.js";
import { typedPlaceholder } from "../src/manifests/flux-vars.js";
import { fixture } from "./helpers.js";

// The oracle is `kubectl kustomize` (kubectl 1.33 is preinstalled here and in CI). Without it nothing is
// built, so these tests say why and stop.
const kubectl = hasKubectl();
if (!kubectl) console.log("manifests-builds: kubectl is not on PATH; the build tests check nothing here");

const cwd = fixture("manifests");
const run = (paths: string[], opts: { exclude?: string[]; build?: boolean } = {}) =>
  validateManifests(paths, { cwd, ...opts });
const brief = (r: Awaited<ReturnType<typeof run>>) =>
  r.findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line ?? ""}`);

/** A built object, as far as these tests read it. */
interface Obj {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown> & { patches?: unknown[] };
}

/** `kubectl kustomize` on a kustomization written by the test (in a temporary folder). */
const tmp = mkdtempSync(join(tmpdir(), "slipway-oracle-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function kustomize(k: Record<string, unknown>, restrictor?: "none") {
  const dir = join(tmp, `k${n++}`);
  spawnSync("mkdir", ["-p", dir]);
  const rel = (p: string) => relative(dir, join(cwd, p));
  writeFileSync(
    join(dir, "kustomization.yaml"),
    jsyaml.dump({ ...k, resources: (k.resources as string[]).map(rel) }),
  );
  const r = spawnSync(
    "kubectl",
    ["kustomize", dir, ...(restrictor ? ["--load-restrictor", "LoadRestrictionsNone"] : [])],
    { encoding: "utf8" },
  );
  return { status: r.status, stderr: r.stderr, objects: jsyaml.loadAll(r.stdout) as Obj[] };
}

describe("Flux parents' patches without builds (--no-build)", () => {
  it("do not judge the required fields a parent's patches give its children, and say so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-parent-"));
    try {
      writeFileSync(
        join(dir, "parent.yaml"),
        [
          "apiVersion: kustomize.toolkit.fluxcd.io/v1",
          "kind: Kustomization",
          "metadata: {name: apps, namespace: flux-system}",
          "spec:",
          "  interval: 1h",
          "  prune: true",
          "  path: ./apps",
          "  sourceRef: {kind: GitRepository, name: flux-system}",
          "  patches:",
          "    - target: {group: kustomize.toolkit.fluxcd.io, kind: Kustomization}",
          "      patch: |",
          "        apiVersion: kustomize.toolkit.fluxcd.io/v1",
          "        kind: Kustomization",
          "        metadata: {name: _}",
          "        spec: {interval: 30m, prune: true}",
          "",
        ].join("\n"),
      );
      // A child that leaves interval and prune to its parent, and a typo the parent cannot fix.
      const child =
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: web, namespace: flux-system}\nspec:\n  path: ./apps/web\n  sourceRef: {kind: GitRepository, name: flux-system}\n  intervall: 5m\n";
      writeFileSync(join(dir, "child.yaml"), child);
      const r = await validateManifests(["."], { cwd: dir, build: false });
      expect(
        r.findings.filter((f) => f.rule === "schema").map((f) => `${f.file}:${f.line} ${f.message}`),
      ).toEqual(['child.yaml:7 spec.intervall: unknown field "intervall" (did you mean "interval"?)']);
      expect(r.skipped).toContainEqual({
        file: "child.yaml",
        reason: "a parent Kustomization's patches set spec.interval, spec.prune: not judged without builds",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Flux dependsOn without builds (--no-build)", () => {
  it("matches by name where a build would set the namespace, and still finds a name no Kustomization has", async () => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-depends-"));
    try {
      const ks = (name: string, deps: string) =>
        `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\nspec:\n  interval: 1h\n  prune: true\n  path: ./apps\n  sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\n  dependsOn: ${deps}\n`;
      // The kustomization that includes ks.yaml sets the namespace: unbuilt, the objects have none.
      writeFileSync(join(dir, "kustomization.yaml"), "namespace: apps\nresources: [ks.yaml]\n");
      writeFileSync(
        join(dir, "ks.yaml"),
        `${ks("a", "[{name: b, namespace: apps}, {name: nope}]")}---\n${ks("b", "[]")}`,
      );
      const r = await validateManifests(["."], { cwd: dir, build: false });
      const refs = r.findings.filter((f) => f.rule === "flux-reference" && f.message.startsWith("dependsOn"));
      expect(refs.map((f) => `${f.file}:${f.line} ${f.message.split(":")[0]}`)).toEqual([
        "ks.yaml:10 dependsOn nope",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("validate manifests builds the tree as Flux and Argo CD build it", () => {
  it("applies a parent Flux Kustomization's patches to the children its path builds, with LoadRestrictionsNone", async () => {
    if (!kubectl) return;
    const r = await run(["flux-tree"]);
    expect(brief(r)).toEqual([
      // Built objects are placed at their source line; the namespace is the overlay's (the built object).
      "error schema flux-tree/apps/base/podinfo/deployment.yaml:13",
      // Flux made a kustomization of apps/plain (no kustomization.yaml there) and its Service was checked —
      // in namespace web, where the parent's targetNamespace put it, away from its pods (a true finding).
      "warning service-no-pods flux-tree/apps/plain/service.yaml:8",
      "error schema flux-tree/apps/plain/service.yaml:10",
      "error flux-reference flux-tree/clusters/prod/ks.yaml:48",
      "error flux-reference flux-tree/clusters/prod/ks.yaml:58",
      "error plaintext-secret flux-tree/infra/configs/list.yaml:15",
    ]);
    expect(r.findings[0]).toMatchObject({
      message: "spec.replicas: must be integer",
      object: { kind: "Deployment", name: "podinfo", namespace: "prod" },
    });
    // The child built its path as its parent patched it (targetNamespace web), not as its file says.
    expect(r.findings[2]!.object).toMatchObject({ kind: "Service", name: "podinfo", namespace: "web" });
    expect(r.findings[3]!.message).toMatch(/^dependsOn flux-system\/databases: no Flux Kustomization/);
    expect(r.findings[4]!.message).toMatch(/^spec\.path \.\/apps\/retired does not exist/);
    // Oracle: kustomize-controller's build (the overlay plus the parent's patches, LoadRestrictionsNone).
    const parent = jsyaml.loadAll(
      readFileSync(join(cwd, "flux-tree/clusters/prod/ks.yaml"), "utf8"),
    )[0] as Obj;
    const built = kustomize(
      { resources: ["flux-tree/apps/overlays/prod"], patches: parent.spec.patches },
      "none",
    );
    expect(built.status).toBe(0);
    const child = built.objects.find((o) => o.kind === "Kustomization")!;
    expect(child.spec).toMatchObject({ interval: "30m", prune: true });
    // …and the default restrictor refuses the same overlay: Flux's setting is what makes it build.
    expect(kustomize({ resources: ["flux-tree/apps/overlays/prod"] }).stderr).toMatch(/is not in or below/);
    // The child has no interval or prune in its file: without the parent's patches it would be two errors.
    expect(r.findings.some((f) => f.file.endsWith("podinfo/ks.yaml"))).toBe(false);
  });

  it("a file in a built folder that no kustomization lists is skipped and counted, not checked as applied", async () => {
    if (!kubectl) return;
    const r = await run(["flux-tree"]);
    expect(r.skipped).toContainEqual({
      file: "flux-tree/apps/base/podinfo/retired.yaml",
      reason: "no kustomization lists it: not applied by Flux or Argo CD",
    });
    expect(r.findings.some((f) => f.file.endsWith("retired.yaml"))).toBe(false);
    // Without builds nothing says what is applied: the file is checked as written.
    const offline = await run(["flux-tree"], { build: false });
    expect(offline.findings.some((f) => f.file.endsWith("retired.yaml"))).toBe(true);
  });

  it("a generated Secret from a SOPS-encrypted file is not plaintext; a literal one is, once, at its literal", async () => {
    if (!kubectl) return;
    const r = await run(["sops-generator"]);
    // One finding, at the literal (secret-generator-plaintext), not again on the Secret the build makes of it.
    expect(brief(r)).toEqual(["error secret-generator-plaintext sops-generator/kustomization.yaml:10"]);
    // The oracle builds both Secrets: the encrypted file's bytes are the first one's data.
    const built = kustomize({ resources: ["sops-generator"] }).objects;
    expect(built.map((o) => o.kind)).toEqual(["Secret", "Secret"]);
  });

  it('"" in a SOPS-encrypted Secret is not plaintext (sops never encrypts empty strings)', async () => {
    const r = await run(["sops-empty"], { build: false });
    expect(r.findings).toEqual([]);
    expect(r.summary.objects).toBe(1);
  });

  it("a kustomization no Flux Kustomization points to builds with kustomize's default restrictor (Argo CD's)", async () => {
    if (!kubectl) return;
    const r = await run(["argo-tree"]);
    expect(brief(r)).toEqual(["error kustomize-build argo-tree/app/kustomization.yaml:"]);
    expect(r.findings[0]!.message).toMatch(/shared\/configmap\.yaml is not in or below argo-tree\/app/);
    expect(kustomize({ resources: ["argo-tree/app"] }).stderr).toMatch(/is not in or below/);
  });

  it("skips Helm chart templates and Go-template documents, counted, but checks alert templates in strings", async () => {
    const r = await run(["flux-tree/charts"], { build: false });
    expect(r.skipped).toEqual([
      {
        file: "flux-tree/charts/demo/templates/service.yaml",
        reason: "Helm chart template (flux-tree/charts/demo/Chart.yaml)",
      },
      { file: "flux-tree/charts/scaffold.yaml", line: 1, reason: "Go template ({{ … }})" },
    ]);
    expect(r.summary).toMatchObject({ skipped: 2, objects: 1 });
    expect(isGoTemplate('summary: "{{ $labels.instance }} down"\nx: Host {{ .a }}\n')).toBe(false);
    expect(isGoTemplate("metadata:\n  name: {{ .Release.Name }}\n")).toBe(true);
    expect(isGoTemplate("{{- if .Values.enabled }}\nkind: Service\n")).toBe(true);
    expect(isGoTemplate("data:\n  tpl: |\n    {{ range .Alerts }}\n    {{ end }}\n")).toBe(false);
  });

  it("--exclude leaves files out, counted with the reason", async () => {
    const r = await run(["flux-tree/charts"], { build: false, exclude: ["demo/templates/**"] });
    expect(r.skipped.map((s) => `${s.file} ${s.reason}`)).toContain(
      "flux-tree/charts/demo/templates/service.yaml excluded (--exclude)",
    );
    expect(r.skipped.map((s) => s.file)).not.toContain("flux-tree/charts/demo/Chart.yaml");
  });

  it("helmCharts from https://, oci:// and a local chart: one outcome, skipped with kustomize's reason", async () => {
    if (!kubectl) return;
    const r = await run(["helm-charts"]);
    expect(r.findings).toEqual([]);
    expect(r.skippedBuilds.map((s) => s.file)).toEqual([
      "helm-charts/https/kustomization.yaml",
      "helm-charts/local/kustomization.yaml",
      "helm-charts/oci/kustomization.yaml",
    ]);
    expect(new Set(r.skippedBuilds.map((s) => s.reason)).size).toBe(1);
    for (const k of ["https", "oci", "local"])
      expect(kustomize({ resources: [`helm-charts/${k}`] }).stderr).toMatch(/must specify --enable-helm/);
  });

  it("legacy patchesStrategicMerge strings and builtin transformer configs are build inputs, not objects", async () => {
    if (!kubectl) return;
    const r = await run(["flux-tree/legacy"]);
    expect(r.findings).toEqual([]);
    // One object: the Deployment as built (patch and LabelTransformer applied), not the patch or the config.
    expect(r.summary.objects).toBe(1);
    const built = kustomize({ resources: ["flux-tree/legacy"] });
    expect(built.objects).toHaveLength(1);
    expect(built.objects[0]).toMatchObject({ spec: { replicas: 3 }, metadata: { labels: { team: "web" } } });
  });

  it("the legacy string form of patches: is a patch file (kustomize 5 refuses the form itself)", async () => {
    const offline = await run(["legacy-patches"], { build: false });
    // replicas.yaml lacks selector and template: checked as an object it would be a schema error.
    expect(offline.findings).toEqual([]);
    expect(offline.summary.objects).toBe(1);
    if (!kubectl) return;
    const r = await run(["legacy-patches"]);
    expect(brief(r)).toEqual(["error kustomize-build legacy-patches/kustomization.yaml:"]);
    expect(r.findings[0]!.message).toMatch(
      /cannot unmarshal string into Go struct field Kustomization\.patches/,
    );
    expect(kustomize({ resources: ["legacy-patches"] }).stderr).toMatch(/cannot unmarshal string/);
  });

  it("a broken base is one finding at its cause, not once per overlay", async () => {
    if (!kubectl) return;
    const r = await run(["broken-base"]);
    expect(brief(r)).toEqual(["error kustomize-build broken-base/base/kustomization.yaml:5"]);
    expect(r.findings[0]!.message).toMatch(/^resources: hpa\.yaml does not exist/);
    for (const o of ["a", "b"])
      expect(kustomize({ resources: [`broken-base/overlays/${o}`] }).stderr).toMatch(/hpa\.yaml/);
  });

  it("an object two overlays include is reported once, at its source line", async () => {
    if (!kubectl) return;
    const r = await run(["shared-base"]);
    expect(brief(r)).toEqual(["error schema shared-base/base/deployment.yaml:16"]);
    // Both overlays really produce it (with their own prefix and namespace).
    const names = ["a", "b"].map(
      (o) => kustomize({ resources: [`shared-base/overlays/${o}`] }).objects[0]!.metadata.name,
    );
    expect(names).toEqual(["a-api", "b-api"]);
  });
});

describe("Flux post-build variables are checked with typed placeholders", () => {
  it("a ${VAR} in an integer field stands for an integer; the rest of the object is still checked", async () => {
    const r = await run(["flux-vars"], { build: false });
    expect(brief(r)).toEqual(["error schema flux-vars/deployment.yaml:18"]);
    expect(r.findings[0]!.message).toMatch(/imagePullPolicy: must be one of/);
    expect(typedPlaceholder("${REPLICAS:=2}", "integer")).toBe(2);
    expect(typedPlaceholder("${PORT}", "integer")).toBe(1);
    expect(typedPlaceholder("${ON:-false}", "boolean")).toBe(false);
    expect(typedPlaceholder("v${X}", "string")).toBe("v${X}");
  });
});
