// Records the object shapes the health model's tests read (test/fixtures/kube/*.json) from the REAL test
// control plane (test/cluster/cluster.mjs: etcd, kube-apiserver, controller-manager, scheduler, kwok).
//
//   node test/kube/record-fixtures.mjs            (needs `npm run peers`; ~1.5 min; rewrites the fixtures)
//
// What writes each status (test/fixtures/kube/README.md repeats this):
// - Nodes, Deployments, StatefulSets, DaemonSets, ReplicaSets, Pods on kwok nodes, PVC binding, Events:
//   the real controllers, the scheduler and kwok's simulated kubelets.
// - The node `nr-node` has no kubelet at all: its Ready=Unknown is the node lifecycle controller's own.
// - Pods bound to `nr-node` (no kubelet runs them): their container statuses (CrashLoopBackOff,
//   ImagePullBackOff, CreateContainerConfigError, Evicted) are WRITTEN BY THIS SCRIPT through the status
//   subresource, in the shape the kubelet writes (k8s.io/api core/v1 PodStatus).
// - Flux (Kustomization, HelmRelease, GitRepository, OCIRepository, HelmRepository) and Argo CD Application
//   statuses: WRITTEN BY THIS SCRIPT (no controller runs here), in the shape of the controllers' Go API types
//   (github.com/fluxcd/{kustomize,helm,source}-controller/api, github.com/argoproj/argo-cd/v3
//   pkg/apis/application/v1alpha1) — Flux through the status subresource, Argo CD in the object (its CRD has
//   no status subresource). The CRDs are the real ones: flux-crds peer, Argo CD's manifests/crds.
// - The Lost PVC: phase written by this script (losing a volume needs a storage backend).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { binDir } from "../../scripts/peers.mjs";
import { down, up } from "../cluster/cluster.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = join(root, "test", "fixtures", "kube");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let kubeconfig = "";

