import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { validateManifests } from "../src/manifests/validate.js";
import { renderStack } from "../src/components/kubernetes/render.js";
import { sealSecrets } from "../src/components/kubernetes/seal.js";
import { engineAt, repoRoot, slipwayErrorOf, tempDir, writeRepo } from "./helpers.js";

const homelab = () => engineAt(join(repoRoot, "examples", "homelab"));
const orgPlatform = () => engineAt(join(repoRoot, "examples", "org-platform"));

function writeTree(files: Map<string, string>): string {
  const dir = tempDir("slipway-render-");
  for (const [p, text] of files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

/** The fields these tests read from rendered objects. */
interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    destinations: { namespace: string; server: string }[];
    sourceRepos: string[];
    clusterResourceWhitelist: unknown[];
    namespaceResourceBlacklist: { kind: string }[];
  };
}

const objectsOf = (files: Map<string, string>) =>
  [...files.entries()].flatMap(([path, text]) =>
    parseAllDocuments(text).map((d) => ({ path, o: d.toJS() as K8sObject })),
  );

describe("render", () => {
  it("examples/homelab pve-prod: the Flux tree", () => {
    const files = renderStack(homelab(), "pve-prod");
    expect([...files.keys()]).toMatchInlineSnapshot(`
      [
        "bases/addons/cert-manager/kustomization.yaml",
        "bases/addons/cert-manager/release.yaml",
        "bases/addons/cilium/kustomization.yaml",
        "bases/addons/cilium/release.yaml",
        "bases/addons/kube-prometheus-stack/kustomization.yaml",
        "bases/addons/kube-prometheus-stack/release.yaml",
        "bases/addons/kyverno-policies/kustomization.yaml",
        "bases/addons/kyverno-policies/release.yaml",
        "bases/addons/kyverno/kustomization.yaml",
        "bases/addons/kyverno/release.yaml",
        "bases/addons/loki/kustomization.yaml",
        "bases/addons/loki/release.yaml",
        "bases/addons/nvidia-device-plugin/kustomization.yaml",
        "bases/addons/nvidia-device-plugin/release.yaml",
        "bases/addons/traefik/kustomization.yaml",
        "bases/addons/traefik/release.yaml",
        "bases/apps/whoami/configmap.yaml",
        "bases/apps/whoami/deployment.yaml",
        "bases/apps/whoami/ingress.yaml",
        "bases/apps/whoami/kustomization.yaml",
        "bases/apps/whoami/service.yaml",
        "bases/namespaces/cert-manager/kustomization.yaml",
        "bases/namespaces/cert-manager/namespace.yaml",
        "bases/namespaces/kyverno/kustomization.yaml",
        "bases/namespaces/kyverno/namespace.yaml",
        "bases/namespaces/monitoring/kustomization.yaml",
        "bases/namespaces/monitoring/namespace.yaml",
        "bases/namespaces/nvidia-device-plugin/kustomization.yaml",
        "bases/namespaces/nvidia-device-plugin/namespace.yaml",
        "bases/namespaces/traefik/kustomization.yaml",
        "bases/namespaces/traefik/namespace.yaml",
        "clusters/pve-prod/apps/kustomization.yaml",
        "clusters/pve-prod/apps/whoami/dev/kustomization.yaml",
        "clusters/pve-prod/apps/whoami/dev/secret.sops.yaml",
        "clusters/pve-prod/apps/whoami/kustomization.yaml",
        "clusters/pve-prod/apps/whoami/prod/kustomization.yaml",
        "clusters/pve-prod/apps/whoami/prod/secret.sops.yaml",
        "clusters/pve-prod/flux-system/kustomization.yaml",
        "clusters/pve-prod/flux-system/sync.yaml",
        "clusters/pve-prod/infrastructure/configs/kustomization.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/family/dev/kustomization.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/family/dev/namespace.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/family/kustomization.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/family/prod/kustomization.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/family/prod/namespace.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/kustomization.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/lab/dev/kustomization.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/lab/dev/namespace.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/lab/kustomization.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/lab/prod/kustomization.yaml",
        "clusters/pve-prod/infrastructure/configs/tenants/lab/prod/namespace.yaml",
        "clusters/pve-prod/infrastructure/controllers/kustomization.yaml",
        "clusters/pve-prod/infrastructure/kustomization.yaml",
        "clusters/pve-prod/kustomization.yaml",
        "distributions/homelab-prod/kustomization.yaml",
        "distributions/homelab-prod/patches/cert-manager.yaml",
        "distributions/homelab-prod/patches/cilium.yaml",
        "distributions/homelab-prod/patches/kube-prometheus-stack.yaml",
        "distributions/homelab-prod/patches/kyverno-policies.yaml",
        "distributions/homelab-prod/patches/kyverno.yaml",
        "distributions/homelab-prod/patches/loki.yaml",
        "distributions/homelab-prod/patches/nvidia-device-plugin.yaml",
        "distributions/homelab-prod/patches/traefik.yaml",
      ]
    `);
    expect(
      files.get("clusters/pve-prod/infrastructure/configs/tenants/lab/prod/namespace.yaml")!.split("---\n")
        .length,
    ).toBe(11);
  });

  it("examples/org-platform acme-prod: the Argo CD tree", () => {
    const files = renderStack(orgPlatform(), "acme-prod");
    expect([...files.keys()].filter((p) => p.startsWith("clusters/"))).toMatchInlineSnapshot(`
      [
        "clusters/acme-prod/apps/kustomization.yaml",
        "clusters/acme-prod/argocd/kustomization.yaml",
        "clusters/acme-prod/argocd/layers/kustomization.yaml",
        "clusters/acme-prod/argocd/layers/layers.yaml",
        "clusters/acme-prod/argocd/root.yaml",
        "clusters/acme-prod/infrastructure/configs/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/data/appproject.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/data/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/data/prod/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/data/prod/namespace.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/payments/appproject.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/payments/dev/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/payments/dev/namespace.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/payments/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/payments/prod/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/payments/prod/namespace.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/search/appproject.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/search/dev/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/search/dev/namespace.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/search/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/search/prod/kustomization.yaml",
        "clusters/acme-prod/infrastructure/configs/tenants/search/prod/namespace.yaml",
        "clusters/acme-prod/infrastructure/controllers/kustomization.yaml",
        "clusters/acme-prod/infrastructure/kustomization.yaml",
        "clusters/acme-prod/kustomization.yaml",
      ]
    `);
    const root = parseAllDocuments(files.get("clusters/acme-prod/argocd/root.yaml")!)[0]!.toJS();
    expect(root.spec.source).toEqual({
      repoURL: "https://git.acme.example/platform/gitops.git",
      targetRevision: "main",
      path: "gitops/clusters/acme-prod/argocd/layers",
    });
  });

  it("pins add-ons in the distribution: versions, Alertmanager routes, GPU time-slicing", () => {
    const files = renderStack(homelab(), "pve-prod");
    const patch = (name: string) =>
      parseAllDocuments(files.get(`distributions/homelab-prod/patches/${name}.yaml`)!)[0]!.toJS();
    const kps = patch("kube-prometheus-stack");
    expect(kps.spec.chart.spec.version).toBe("66.3.1");
    expect(kps.spec.values.alertmanager.config.route.routes).toEqual([
      { receiver: "home-assistant", matchers: ['severity="critical"'] },
    ]);
    expect(kps.spec.values.alertmanager.config.receivers[1]).toEqual({
      name: "home-assistant",
      webhook_configs: [{ url_file: "/etc/alertmanager/secrets/alertmanager-home-assistant/url" }],
    });
    expect(kps.spec.values.kubeEtcd).toEqual({ enabled: false });
    const gpu = JSON.parse(patch("nvidia-device-plugin").spec.values.config.map.default);
    expect(gpu.sharing.timeSlicing.resources).toEqual([{ name: "nvidia.com/gpu", replicas: 4 }]);
    expect(files.has("distributions/homelab-dev/kustomization.yaml")).toBe(false);
    expect(
      renderStack(homelab(), "pve-dev").has("distributions/homelab-dev/patches/nvidia-device-plugin.yaml"),
    ).toBe(false);
  });

  it("apps: a base and one overlay per environment in the tenant's namespace; images must be pinned", () => {
    const files = renderStack(homelab(), "pve-prod");
    expect([...files.keys()].filter((p) => p.includes("whoami"))).toEqual([
      "bases/apps/whoami/configmap.yaml",
      "bases/apps/whoami/deployment.yaml",
      "bases/apps/whoami/ingress.yaml",
      "bases/apps/whoami/kustomization.yaml",
      "bases/apps/whoami/service.yaml",
      "clusters/pve-prod/apps/whoami/dev/kustomization.yaml",
      "clusters/pve-prod/apps/whoami/dev/secret.sops.yaml",
      "clusters/pve-prod/apps/whoami/kustomization.yaml",
      "clusters/pve-prod/apps/whoami/prod/kustomization.yaml",
      "clusters/pve-prod/apps/whoami/prod/secret.sops.yaml",
    ]);
    const prod = parseAllDocuments(
      files.get("clusters/pve-prod/apps/whoami/prod/kustomization.yaml")!,
    )[0]!.toJS();
    expect(prod.namespace).toBe("lab-prod");
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/s.yaml":
        "components:\n  kubernetes:\n    apps:\n      vars:\n        apps:\n          - {name: web, organisation: a, image: 'nginx:latest'}\n",
    });
    const e = slipwayErrorOf(() => renderStack(engineAt(dir), "deploy/s"));
    expect(e.message).toMatch(/vars\.apps\.0\.image: pin a version: :latest changes under you/);
    expect(e.line).toBe(6);
  });

  it("seals rendered Secrets with the repository's .sops.yaml, keeps unchanged ones byte for byte, and refuses without a rule", async () => {
    const files = renderStack(homelab(), "pve-prod");
    const path = "clusters/pve-prod/apps/whoami/prod/secret.sops.yaml";
    expect(files.get(path)).toMatch(/API_TOKEN: change-me/);
    mkdirSync(join(repoRoot, "examples", "homelab", "gitops"), { recursive: true });
    const outDir = mkdtempSync(join(repoRoot, "examples", "homelab", "gitops", ".test-render-"));
    try {
      const env = { SOPS_AGE_KEY_FILE: join(repoRoot, "examples", "homelab", "example-age-key.txt") };
      const first = (await sealSecrets(files, { outDir, env, stack: "pve-prod" })).files.get(path)!;
      expect(first).toMatch(/^apiVersion: v1\nkind: Secret\nmetadata:\n/);
      expect(first).toMatch(/API_TOKEN: ENC\[AES256_GCM/);
      expect(first).not.toMatch(/change-me/);
      mkdirSync(dirname(join(outDir, path)), { recursive: true });
      writeFileSync(join(outDir, path), first);
      expect((await sealSecrets(files, { outDir, env, stack: "pve-prod" })).files.get(path)).toBe(first);
      const changed = new Map(files).set(path, files.get(path)!.replace("change-me", "rotated"));
      expect((await sealSecrets(changed, { outDir, env, stack: "pve-prod" })).files.get(path)).not.toBe(
        first,
      );
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
    const bare = tempDir("slipway-no-sops-");
    await expect(sealSecrets(files, { outDir: bare, env: {}, stack: "pve-prod" })).rejects.toThrow(
      /renders a Secret to .* but there is no \.sops\.yaml above it/,
    );
  });

  it("is byte-identical run to run", () => {
    const a = renderStack(homelab(), "pve-prod");
    const b = renderStack(homelab(), "pve-prod");
    expect([...b]).toEqual([...a]);
  });

  it("renders trees that validate: schemas, kubectl kustomize builds, sealed secrets, tenant default-deny and quota", async () => {
    for (const [engine, stack, example] of [
      [homelab(), "pve-dev", "homelab"],
      [orgPlatform(), "acme-prod", "org-platform"],
    ] as const) {
      mkdirSync(join(repoRoot, "examples", example, "gitops"), { recursive: true });
      const outDir = mkdtempSync(join(repoRoot, "examples", example, "gitops", ".test-render-"));
      const { files } = await sealSecrets(renderStack(engine, stack), { outDir, env: {}, stack });
      rmSync(outDir, { recursive: true, force: true });
      // The tree sits where render writes it (gitops/): Flux's spec.path values are relative to the repository root.
      const dir = writeTree(new Map([...files].map(([p, text]) => [`gitops/${p}`, text])));
      const r = await validateManifests(["gitops"], { cwd: dir });
      expect(r.findings).toEqual([]);
      // Every rendered kind has a schema (Flux's GA kinds from the bundled CRDs, assets/crd-schemas).
      expect(r.unknownKinds).toEqual([]);
      expect(r.summary.objects).toBeGreaterThan(30);
    }
  });

  it("isolates tenants: each AppProject reaches only its organisation's namespaces, never cluster-scoped kinds", () => {
    const objs = objectsOf(renderStack(orgPlatform(), "acme-prod"));
    const namespaces = objs
      .filter(({ o }) => o.kind === "Namespace")
      .map(({ o }) => o.metadata.name as string);
    expect(namespaces.sort()).toEqual([
      "data-prod",
      "payments-dev",
      "payments-prod",
      "search-dev",
      "search-prod",
    ]);
    const projects = objs.filter(({ o }) => o.kind === "AppProject").map(({ o }) => o);
    expect(projects.map((p) => p.metadata.name).sort()).toEqual(["data", "payments", "search"]);
    for (const p of projects) {
      const own = namespaces.filter((n) => n.startsWith(`${p.metadata.name}-`));
      expect(p.spec.destinations.map((d) => d.namespace).sort()).toEqual(own.sort());
      expect(p.spec.destinations.every((d) => d.server === "https://kubernetes.default.svc")).toBe(true);
      expect(p.spec.sourceRepos.some((r) => r === "*")).toBe(false);
      expect(p.spec.clusterResourceWhitelist).toEqual([]);
      expect(p.spec.namespaceResourceBlacklist.map((b) => b.kind)).toEqual([
        "ResourceQuota",
        "LimitRange",
        "NetworkPolicy",
      ]);
    }
    for (const ns of namespaces) {
      const deny = objs.find(
        ({ o }) =>
          o.kind === "NetworkPolicy" && o.metadata.namespace === ns && o.metadata.name === "default-deny",
      )!.o;
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    }
  });

  describe("bad renderer vars name the stack, component, field and place", () => {
    const repo = (tenants: string) =>
      writeRepo({
        "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
        "stacks/deploy/s.yaml": `components:\n  kubernetes:\n    tenants:\n      vars:\n${tenants}`,
      });
    it.each([
      [
        "an unknown organisation field",
        "        organisations:\n          - name: a\n            quotas: {}\n",
        /vars\.organisations\.0: Unrecognized key: "quotas"/,
        6,
      ],
      [
        "a quota with a bad quantity",
        "        organisations:\n          - name: a\n            quota: {requests.cpu: lots}\n",
        /vars\.organisations\.0\.quota\.requests\.cpu: a Kubernetes quantity/,
        7,
      ],
      [
        "a bad name",
        "        organisations:\n          - name: Org_A\n",
        /vars\.organisations\.0\.name: an RFC 1123 name/,
        6,
      ],
      [
        "overlapping namespaces",
        "        organisations:\n          - name: a\n          - name: a\n",
        /namespace a-prod would be made twice/,
        7,
      ],
    ])("%s", (_what, vars, message, line) => {
      const e = slipwayErrorOf(() => renderStack(engineAt(repo(vars)), "deploy/s"));
      expect(e.message).toMatch(/^stack "deploy\/s", component "tenants": /);
      expect(e.message).toMatch(message);
      expect(e.line).toBe(line);
      expect(e.hint).toMatch(/slipway schema kubernetes\/tenants/);
    });
    it("an unknown renderer", () => {
      const dir = writeRepo({
        "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
        "stacks/deploy/s.yaml": "components:\n  kubernetes:\n    addons-x: {vars: {}}\n",
      });
      const e = slipwayErrorOf(() => renderStack(engineAt(dir), "deploy/s"));
      expect(e.message).toBe(
        'kubernetes component "addons-x" in stack "deploy/s" names renderer "addons-x", which slipway does not have',
      );
      expect(e.hint).toMatch(/gitops, tenants/);
    });
  });
});

