// Filling the test control plane to the issue's scale: pods bound to kwok's nodes (spec.nodeName, so the
// scheduler's speed is not what is measured) in a few namespaces, and events about them. Two ways to send them —
// parallel requests over keep-alive HTTPS, or `kubectl create -f` of one big List — so the bench can say
// which is faster instead of guessing.
import { spawnSync } from "node:child_process";
import { apiClient, inParallel } from "./api.mjs";

export const NAMESPACES = Array.from({ length: 10 }, (_, i) => `bench-${i}`);
const APPS = ["web", "api", "worker", "cache", "db", "queue", "auth", "search", "mail", "media"];

/** Pod `i` of the fill: namespace and node round-robin, an app label, one container. */
export function podManifest(i, { nodes = 100, prefix = "pod", namespace } = {}) {
  const app = APPS[i % APPS.length];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${app}-${prefix}-${i}`,
      namespace: namespace ?? NAMESPACES[i % NAMESPACES.length],
      labels: { app, bench: "fill" },
    },
    spec: {
      nodeName: `kwok-node-${i % nodes}`,
      containers: [
        {
          name: app,
          image: `registry.local/${app}:1.${i % 7}`,
          resources: { requests: { cpu: "10m", memory: "16Mi" } },
        },
      ],
    },
  };
}

/** Event `i`: about fill pod `i % pods`, one in ten a Warning (as BackOff / Unhealthy would be). */
export function eventManifest(i, { pods = 5000, nodes = 100 } = {}) {
  const pod = podManifest(i % pods, { nodes });
  const warning = i % 10 === 0;
  const at = new Date(Date.now() - (i % 3600) * 1000).toISOString();
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${pod.metadata.name}.bench-${i}`, namespace: pod.metadata.namespace },
    involvedObject: {
      apiVersion: "v1",
      kind: "Pod",
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
    },
    reason: warning ? "BackOff" : "Pulled",
    message: warning
      ? `Back-off restarting failed container ${pod.spec.containers[0].name}`
      : `Container image "${pod.spec.containers[0].image}" already present on machine`,
    type: warning ? "Warning" : "Normal",
    count: 1 + (i % 5),
    firstTimestamp: at,
    lastTimestamp: at,
    source: { component: "kubelet", host: pod.spec.nodeName },
  };
}

const collection = (o) =>
  `/api/v1/namespaces/${o.metadata.namespace}/${o.kind === "Pod" ? "pods" : "events"}`;

/** Creates the namespaces the fill uses (idempotent). */
export async function createNamespaces(api, names = NAMESPACES) {
  await inParallel(names, 8, (name) =>
    api.must(
      "POST",
      "/api/v1/namespaces",
      { apiVersion: "v1", kind: "Namespace", metadata: { name } },
      [409],
    ),
  );
}

/** Creates `objects` by parallel POSTs (`parallel` in flight); returns seconds taken. */
export async function createOverHttps(api, objects, parallel = 32) {
  const t = performance.now();
  await inParallel(objects, parallel, (o) => api.must("POST", collection(o), o));
  return (performance.now() - t) / 1000;
}

/** Creates `objects` with one `kubectl create -f -` of a List; returns seconds taken. */
export function createWithKubectl(c, objects) {
  const t = performance.now();
  const r = spawnSync("kubectl", ["--kubeconfig", c.kubeconfig, "create", "-f", "-", "-o", "name"], {
    input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`kubectl create -f failed: ${r.stderr.slice(0, 400)}`);
  return (performance.now() - t) / 1000;
}

/** Pods of the fill's namespaces not yet Running (a selector the API server answers; stops counting at 500). */
export async function podsNotRunning(api) {
  const r = await api.must(
    "GET",
    "/api/v1/pods?limit=500&fieldSelector=" + encodeURIComponent("status.phase!=Running"),
  );
  return r.json.items.length;
}

/** Waits until every pod runs (kwok has played its stages); returns seconds waited. */
export async function waitRunning(api, timeoutMs = 300_000) {
  const t = performance.now();
  while ((await podsNotRunning(api)) > 0) {
    if (performance.now() - t > timeoutMs) throw new Error(`pods not Running after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return (performance.now() - t) / 1000;
}

/** How many objects of a collection path the server holds (one paged list, items counted). */
export async function countObjects(api, path) {
  let n = 0;
  let token = "";
  do {
    const r = await api.must(
      "GET",
      `${path}?limit=2000${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
    );
    n += r.json.items.length;
    token = r.json.metadata?.continue ?? "";
  } while (token);
  return n;
}

export { apiClient };
