// The test control plane for vitest: one per test file that asks for it, started in beforeAll and stopped in
// afterAll. It is the real API server (with etcd, controller-manager, scheduler) and kwok's simulated
// kubelets — not a test double (see test/cluster/cluster.mjs).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
// @ts-expect-error plain ESM script without types
import { down, missingBinaries, up } from "./cluster/cluster.mjs";
import { tempDir } from "./helpers.js";
import { havePeers } from "./peers.js";

export interface TestCluster {
  dir: string;
  kubeconfig: string;
  server: string;
  seconds: number;
}

/** True when the control plane's peers are built; otherwise prints why the group skips. */
export function haveCluster(what: string): boolean {
  void missingBinaries;
  return havePeers(what, "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok");
}

/** Starts a control plane for this file's tests; the returned object is filled in by beforeAll. */
export function useCluster(opts: { nodes?: number } = {}): TestCluster {
  const cluster = { dir: "", kubeconfig: "", server: "", seconds: 0 };
  beforeAll(async () => {
    const c = (await up({ dir: join(tempDir(), "cluster"), nodes: opts.nodes ?? 2 })) as TestCluster;
    Object.assign(cluster, c);
  }, 120_000);
  afterAll(async () => {
    if (cluster.dir) await down({ dir: cluster.dir });
  }, 60_000);
  return cluster;
}

/** kubectl against the test cluster. */
export function kubectl(c: TestCluster, args: string[], input?: string) {
  const r = spawnSync("kubectl", ["--kubeconfig", c.kubeconfig, ...args], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
