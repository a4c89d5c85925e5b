// The kube adapter against the real API server of the test control plane (test/cluster.ts): lists in pages,
// watches with bookmarks, batches changes, survives a lost connection, and names every failure in the user's
// terms. The only stand-in is a TCP relay (a test tool, not a double of anything Kubernetes does) that cuts
// connections to the real server the way a flaky Tailscale link would.
import { createServer } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCluster, type Cluster } from "../src/kube/cluster.js";
import { KubeError } from "../src/kube/errors.js";
import { backoffMs } from "../src/kube/informer.js";
import { FLUX_KUSTOMIZATIONS, NODES, PODS } from "../src/kube/resources.js";
import type { ResourceType } from "../src/kube/types.js";
import { haveCluster, kubectl, useCluster } from "./cluster.js";
import { tcpRelay } from "./tcp-relay.js";
import { repoRoot, tempDir } from "./helpers.js";
import { spawnSync } from "node:child_process";

const CONFIGMAPS: ResourceType = {
  group: "",
  version: "v1",
  resource: "configmaps",
  kind: "ConfigMap",
  namespaced: true,
};

const until = async (what: string, test: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

const pod = (name: string, ns = "default") =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels: { app: "adapter-test" } },
    spec: { containers: [{ name: "c", image: "registry.invalid/none:1" }], nodeName: "kwok-node-0" },
  });

describe("backoff", () => {
  it("grows from about half a second and stays under 36 s however many attempts", () => {
    expect(backoffMs(1, () => 0.5)).toBe(500);
    expect(backoffMs(3, () => 0.5)).toBe(2000);
    for (let a = 1; a < 40; a++) {
      expect(backoffMs(a, () => 1)).toBeLessThanOrEqual(36_000);
      expect(backoffMs(a, () => 0)).toBeGreaterThanOrEqual(400);
    }
  });
});

