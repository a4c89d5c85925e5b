// Bench (run alone, after building): validate 10,000 custom resources of the bundled CRD kinds (Flux
// HelmRelease and Kustomization, cert-manager Certificate, Gateway API HTTPRoute, Cilium network policies)
// with --no-build, so the CRD schema walker's cost shows beside bench/manifests.mjs's built-in kinds.
// Prints figures; asserts nothing.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, ".out", "crd-schemas");
const bin = join(here, "..", "bin", "slipway.js");
const probe = join(here, "rss-probe.mjs");

const KINDS = [
  (n) =>
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: app\n      version: 1.2.3\n      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}\n  values:\n    replicaCount: 2\n    image: {repository: ghcr.io/example/${n}, tag: 1.0.0}\n`,
  (n) =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${n}\n  namespace: flux-system\nspec:\n  interval: 1h\n  prune: true\n  path: ./apps/${n}\n  sourceRef: {kind: GitRepository, name: platform}\n  dependsOn: [{name: infra}]\n  postBuild:\n    substitute: {APP: ${n}}\n`,
  (n) =>
    `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  secretName: ${n}-tls\n  dnsNames: [${n}.example.com]\n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}\n`,
  (n) =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  parentRefs: [{name: public, namespace: gateway}]\n  hostnames: [${n}.example.com]\n  rules:\n    - matches: [{path: {type: PathPrefix, value: /}}]\n      backendRefs: [{name: ${n}, port: 80}]\n`,
  (n) =>
    `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  endpointSelector: {matchLabels: {app: ${n}}}\n  ingress:\n    - fromEndpoints: [{matchLabels: {app: gateway}}]\n      toPorts: [{ports: [{port: "8080", protocol: TCP}]}]\n`,
];

rmSync(root, { recursive: true, force: true });
for (let k = 0; k < 200; k++) {
  const dir = join(root, `app-${k}`);
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < 10; f++) {
    const docs = [];
    for (let d = 0; d < 5; d++) docs.push(KINDS[d](`app-${k}-${f}-${d}`));
    writeFileSync(join(dir, `file-${f}.yaml`), docs.join("---\n"));
  }
}

const t0 = performance.now();
const r = spawnSync(process.execPath, ["--import", probe, bin, "validate", "manifests", ".", "--no-build"], {
  cwd: root,
  encoding: "utf8",
  maxBuffer: 1 << 28,
});
const ms = performance.now() - t0;
const rss = Number(/maxrss_kib=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
console.log(`\ncrd-schemas: 10,000 custom resources of 5 bundled CRD kinds in 2,000 files`);
console.log(
  `validate --no-build   ${(ms / 1000).toFixed(2)} s  ${rss.toFixed(0)} MB  ${ms <= 1500 ? "meets" : "MISSES"} ≤ 1.5 s   (${r.stdout.trim().split("\n").at(-1)})`,
);