describe("render's paths and engines agree with where the tree is", () => {
  it("repository.path defaults to where render writes; a path that cannot match is a warning at its place", () => {
    type App = { o: { kind: string; metadata: { name: string }; spec: { source?: { path: string } } } };
    // The cluster's own app-of-apps (tenants' apps follow their own repositories).
    const layerApps = (files: Map<string, string>) =>
      (objectsOf(files) as unknown as App[]).filter(
        (a) => a.o.kind === "Application" && a.o.metadata.name.startsWith("acme-prod-"),
      );
    const paths = layerApps(renderStack(orgPlatform(), "acme-prod")).map((a) => a.o.spec.source!.path);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).toMatch(/^gitops\/clusters\/acme-prod\//);
    const elsewhere = layerApps(renderStack(orgPlatform(), "acme-prod", { treePath: "deploy/tree" }));
    expect(elsewhere[0]!.o.spec.source!.path).toMatch(/^deploy\/tree\/clusters\//);
    // homelab says ./gitops: rendering elsewhere is a warning that names what Flux would look for.
    const warnings: { message: string; file?: string; line?: number }[] = [];
    renderStack(homelab(), "pve-prod", { treePath: "out", warnings });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(
      'repository.path "./gitops" is not where render writes the tree (out, from the repository root): Flux will look for ./gitops/clusters/pve-prod, which render does not write',
    );
    expect(warnings[0]!.file).toMatch(/catalog\/proxmox\.yaml$/);
    expect(warnings[0]!.line).toBe(137);
    const none: unknown[] = [];
    renderStack(homelab(), "pve-prod", { treePath: "gitops", warnings: none as never });
    expect(none).toEqual([]);
  });

  it("tenants left on flux under an Argo CD cluster is an error at the component", () => {
    const dir = tempDir("slipway-engines-");
    cpSync(join(repoRoot, "examples", "org-platform"), dir, { recursive: true });
    const catalog = join(dir, "stacks/catalog/platform.yaml");
    writeFileSync(
      catalog,
      readFileSync(catalog, "utf8").replace(/(tenants:\n\s+vars:\n)\s+engine: argocd\n/, "$1"),
    );
    const e = slipwayErrorOf(() => renderStack(engineAt(dir), "acme-prod"));
    expect(e.message).toBe(
      'stack "acme-prod": component "tenants" renders for flux (the default), but component "gitops" uses argocd; one cluster has one GitOps engine',
    );
    expect(e.hint).toBe('set vars.engine: argocd on component "tenants"');
    expect(e.file).toMatch(/platform\.yaml$/);
  });
});
