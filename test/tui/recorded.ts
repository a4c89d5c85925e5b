// Objects recorded from the test control plane (kwok nodes, a Deployment's pods, a pod that cannot be
// scheduled and its FailedScheduling warning), as a ClusterData snapshot for the UI's pure parts.
import { readFileSync } from "node:fs";
import type { KubeObject } from "../../src/kube/types.js";
import type { ClusterData } from "../../src/tui/model.js";
import { fixture } from "../helpers.js";

export const RECORDED = JSON.parse(readFileSync(fixture("tui", "recorded.json"), "utf8")) as Record<
  string,
  KubeObject[]
>;

/** A live snapshot of the recorded objects (every type synced). */
export function recordedData(extra: Record<string, KubeObject[]> = {}): ClusterData {
  const all = { ...RECORDED, ...extra };
  return {
    context: "recorded",
    server: "https://127.0.0.1:6443",
    connection: { state: "live", since: 0 },
    types: Object.fromEntries(
      Object.entries(all).map(([r, objects]) => [r, { synced: true, absent: false, objects }]),
    ),
  };
}

/** `n` synthetic pods spread over namespaces and nodes (for sizes the recording does not have). */
export function manyPods(n: number, namespaces = 20, nodes = 100): KubeObject[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `app-${i}`,
      namespace: `ns-${i % namespaces}`,
      uid: `uid-${i}`,
      creationTimestamp: "2026-12-01T00:00:00Z",
      labels: { app: `app-${i % 50}`, tier: i % 2 ? "web" : "db" },
    },
    spec: {
      nodeName: `node-${i % nodes}`,
      containers: [{ name: "main", resources: { requests: { cpu: "100m", memory: "64Mi" } } }],
    },
    status: {
      phase: "Running",
      podIP: `10.1.${(i >> 8) & 255}.${i & 255}`,
      containerStatuses: [{ name: "main", ready: true, restartCount: i % 7 }],
    },
  }));
}