describe.runIf(haveCluster("the kube adapter against a real API server"))("the kube adapter", () => {
  const c = useCluster({ nodes: 2 });
  const open = (extra: Parameters<typeof openCluster>[0] = {}) =>
    openCluster({ kubeconfig: c.kubeconfig, ...extra });

  it("lists and watches nodes: objects complete (apiVersion, kind) and without field managers", async () => {
    const cl = await open();
    try {
      expect(cl.serverVersion).toMatch(/^v1\.\d+\.\d+/);
      expect(cl.context).toBe("slipway-test");
      const nodes = cl.watch(NODES);
      expect(cl.watch(NODES)).toBe(nodes);
      await cl.synced();
      expect(nodes.synced).toBe(true);
      expect([...nodes.values()].map((n) => n.metadata.name).sort()).toEqual(["kwok-node-0", "kwok-node-1"]);
      const n = nodes.get(undefined, "kwok-node-0")!;
      expect(n.kind).toBe("Node");
      expect(n.apiVersion).toBe("v1");
      expect(n.metadata.managedFields).toBeUndefined();
      expect(cl.connection().state).toBe("live");
    } finally {
      await cl.close();
    }
  });

  it("reads a list of more than one page completely (600 objects, pages of 500)", async () => {
    const items = Array.from({ length: 600 }, (_, i) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `page-${i}`, namespace: "default", labels: { paged: "yes" } },
    }));
    const r = kubectl(c, ["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
    expect(r.code, r.stderr).toBe(0);
    const cl = await open();
    try {
      const cms = cl.watch(CONFIGMAPS, { labelSelector: "paged=yes" });
      await cl.synced();
      expect(cms.size).toBe(600);
      expect(cms.get("default", "page-599")?.metadata.labels).toEqual({ paged: "yes" });
    } finally {
      await cl.close();
    }
    // From the watch cache (status's one-shot read): the same objects, in one answer.
    const cached = await open({ listFromCache: true });
    try {
      const cms = cached.watch(CONFIGMAPS, { labelSelector: "paged=yes" });
      await cached.synced();
      expect(cms.size).toBe(600);
    } finally {
      await cached.close();
    }
  });

  it("delivers watch changes in batches, at most one per interval", async () => {
    const cl = await open({ batchMs: 150 });
    try {
      const pods = cl.watch(PODS, { namespaces: ["default"] });
      await cl.synced();
      const calls: number[] = [];
      cl.subscribe((changed) => {
        if (changed.has("pods")) calls.push(Date.now());
      });
      const names = Array.from({ length: 15 }, (_, i) => `batch-${i}`);
      for (const n of names) expect(kubectl(c, ["create", "-f", "-"], pod(n)).code).toBe(0);
      await until("15 pods seen", () => names.every((n) => pods.get("default", n)));
      await new Promise((r) => setTimeout(r, 400));
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.length).toBeLessThan(15);
      for (let i = 1; i < calls.length; i++) expect(calls[i]! - calls[i - 1]!).toBeGreaterThanOrEqual(140);
      expect(kubectl(c, ["delete", "pod", "batch-3", "--wait=false"]).code).toBe(0);
      await until("a deleted pod gone (kwok finishes the deletion)", () => !pods.get("default", "batch-3"));
    } finally {
      await cl.close();
    }
  });

  it("watches only the namespaces asked for, as one collection", async () => {
    for (const ns of ["team-a", "team-b", "team-c"]) {
      expect(kubectl(c, ["create", "namespace", ns]).code).toBe(0);
      expect(kubectl(c, ["create", "-f", "-"], pod(`p-${ns}`, ns)).code).toBe(0);
    }
    const cl = await open();
    try {
      const pods = cl.watch(PODS, { namespaces: ["team-b", "team-a"] });
      await cl.synced();
      const seen = [...pods.values()].map((p) => p.metadata.namespace).sort();
      expect(seen).toEqual(["team-a", "team-b"]);
      expect(pods.get("team-c", "p-team-c")).toBeUndefined();
      expect(pods.get("team-b", "p-team-b")?.metadata.name).toBe("p-team-b");
    } finally {
      await cl.close();
    }
  });

  it("close() right after the first sync leaves nothing open: a process that opens, syncs and closes exits", () => {
    // The built library (npm test builds first), in a process of its own: a socket or timer left behind keeps
    // it alive until spawnSync's timeout kills it.
    const lib = join(repoRoot, "dist", "kube");
    const script = `
      const { openCluster } = await import(${JSON.stringify(join(lib, "cluster.js"))});
      const r = await import(${JSON.stringify(join(lib, "resources.js"))});
      const cl = await openCluster({ kubeconfig: ${JSON.stringify(c.kubeconfig)} });
      for (const t of [r.NODES, r.PODS, r.EVENTS, r.FLUX_KUSTOMIZATIONS]) cl.watch(t);
      await cl.synced();
      await cl.close();
      console.log("closed");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.stderr).toBe("");
    expect(run.signal).toBeNull();
    expect(run.stdout).toBe("closed\n");
    expect(run.status).toBe(0);
  });

  it("a type the API does not serve is absent, not an error (Flux not installed)", async () => {
    const cl = await open();
    try {
      const ks = cl.watch(FLUX_KUSTOMIZATIONS);
      await cl.synced();
      expect(ks.absent).toBe(true);
      expect(ks.error).toBeUndefined();
      expect(ks.size).toBe(0);
    } finally {
      await cl.close();
    }
  });

  it("cordons and uncordons a node; a read-only cluster refuses", async () => {
    const cl = await open();
    try {
      await cl.cordon("kwok-node-1", true);
      expect(kubectl(c, ["get", "node", "kwok-node-1", "-o", "jsonpath={.spec.unschedulable}"]).stdout).toBe(
        "true",
      );
      await cl.cordon("kwok-node-1", false);
      expect(kubectl(c, ["get", "node", "kwok-node-1", "-o", "jsonpath={.spec.unschedulable}"]).stdout).toBe(
        "",
      );
      const fresh = await cl.get(NODES, undefined, "kwok-node-1");
      expect(fresh.kind).toBe("Node");
    } finally {
      await cl.close();
    }
    const ro = await open({ readonly: true });
    try {
      await expect(ro.cordon("kwok-node-1", true)).rejects.toThrow(
        /refused, the cluster was opened read-only/,
      );
    } finally {
      await ro.close();
    }
  });

  it("names failures in the user's terms: unreachable, unauthorised, forbidden, not found", async () => {
    const dir = tempDir();
    const text = readFileSync(c.kubeconfig, "utf8");
    // A closed port on 127.0.0.1: nothing listens there.
    const closed = await new Promise<number>((done) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => done(port));
      });
    });
    const dead = join(dir, "dead");
    writeFileSync(dead, text.replace(/server: "[^"]+"/, `server: "https://127.0.0.1:${closed}"`));
    const e1 = await openCluster({ kubeconfig: dead, probeMs: 2000 }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(KubeError);
    expect((e1 as KubeError).kind).toBe("unreachable");
    expect((e1 as KubeError).message).toContain(`https://127.0.0.1:${closed}`);
    expect((e1 as KubeError).message).toContain("context slipway-test");

    const badToken = join(dir, "bad-token");
    writeFileSync(badToken, text.replace(/token: [^}\s]+/, "token: not-a-token"));
    const e2 = await openCluster({ kubeconfig: badToken }).catch((e: unknown) => e);
    expect((e2 as KubeError).kind).toBe("unauthorised");

    // A service account with no role: the server authenticates it and RBAC refuses its list.
    expect(kubectl(c, ["create", "serviceaccount", "nobody"]).code).toBe(0);
    const tok = kubectl(c, ["create", "token", "nobody"]).stdout.trim();
    expect(tok.length).toBeGreaterThan(20);
    const nobody = join(dir, "nobody");
    writeFileSync(nobody, text.replace(/token: [^}\s]+/, `token: ${tok}`));
    const cl = await openCluster({ kubeconfig: nobody });
    try {
      const nodes = cl.watch(NODES);
      await cl.synced();
      expect(nodes.error?.kind).toBe("forbidden");
      expect(nodes.error?.message).toMatch(/forbidden/i);
      const e3 = await cl.get(PODS, "default", "no-such-pod").catch((e: unknown) => e);
      expect((e3 as KubeError).kind).toBe("forbidden");
    } finally {
      await cl.close();
    }
    const admin = await open();
    try {
      const e4 = await admin.get(PODS, "default", "no-such-pod").catch((e: unknown) => e);
      expect((e4 as KubeError).kind).toBe("not-found");
    } finally {
      await admin.close();
    }
    await expect(openCluster({ kubeconfig: c.kubeconfig, context: "nope" })).rejects.toThrow(
      /no context nope in the kubeconfig .*contexts|no context nope/,
    );
  });

  it("a lost connection shows as reconnecting, then resumes the watch and catches up", async () => {
    const relay = await tcpRelay(c, tempDir());
    let cl: Cluster | undefined;
    try {
      cl = await openCluster({ kubeconfig: relay.kubeconfig });
      const pods = cl.watch(PODS, { namespaces: ["default"] });
      await cl.synced();
      relay.cut();
      await until("reconnecting", () => cl!.connection().state === "reconnecting");
      expect(kubectl(c, ["create", "-f", "-"], pod("made-while-away")).code).toBe(0);
      relay.mend();
      await until("live again", () => cl!.connection().state === "live", 20_000);
      await until("the pod made while away", () => Boolean(pods.get("default", "made-while-away")), 20_000);
    } finally {
      await cl?.close();
      relay.close();
    }
  });
});