function kubectl(args, input) {
  const r = spawnSync("kubectl", ["--kubeconfig", kubeconfig, ...args], { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}
const apply = (objects) =>
  kubectl(
    ["apply", "--server-side", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
  );
const patchStatus = (kind, ns, name, status) =>
  kubectl([
    "patch",
    kind,
    name,
    ...(ns ? ["-n", ns] : []),
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({ status }),
  ]);

/** The module cache folder of Argo CD (pinned in scripts/crd-sources.json); no download. */
function argoCrd() {
  const pins = JSON.parse(readFileSync(join(root, "scripts", "crd-sources.json"), "utf8"));
  const s = pins.sources.find((p) => p.name === "argo-cd");
  const r = spawnSync("go", ["mod", "download", "-json", `${s.module}@${s.version}`], {
    encoding: "utf8",
    env: { ...process.env, GOPROXY: "off", GOFLAGS: "-mod=mod" },
  });
  if (r.status !== 0) throw new Error(`${s.module}@${s.version} is not in the Go module cache`);
  return join(JSON.parse(r.stdout).Dir, "manifests", "crds", "application-crd.yaml");
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
/** metav1.MicroTime: six fractional digits. */
const micro = () => new Date().toISOString().replace(/Z$/, "000Z");
const cond = (type, status, reason, message, generation = 1) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: now(),
  observedGeneration: generation,
});
const HEAD = "0f3c9a1d2b4e5f60718293a4b5c6d7e8f9012345";
const OLD = "9a8b7c6d5e4f30211203a4b5c6d7e8f901234567";

const labels = (app) => ({ app });
const container = (name, cpu, memory) => ({
  name,
  image: "registry.example/app:1.0",
  resources: { requests: { cpu, memory } },
});
const workloadSpec = (app, replicas, extra = {}) => ({
  replicas,
  selector: { matchLabels: labels(app) },
  template: {
    metadata: { labels: labels(app) },
    spec: { containers: [container("app", "250m", "256Mi")], ...extra },
  },
});

async function waitFor(what, fn, ms = 90_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return;
    await sleep(1000);
  }
  throw new Error(`timed out waiting for ${what}`);
}
const getJson = (args) => JSON.parse(kubectl([...args, "-o", "json"]));

/** Drops what only bulks a fixture up: managedFields, and the last-applied annotation. */
function strip(list) {
  for (const o of list.items) delete o.metadata.managedFields;
  delete list.metadata;
  return list;
}

function save(file, list) {
  writeFileSync(join(out, file), JSON.stringify(strip(list), null, 2) + "\n");
  console.log(`wrote test/fixtures/kube/${file} (${list.items.length} objects)`);
}

async function record() {
  // Nodes: two kwok nodes up() makes, one with k3s's version, addresses and a GPU, one cordoned.
  const bin = binDir();
  kubectl(["create", "-f", realpathSync(join(bin, "flux-crds"))]);
  kubectl(["create", "-f", argoCrd()]);
  kubectl(["create", "namespace", "demo"]);
  kubectl(["create", "namespace", "flux-system"]);
  kubectl(["create", "namespace", "argocd"]);

  kubectl(
    ["create", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: "pi-gpu",
        annotations: {
          "kwok.x-k8s.io/node": "fake",
          "node.alpha.kubernetes.io/ttl": "0",
          "k3s.io/internal-ip": "192.168.10.31",
          "k3s.io/external-ip": "100.101.102.31",
        },
        labels: { "kubernetes.io/hostname": "pi-gpu", "node-role.kubernetes.io/control-plane": "true" },
      },
      status: {
        addresses: [
          { type: "InternalIP", address: "192.168.10.31" },
          { type: "ExternalIP", address: "100.101.102.31" },
          { type: "Hostname", address: "pi-gpu" },
        ],
        allocatable: { cpu: "3800m", memory: "7Gi", pods: "110", "nvidia.com/gpu": "4" },
        capacity: { cpu: "4", memory: "8Gi", pods: "110", "nvidia.com/gpu": "4" },
        nodeInfo: { kubeletVersion: "v1.31.4+k3s1" },
      },
    }),
  );
  // No kubelet for this one: the node lifecycle controller marks it Ready=Unknown after its grace period.
  kubectl(
    ["create", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "nr-node", labels: { "kubernetes.io/hostname": "nr-node" } },
      status: {
        allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
        capacity: { cpu: "2", memory: "4Gi" },
      },
    }),
  );
  kubectl(["cordon", "kwok-node-1"]);

  // Workloads the controllers and kwok make healthy, and ones that cannot be.
  apply([
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "demo" },
      spec: workloadSpec("web", 2, { nodeSelector: { type: "kwok" } }),
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "stuck", namespace: "demo" },
      spec: {
        ...workloadSpec("stuck", 1, { nodeSelector: { disk: "none-has-it" } }),
        progressDeadlineSeconds: 5,
      },
    },
    // Bound straight to nr-node (no scheduler, no kubelet): the test writes the crash loop below.
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "crashy", namespace: "demo" },
      spec: workloadSpec("crashy", 1, { nodeName: "nr-node" }),
    },
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", namespace: "demo" },
      spec: { ...workloadSpec("db", 1, { nodeSelector: { type: "kwok" } }), serviceName: "db" },
    },
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", namespace: "demo" },
      spec: { selector: { matchLabels: labels("agent") }, template: workloadSpec("agent", 1).template },
    },
  ]);
  // Pods no kubelet runs: their statuses are written here, in the kubelet's shape.
  const bare = (name, extra = {}) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "demo", labels: labels(name) },
    spec: { nodeName: "nr-node", containers: [container("app", "100m", "64Mi")], ...extra },
  });
  apply([bare("pull-fail"), bare("config-fail"), bare("evicted")]);
  // PVCs: one bound by the PV controller to a PV made for it, one pending (no storage class serves it).
  apply([
    {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "pv-data" },
      spec: {
        capacity: { storage: "1Gi" },
        accessModes: ["ReadWriteOnce"],
        hostPath: { path: "/tmp/pv-data" },
        storageClassName: "manual",
        claimRef: { namespace: "demo", name: "data" },
      },
    },
    pvc("data", "manual"),
    pvc("pending", "no-such-class"),
    pvc("lost", "manual"),
  ]);

  await waitFor("nr-node Ready=Unknown from the node lifecycle controller", () => {
    const n = getJson(["get", "node", "nr-node"]);
    return (n.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "Unknown");
  });
  await waitFor(
    "the crashy pod",
    () => getJson(["get", "pods", "-n", "demo", "-l", "app=crashy"]).items.length === 1,
  );
  await waitFor(
    "web ready",
    () => getJson(["get", "deployment", "-n", "demo", "web"]).status?.readyReplicas === 2,
  );
  await waitFor("stuck: ProgressDeadlineExceeded", () =>
    (getJson(["get", "deployment", "-n", "demo", "stuck"]).status?.conditions ?? []).some(
      (c) => c.reason === "ProgressDeadlineExceeded",
    ),
  );
  await waitFor(
    "PVC data Bound",
    () => getJson(["get", "pvc", "-n", "demo", "data"]).status?.phase === "Bound",
  );

  const started = now();
  const crashy = getJson(["get", "pods", "-n", "demo", "-l", "app=crashy"]).items[0].metadata.name;
  const waiting = (reason, message, restartCount = 0, last) => ({
    phase: "Pending",
    conditions: [
      { type: "PodScheduled", status: "True", lastTransitionTime: started },
      {
        type: "Ready",
        status: "False",
        reason: "ContainersNotReady",
        message: "containers with unready status: [app]",
        lastTransitionTime: started,
      },
    ],
    containerStatuses: [
      {
        name: "app",
        image: "registry.example/app:1.0",
        imageID: "",
        ready: false,
        started: false,
        restartCount,
        state: { waiting: { reason, message } },
        ...(last ? { lastState: last } : {}),
      },
    ],
    hostIP: "10.0.0.9",
    startTime: started,
  });
  patchStatus("pod", "demo", crashy, {
    ...waiting("CrashLoopBackOff", "back-off 5m0s restarting failed container=app pod=" + crashy, 7, {
      terminated: { exitCode: 1, reason: "Error", startedAt: started, finishedAt: started },
    }),
    phase: "Running",
  });
  patchStatus(
    "pod",
    "demo",
    "pull-fail",
    waiting("ImagePullBackOff", 'Back-off pulling image "registry.example/app:1.0"'),
  );
  patchStatus(
    "pod",
    "demo",
    "config-fail",
    waiting("CreateContainerConfigError", 'secret "app-env" not found'),
  );
  patchStatus("pod", "demo", "evicted", {
    phase: "Failed",
    reason: "Evicted",
    message: "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi.",
    startTime: started,
  });
  patchStatus("pvc", "demo", "lost", { phase: "Lost" });

  // GitOps objects, with the statuses their controllers write.
  const src = { kind: "GitRepository", name: "platform" };
  apply([
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "platform", namespace: "flux-system" },
      spec: { url: "https://git.example/platform.git", interval: "1m", ref: { branch: "main" } },
    },
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "OCIRepository",
      metadata: { name: "manifests", namespace: "flux-system" },
      spec: { url: "oci://registry.example/manifests", interval: "5m", ref: { tag: "latest" } },
    },
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "HelmRepository",
      metadata: { name: "charts", namespace: "flux-system" },
      spec: { url: "https://charts.example", interval: "1h" },
    },
    ...["apps", "infra", "paused", "reconciling"].map((name) => ({
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name, namespace: "flux-system" },
      spec: {
        interval: "10m",
        path: `./${name}`,
        prune: true,
        sourceRef: src,
        ...(name === "paused" ? { suspend: true } : {}),
      },
    })),
    ...["podinfo", "broken"].map((name) => ({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name, namespace: "demo" },
      spec: {
        interval: "10m",
        chart: {
          spec: {
            chart: name,
            version: "6.x",
            sourceRef: { kind: "HelmRepository", name: "charts", namespace: "flux-system" },
          },
        },
      },
    })),
  ]);
  const artifact = (revision) => ({
    digest: "sha256:4c2a",
    lastUpdateTime: started,
    path: "gitrepository/flux-system/platform/0f3c9a1d.tar.gz",
    revision,
    size: 4096,
    url: "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/platform/0f3c9a1d.tar.gz",
  });
  patchStatus("gitrepository", "flux-system", "platform", {
    observedGeneration: 1,
    artifact: artifact(`main@sha1:${HEAD}`),
    conditions: [
      cond("Ready", "True", "Succeeded", `stored artifact for revision 'main@sha1:${HEAD}'`),
      cond("ArtifactInStorage", "True", "Succeeded", `stored artifact for revision 'main@sha1:${HEAD}'`),
    ],
  });
  patchStatus("ocirepository", "flux-system", "manifests", {
    observedGeneration: 1,
    conditions: [
      cond("Reconciling", "True", "ProgressingWithRetry", "processing object: new generation 0 -> 1"),
      cond(
        "Ready",
        "False",
        "OCIArtifactPullFailed",
        "failed to pull artifact from 'oci://registry.example/manifests': GET https://registry.example/v2/: dial tcp: lookup registry.example: no such host",
      ),
      cond(
        "FetchFailed",
        "True",
        "OCIArtifactPullFailed",
        "failed to pull artifact from 'oci://registry.example/manifests'",
      ),
    ],
  });
  patchStatus("helmrepository", "flux-system", "charts", {
    observedGeneration: 1,
    artifact: { ...artifact("sha256:9f2e1c"), path: "helmrepository/flux-system/charts/index-9f2e1c.yaml" },
    conditions: [cond("Ready", "True", "Succeeded", "stored artifact: revision 'sha256:9f2e1c'")],
  });
  patchStatus("kustomization", "flux-system", "apps", {
    observedGeneration: 1,
    lastAppliedRevision: `main@sha1:${HEAD}`,
    lastAttemptedRevision: `main@sha1:${HEAD}`,
    conditions: [cond("Ready", "True", "ReconciliationSucceeded", `Applied revision: main@sha1:${HEAD}`)],
  });
  patchStatus("kustomization", "flux-system", "infra", {
    observedGeneration: 1,
    lastAppliedRevision: `main@sha1:${OLD}`,
    lastAttemptedRevision: `main@sha1:${HEAD}`,
    conditions: [
      cond(
        "Ready",
        "False",
        "BuildFailed",
        "kustomize build failed: accumulating resources: accumulation err='accumulating resources from 'cilium': open /tmp/kustomization-1/infra/cilium: no such file or directory'",
      ),
      cond("Stalled", "True", "BuildFailed", "kustomize build failed"),
    ],
  });
  patchStatus("kustomization", "flux-system", "paused", {
    observedGeneration: 1,
    lastAppliedRevision: `main@sha1:${OLD}`,
    conditions: [cond("Ready", "True", "ReconciliationSucceeded", `Applied revision: main@sha1:${OLD}`)],
  });
  patchStatus("kustomization", "flux-system", "reconciling", {
    observedGeneration: 1,
    lastAppliedRevision: `main@sha1:${OLD}`,
    lastAttemptedRevision: `main@sha1:${HEAD}`,
    conditions: [
      cond(
        "Reconciling",
        "True",
        "Progressing",
        `Fetching manifests for revision main@sha1:${HEAD} with a timeout of 9m30s`,
      ),
      cond("Ready", "Unknown", "Progressing", "Reconciliation in progress"),
    ],
  });
  const snapshot = (name, status) => ({
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    name,
    namespace: "demo",
    version: 1,
    status,
    chartName: name,
    chartVersion: "6.5.4",
    appVersion: "6.5.4",
    configDigest: "sha256:1e0c",
    digest: "sha256:77aa",
    firstDeployed: started,
    lastDeployed: started,
  });
  patchStatus("helmrelease", "demo", "podinfo", {
    observedGeneration: 1,
    lastAttemptedGeneration: 1,
    lastAttemptedRevision: "6.5.4",
    lastAttemptedReleaseAction: "install",
    helmChart: "flux-system/demo-podinfo",
    storageNamespace: "demo",
    history: [snapshot("podinfo", "deployed")],
    conditions: [
      cond(
        "Ready",
        "True",
        "InstallSucceeded",
        "Helm install succeeded for release demo/podinfo.v1 with chart podinfo@6.5.4",
      ),
      cond(
        "Released",
        "True",
        "InstallSucceeded",
        "Helm install succeeded for release demo/podinfo.v1 with chart podinfo@6.5.4",
      ),
    ],
  });
  patchStatus("helmrelease", "demo", "broken", {
    observedGeneration: 1,
    lastAttemptedGeneration: 1,
    lastAttemptedRevision: "6.5.4",
    lastAttemptedReleaseAction: "install",
    installFailures: 3,
    failures: 3,
    history: [snapshot("broken", "failed")],
    conditions: [
      cond("Stalled", "True", "RetriesExceeded", "Failed to install after 3 attempt(s)"),
      cond(
        "Ready",
        "False",
        "InstallFailed",
        "Helm install failed for release demo/broken with chart broken@6.5.4: context deadline exceeded",
      ),
      cond(
        "Released",
        "False",
        "InstallFailed",
        "Helm install failed for release demo/broken with chart broken@6.5.4: context deadline exceeded",
      ),
    ],
  });
  const app = (name, status) => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name, namespace: "argocd" },
    spec: {
      project: "default",
      source: { repoURL: "https://git.example/platform.git", path: `apps/${name}`, targetRevision: "main" },
      destination: { server: "https://kubernetes.default.svc", namespace: name },
    },
    status,
  });
  const compared = (revision) => ({
    revision,
    comparedTo: {
      source: { repoURL: "https://git.example/platform.git", path: "apps", targetRevision: "main" },
      destination: { server: "https://kubernetes.default.svc" },
    },
  });
  kubectl(
    ["create", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [
        app("guestbook", {
          sync: { status: "Synced", ...compared(HEAD) },
          health: { status: "Healthy", lastTransitionTime: started },
          reconciledAt: started,
          operationState: {
            phase: "Succeeded",
            message: "successfully synced (all tasks run)",
            startedAt: started,
            finishedAt: started,
            operation: { sync: { revision: HEAD } },
            syncResult: {
              revision: HEAD,
              source: { repoURL: "https://git.example/platform.git", path: "apps/guestbook" },
            },
          },
        }),
        app("shop", {
          sync: { status: "OutOfSync", ...compared(HEAD) },
          health: {
            status: "Degraded",
            message: 'Deployment "shop" exceeded its progress deadline',
            lastTransitionTime: started,
          },
          reconciledAt: started,
          conditions: [
            {
              type: "SyncError",
              message: "Failed sync attempt to 0f3c9a1d: one or more objects failed to apply",
              lastTransitionTime: started,
            },
          ],
          operationState: {
            phase: "Failed",
            message:
              'one or more objects failed to apply, reason: Deployment.apps "shop" is invalid: spec.template.spec.containers[0].image: Required value',
            startedAt: started,
            finishedAt: started,
            operation: { sync: { revision: HEAD } },
            syncResult: {
              revision: HEAD,
              source: { repoURL: "https://git.example/platform.git", path: "apps/shop" },
            },
          },
        }),
      ],
    }),
  );

  // A Warning event with a series (events.k8s.io/v1 shape, as the scheduler's recorder writes it); the rest
  // are the controllers' own (FailedScheduling of `stuck`, …).
  kubectl(
    ["create", "-f", "-"],
    JSON.stringify({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "crashy.backoff", namespace: "demo" },
      eventTime: micro(),
      reportingController: "kubelet",
      reportingInstance: "nr-node",
      action: "Restarting",
      reason: "BackOff",
      type: "Warning",
      regarding: { kind: "Pod", namespace: "demo", name: crashy, apiVersion: "v1" },
      note: "Back-off restarting failed container app in pod " + crashy,
      series: { count: 12, lastObservedTime: micro() },
    }),
  );
  await sleep(3000);

  mkdirSync(out, { recursive: true });
  save("nodes.json", getJson(["get", "nodes"]));
  save("pods.json", getJson(["get", "pods", "-n", "demo"]));
  save("deployments.json", getJson(["get", "deployments", "-n", "demo"]));
  save("statefulsets.json", getJson(["get", "statefulsets", "-n", "demo"]));
  save("daemonsets.json", getJson(["get", "daemonsets", "-n", "demo"]));
  save("pvcs.json", getJson(["get", "pvc", "-n", "demo"]));
  save("events.json", getJson(["get", "events", "-n", "demo"]));
  save("kustomizations.json", getJson(["get", "kustomizations.kustomize.toolkit.fluxcd.io", "-A"]));
  save("helmreleases.json", getJson(["get", "helmreleases.helm.toolkit.fluxcd.io", "-A"]));
  save("gitrepositories.json", getJson(["get", "gitrepositories.source.toolkit.fluxcd.io", "-A"]));
  save("ocirepositories.json", getJson(["get", "ocirepositories.source.toolkit.fluxcd.io", "-A"]));
  save("helmrepositories.json", getJson(["get", "helmrepositories.source.toolkit.fluxcd.io", "-A"]));
  save("applications.json", getJson(["get", "applications.argoproj.io", "-A"]));
}

function pvc(name, storageClassName) {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: "demo" },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName, resources: { requests: { storage: "1Gi" } } },
  };
}

const dir = join(tmpdir(), `slipway-record-fixtures-${process.pid}`);
const c = await up({ dir, nodes: 2 });
kubeconfig = c.kubeconfig;
try {
  await record();
} finally {
  await down({ dir });
}
