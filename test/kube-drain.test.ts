// Drain through the Eviction API against the real API server of the test control plane: the controller
// manager recreates evicted pods, the scheduler places them on the other node, kwok runs them, and a real
// PodDisruptionBudget refuses what it must. kubectl drain's filters are checked on object shapes too.
import { describe, expect, it } from "vitest";
import { openCluster } from "../src/kube/cluster.js";
import { drainNode, sortPod, type DrainEvent } from "../src/kube/drain.js";
import type { KubeObject } from "../src/kube/types.js";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { haveCluster, kubectl, useCluster, type TestCluster } from "./cluster.js";
import { repoRoot, writeRepo } from "./helpers.js";

const pod = (meta: Partial<KubeObject["metadata"]>, spec: Record<string, unknown> = {}, phase = "Running") =>
  ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default", ...meta },
    spec: { containers: [{ name: "c", image: "x" }], ...spec },
    status: { phase },
  }) as KubeObject;
const rs = [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "u", controller: true }];

describe("which pods drain moves (kubectl drain's filters)", () => {
  it("skips mirror and DaemonSet pods, evicts controlled ones", () => {
    expect(sortPod(pod({ annotations: { "kubernetes.io/config.mirror": "x" } }), {}).action).toBe("skip");
    const ds = [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: "u", controller: true }];
    expect(sortPod(pod({ ownerReferences: ds }), {})).toEqual({
      action: "skip",
      reason: "managed by DaemonSet agent",
    });
    expect(sortPod(pod({ ownerReferences: rs }), {}).action).toBe("evict");
  });

  it("refuses emptyDir data and pods no controller recreates, unless told", () => {
    const scratch = { volumes: [{ name: "tmp", emptyDir: {} }] };
    expect(sortPod(pod({ ownerReferences: rs }, scratch), {}).action).toBe("refuse");
    expect(sortPod(pod({ ownerReferences: rs }, scratch), { deleteEmptyDirData: true }).action).toBe("evict");
    expect(sortPod(pod({}), {})).toMatchObject({
      action: "refuse",
      reason: expect.stringContaining("--force"),
    });
    expect(sortPod(pod({}), { force: true }).action).toBe("delete");
    // A finished pod holds nothing worth keeping: kubectl moves it whatever its volumes or owner.
    expect(sortPod(pod({}, scratch, "Succeeded"), {}).action).toBe("evict");
  });
});

const deployment = (name: string, replicas: number) =>
  JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          // Prefer node 0, so the pods start there and have somewhere to go when it is drained.
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  preference: {
                    matchExpressions: [
                      { key: "kubernetes.io/hostname", operator: "In", values: ["kwok-node-0"] },
                    ],
                  },
                },
              ],
            },
          },
          containers: [{ name: "c", image: "registry.invalid/web:1" }],
        },
      },
    },
  });

function podsOn(c: TestCluster, node: string, selector: string, namespace = "default"): string[] {
  const r = kubectl(c, [
    "get",
    "pods",
    "-n",
    namespace,
    "-l",
    selector,
    "--field-selector",
    `spec.nodeName=${node}`,
    "-o",
    "jsonpath={.items[*].metadata.name}",
  ]);
  return r.stdout.split(" ").filter(Boolean);
}

