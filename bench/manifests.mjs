// `npm run bench` (manifests): validate 10,000 generated manifests across 200 kustomizations — schema and
// rules without builds; the kubectl kustomize builds alone (the floor: the same 200 builds, as many at a time
// as slipway runs); then validation with builds. Prints figures; asserts nothing.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, ".out", "manifests");
const bin = join(here, "..", "bin", "slipway.js");
const probe = join(here, "rss-probe.mjs");

rmSync(root, { recursive: true, force: true });
for (let k = 0; k < 200; k++) {
  const dir = join(root, `app-${k}`);
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (let f = 0; f < 10; f++) {
    const docs = [];
    for (let d = 0; d < 5; d++) {
      // Each Service (odd d) selects the Deployment before it, so the tree is clean: the figures are validation's.
      const name = `svc-${k}-${f}-${d}`;
      const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ns-${k}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: main\n          image: ghcr.io/example/${name}:1.0.${d}\n          ports: [{containerPort: 8080}]\n          resources:\n            requests: {cpu: 100m, memory: 64Mi}\n            limits: {memory: 128Mi}\n`;
      const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ns-${k}\nspec:\n  selector: {app: svc-${k}-${f}-${d - 1}}\n  ports: [{port: 80, targetPort: 8080}]\n`;
      docs.push(d % 2 === 0 ? deployment : service);
    }
    writeFileSync(join(dir, `file-${f}.yaml`), docs.join("---\n"));
    files.push(`file-${f}.yaml`);
  }
  writeFileSync(
    join(dir, "kustomization.yaml"),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${files.map((f) => `  - ${f}`).join("\n")}\n`,
  );
}

function run(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", probe, bin, ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - t0;
  const rss = Number(/maxrss_kib=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss, status: r.status, summary: r.stdout.trim().split("\n").at(-1) };
}

/** The builds alone: `kubectl kustomize` of every folder, 4 at a time (slipway's parallelism). */
async function buildsAlone() {
  const dirs = Array.from({ length: 200 }, (_, k) => join(root, `app-${k}`));
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const dir = dirs[next++];
      await new Promise((resolve) =>
        spawn("kubectl", ["kustomize", dir], { stdio: "ignore" }).on("close", resolve),
      );
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return performance.now() - t0;
}

const noBuild = run(["validate", "manifests", ".", "--no-build"]);
console.log(`\nmanifests: 10,000 objects (Deployments and Services) in 2,000 files, 200 kustomizations`);
console.log(
  `validate (schema + rules, no builds)   ${(noBuild.ms / 1000).toFixed(2)} s  ${noBuild.rss.toFixed(0)} MB  ${noBuild.ms <= 1500 && noBuild.rss <= 250 ? "meets" : "MISSES"} ≤ 1.5 s, ≤ 250 MB   (${noBuild.summary})`,
);
const floor = await buildsAlone();
console.log(`kubectl kustomize builds alone (floor)  ${(floor / 1000).toFixed(2)} s`);
const withBuild = run(["validate", "manifests", "."]);
const ratio = withBuild.ms / floor;
console.log(
  `validate with kubectl kustomize builds  ${(withBuild.ms / 1000).toFixed(2)} s  ${withBuild.rss.toFixed(0)} MB  ${ratio.toFixed(2)}× the builds  ${ratio <= 1.2 && withBuild.rss <= 250 ? "meets" : "MISSES"} ≤ 1.2×, ≤ 250 MB   (${withBuild.summary})`,
);
