// The terminal UI's pure work at scale (run after `npm run build`: node bench/tui-rows.mjs): 100 nodes,
// 10,000 pods, 10,000 events. What one batch of cluster changes costs (rows rebuilt and sorted once, the
// per-batch context), what one navigation key costs (no rebuild, no sort), one typed filter character
// (a refilter), and drawing the screen (cells built for the visible rows only). Medians of repeated runs.
import { onCluster, onKey } from "../dist/tui/reducer.js";
import { screenLines } from "../dist/tui/screen.js";
import { initialState } from "../dist/tui/state.js";

const NODES = 100;
const PODS = 10_000;
const EVENTS = 10_000;
const t0 = Date.parse("2026-12-01T00:00:00Z");
const nodes = Array.from({ length: NODES }, (_, i) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: {
    name: `node-${String(i).padStart(3, "0")}`,
    uid: `n${i}`,
    creationTimestamp: "2026-11-01T00:00:00Z",
    labels: { "node-role.kubernetes.io/worker": "" },
  },
  spec: {},
  status: {
    conditions: [{ type: "Ready", status: "True" }],
    allocatable: { cpu: "8", memory: "32Gi", pods: "110" },
    nodeInfo: { kubeletVersion: "v1.33.1+k3s1" },
    addresses: [{ type: "InternalIP", address: `10.0.0.${i}` }],
  },
}));
const pods = Array.from({ length: PODS }, (_, i) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: `app-${i}-7d9f8c6b5-x${i}`,
    namespace: `team-${i % 40}`,
    uid: `p${i}`,
    creationTimestamp: "2026-11-30T00:00:00Z",
    labels: { app: `app-${i % 300}` },
    ownerReferences: [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: `app-${i}-7d9f8c6b5`, uid: "rs", controller: true },
    ],
  },
  spec: {
    nodeName: `node-${String(i % NODES).padStart(3, "0")}`,
    containers: [{ name: "main", resources: { requests: { cpu: "50m", memory: "64Mi" } } }],
  },
  status: {
    phase: "Running",
    podIP: `10.1.${i >> 8}.${i & 255}`,
    containerStatuses: [{ name: "main", ready: true, restartCount: i % 3 }],
  },
}));
const events = Array.from({ length: EVENTS }, (_, i) => ({
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: `ev-${i}`, namespace: `team-${i % 40}`, uid: `e${i}` },
  type: i % 10 === 0 ? "Warning" : "Normal",
  reason: i % 10 === 0 ? "BackOff" : "Pulled",
  involvedObject: {
    kind: "Pod",
    name: `app-${i}-7d9f8c6b5-x${i}`,
    namespace: `team-${i % 40}`,
    uid: `p${i}`,
  },
  lastTimestamp: new Date(t0 + i * 1000).toISOString(),
  message: "Back-off restarting failed container",
}));
const data = (extra = 0) => ({
  context: "bench",
  server: "https://127.0.0.1",
  connection: { state: "live", since: 0 },
  types: {
    nodes: { synced: true, absent: false, objects: nodes },
    pods: {
      synced: true,
      absent: false,
      objects: extra ? [...pods.slice(extra), ...pods.slice(0, extra)] : pods,
    },
    events: { synced: true, absent: false, objects: events },
  },
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    out.push(performance.now() - t);
  }
  return median(out);
}
const ms = (x) => `${x.toFixed(2)} ms`;

console.log(
  `\nterminal UI rows (${NODES} nodes, ${PODS.toLocaleString("en")} pods, ${EVENTS.toLocaleString("en")} events; median)`,
);
for (const view of ["pods", "nodes", "workloads", "events"]) {
  let s = onCluster(initialState({ view, height: 50, width: 200 }), data());
  const batch = time(15, (i) => (s = onCluster(s, data(i + 1))));
  const key = time(200, (i) => (s = onKey(s, i % 50 < 25 ? "down" : "up")));
  const draw = time(50, () => screenLines(s, { now: Date.now() }));
  let f = onKey(s, "/");
  const filterChar = time(20, (i) => (f = onKey(f, i % 2 ? "backspace" : "1")));
  console.log(
    `  ${view.padEnd(10)} one batch (rebuild + sort): ${ms(batch).padStart(9)}   one key: ${ms(key).padStart(8)}   draw: ${ms(draw).padStart(8)}   one filter char: ${ms(filterChar).padStart(8)}`,
  );
}