async function until(what: string, test: () => boolean, ms = 30_000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.runIf(haveCluster("drain against a real API server"))("drain through the Eviction API", () => {
  const c = useCluster({ nodes: 2 });

  it("refuses, listing every pod at once, before evicting anything; the node stays cordoned", async () => {
    const bare = { apiVersion: "v1", kind: "Pod", metadata: { name: "bare", namespace: "default" } };
    const spec = { nodeName: "kwok-node-0", containers: [{ name: "c", image: "x" }] };
    expect(kubectl(c, ["create", "-f", "-"], JSON.stringify({ ...bare, spec })).code).toBe(0);
    const scratchPod = {
      ...bare,
      metadata: { name: "scratch", namespace: "default", ownerReferences: [] },
      spec: { ...spec, volumes: [{ name: "tmp", emptyDir: {} }] },
    };
    expect(kubectl(c, ["create", "-f", "-"], JSON.stringify(scratchPod)).code).toBe(0);
    const cl = await openCluster({ kubeconfig: c.kubeconfig });
    try {
      const e = await drainNode(cl, "kwok-node-0").then(
        () => new Error("the drain did not fail"),
        (x: unknown) => x as Error,
      );
      expect(e).toBeInstanceOf(Error);
      expect(e.message).toMatch(/2 pod\(s\) cannot be moved/);
      expect(e.message).toContain("default/bare no controller recreates it (--force deletes it)");
      expect(e.message).toContain("default/scratch has emptyDir data");
      expect(kubectl(c, ["get", "pod", "bare", "-o", "name"]).code).toBe(0);
      expect(kubectl(c, ["get", "node", "kwok-node-0", "-o", "jsonpath={.spec.unschedulable}"]).stdout).toBe(
        "true",
      );

      const events: DrainEvent[] = [];
      const r = await drainNode(cl, "kwok-node-0", { force: true, deleteEmptyDirData: true }, (ev) =>
        events.push(ev),
      );
      expect(r.evicted.sort()).toEqual(["default/bare", "default/scratch"]);
      expect(events.filter((ev) => ev.type === "gone").length).toBe(2);
      expect(kubectl(c, ["get", "pod", "bare", "-o", "name"]).code).not.toBe(0);
      await cl.cordon("kwok-node-0", false);
    } finally {
      await cl.close();
    }
  }, 60_000);

  it("moves a Deployment's pods to the other node, skips DaemonSet pods", async () => {
    expect(kubectl(c, ["create", "-f", "-"], deployment("web", 3)).code).toBe(0);
    const ds = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", namespace: "default" },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: {
          metadata: { labels: { app: "agent" } },
          spec: { containers: [{ name: "a", image: "x" }] },
        },
      },
    };
    expect(kubectl(c, ["create", "-f", "-"], JSON.stringify(ds)).code).toBe(0);
    await until("3 web pods on node 0", () => podsOn(c, "kwok-node-0", "app=web").length === 3);
    await until("the agent on node 0", () => podsOn(c, "kwok-node-0", "app=agent").length === 1);
    const cl = await openCluster({ kubeconfig: c.kubeconfig });
    try {
      const r = await drainNode(cl, "kwok-node-0", { timeoutMs: 60_000 });
      expect(r.evicted).toHaveLength(3);
      expect(r.skipped).toEqual([
        { pod: expect.stringMatching(/^default\/agent-/), reason: "managed by DaemonSet agent" },
      ]);
      expect(podsOn(c, "kwok-node-0", "app=web")).toEqual([]);
      await until("3 web pods on node 1", () => podsOn(c, "kwok-node-1", "app=web").length === 3);
      await cl.cordon("kwok-node-0", false);
    } finally {
      await cl.close();
    }
  }, 90_000);

  it("a PodDisruptionBudget that allows no disruption holds the drain until its timeout, named", async () => {
    expect(kubectl(c, ["create", "-f", "-"], deployment("guarded", 1)).code).toBe(0);
    const pdb = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "guarded", namespace: "default" },
      spec: { minAvailable: 1, selector: { matchLabels: { app: "guarded" } } },
    };
    expect(kubectl(c, ["create", "-f", "-"], JSON.stringify(pdb)).code).toBe(0);
    await until("the guarded pod on node 0", () => podsOn(c, "kwok-node-0", "app=guarded").length === 1);
    // The disruption controller must have counted the healthy pod before the budget means anything.
    await until(
      "the budget's status",
      () => kubectl(c, ["get", "pdb", "guarded", "-o", "jsonpath={.status.currentHealthy}"]).stdout === "1",
    );
    const cl = await openCluster({ kubeconfig: c.kubeconfig });
    try {
      const blocked: string[] = [];
      const e = await drainNode(cl, "kwok-node-0", { timeoutMs: 2500, retryMs: 400 }, (ev) => {
        if (ev.type === "blocked") blocked.push(ev.pod);
      }).then(
        () => new Error("the drain did not fail"),
        (x: unknown) => x as Error,
      );
      expect(e).toBeInstanceOf(Error);
      expect(e.message).toMatch(
        /timed out after \d+ s with 1 pod\(s\) still there: default\/guarded-\S+ \(eviction refused: .*disruption budget/,
      );
      expect(blocked.length).toBeGreaterThan(1);
      expect(podsOn(c, "kwok-node-0", "app=guarded")).toHaveLength(1);
      await cl.cordon("kwok-node-0", false);
    } finally {
      await cl.close();
    }
  }, 90_000);

  it("the CLI: node cordon / uncordon / drain against the stack's context, progress on stderr", () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/lab.yaml": `components:\n  kubernetes:\n    apps:\n      settings:\n        kubernetes: {context: slipway-test, kubeconfig: ${c.kubeconfig}}\n`,
    });
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(repoRoot, "bin", "slipway.js"), ...args, "-s", "deploy/lab"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
    const on = cli("node", "cordon", "kwok-node-1");
    expect(on.stderr).toBe("");
    expect(on.stdout).toBe("cordoned kwok-node-1 (context slipway-test)\n");
    expect(kubectl(c, ["get", "node", "kwok-node-1", "-o", "jsonpath={.spec.unschedulable}"]).stdout).toBe(
      "true",
    );
    expect(cli("node", "uncordon", "kwok-node-1").status).toBe(0);
    expect(kubectl(c, ["get", "node", "kwok-node-1", "-o", "jsonpath={.spec.unschedulable}"]).stdout).toBe(
      "",
    );
    const d = cli("node", "drain", "kwok-node-1", "--timeout", "30s", "--force", "--delete-emptydir-data");
    expect(d.status, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/^drained kwok-node-1 in [\d.]+ s: \d+ pod\(s\) evicted, 1 skipped\n$/);
    expect(d.stderr).toContain("cordoned kwok-node-1");
    expect(d.stderr).toMatch(/skipped default\/agent-\S+: managed by DaemonSet agent/);
    const bad = cli("node", "drain", "kwok-node-1", "--timeout", "soon");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--timeout soon: expected a duration");
    const lost = cli("node", "cordon", "kwok-node-1", "--context", "nope");
    expect(lost.status).toBe(1);
    expect(lost.stderr).toContain("no context nope in the kubeconfig");
    expect(lost.stderr).not.toMatch(/\n\s+at /);
    expect(cli("node", "uncordon", "kwok-node-1").status).toBe(0);
  }, 90_000);

  it("picks the same pods as kubectl drain --dry-run=server (the oracle): refused, skipped and evicted", async () => {
    // Pods of every kind the filters tell apart, on node 1: bare, emptyDir, a Deployment's, a DaemonSet's.
    expect(kubectl(c, ["create", "namespace", "oracle"]).code).toBe(0);
    const mk = (name: string, spec: Record<string, unknown> = {}) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: "oracle" },
        spec: { nodeName: "kwok-node-1", containers: [{ name: "c", image: "x" }], ...spec },
      });
    for (const [n, spec] of [
      ["bare", {}],
      ["scratch", { volumes: [{ name: "tmp", emptyDir: {} }] }],
    ] as const)
      expect(kubectl(c, ["create", "-f", "-"], mk(n, spec)).code).toBe(0);
    const template = (app: string) => ({
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: {
          nodeSelector: { "kubernetes.io/hostname": "kwok-node-1" },
          containers: [{ name: "c", image: "x" }],
        },
      },
    });
    const workloads = [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "oracle" },
        spec: { replicas: 2, ...template("oracle-web") },
      },
      {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "agent", namespace: "oracle" },
        spec: template("oracle-agent"),
      },
    ];
    for (const w of workloads) expect(kubectl(c, ["create", "-f", "-"], JSON.stringify(w)).code).toBe(0);
    await until(
      "the oracle workloads' pods on node 1",
      () =>
        podsOn(c, "kwok-node-1", "app=oracle-web", "oracle").length === 2 &&
        podsOn(c, "kwok-node-1", "app=oracle-agent", "oracle").length === 1,
    );
    const listed = kubectl(c, [
      "get",
      "pods",
      "-A",
      "--field-selector",
      "spec.nodeName=kwok-node-1",
      "-o",
      "json",
    ]);
    const pods = (JSON.parse(listed.stdout) as { items: KubeObject[] }).items;
    const ours = (o: Parameters<typeof sortPod>[1], action: string) =>
      pods
        .filter((p) => sortPod(p, o).action === action)
        .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
        .sort();
    const drain = (...flags: string[]) =>
      kubectl(c, [
        "drain",
        "kwok-node-1",
        "--dry-run=server",
        "--ignore-daemonsets",
        "--timeout=20s",
        ...flags,
      ]);
    // The pods kubectl names (it repeats its refusal in a summary line): each once, sorted.
    const named = (text: string, re: RegExp) =>
      [
        ...new Set(
          [...text.matchAll(re)]
            .flatMap((m) => m[1]!.split(/,\s*/))
            .map((x) => x.trim())
            .filter(Boolean),
        ),
      ].sort();

    // Without --force / --delete-emptydir-data kubectl refuses, naming the pods; slipway refuses the same ones.
    const refused = drain();
    expect(refused.code).not.toBe(0);
    // kubectl: `cannot delete Pods … (use --force to override): ns/a, ns/b, cannot delete …: ns/c]`.
    const kubectlRefused = named(refused.stderr, /\(use [^)]*\): ((?:[\w.-]+\/[\w.-]+(?:, )?)+)/g);
    expect(kubectlRefused).toEqual(ours({}, "refuse"));
    expect(kubectlRefused).toEqual(["oracle/bare", "oracle/scratch"]);

    // With both, kubectl evicts (dry run) exactly what slipway evicts or deletes, and ignores the DaemonSet's pod.
    const moved = drain("--force", "--delete-emptydir-data");
    expect(moved.code, moved.stderr).toBe(0);
    const both = { force: true, deleteEmptyDirData: true };
    const kubectlMoved = named(moved.stdout + moved.stderr, /evicting pod (\S+)/g);
    expect(kubectlMoved).toEqual([...ours(both, "evict"), ...ours(both, "delete")].sort());
    expect(named(moved.stderr, /Warning: ignoring DaemonSet-managed Pods: ([^\n;]+)/g)).toEqual(
      ours(both, "skip"),
    );
    expect(kubectl(c, ["uncordon", "kwok-node-1"]).code).toBe(0);
  }, 90_000);
});
