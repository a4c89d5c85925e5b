// The status report builder on the recorded objects (test/fixtures/kube), through the in-memory ClusterView
// test double (test/kube/recorded.ts): each finding category, and that a healthy cluster says healthy.
import { describe, expect, it } from "vitest";
import { buildStatus, revisionCommit, watchStatus, type DesiredState } from "../../src/kube/status.js";
import { compareVersions } from "../../src/kube/status-nodes.js";
import type { KubeObject } from "../../src/kube/types.js";
import { memoryCluster, recorded } from "./recorded.js";

const HEAD = "0f3c9a1d2b4e5f60718293a4b5c6d7e8f9012345";
const desired: DesiredState = {
  stack: "homelab/prod",
  clusterVersion: "v1.31.4+k3s1",
  gitHead: HEAD,
  nodes: [
    { name: "pi-gpu", role: "server", address: "192.168.10.31", tailscaleIP: "100.101.102.31" },
    { name: "kwok-node-0", role: "agent", address: "10.0.0.1" },
    { name: "kwok-node-1", role: "agent", address: "10.0.0.2", tailscaleIP: "100.101.102.33" },
    { name: "pi-gone", role: "agent", address: "192.168.10.40" },
  ],
};

function report(d: DesiredState = desired, override: Record<string, KubeObject[] | null> = {}) {
  const view = memoryCluster(override);
  return buildStatus(d, view, watchStatus(view));
}
const categories = (r: ReturnType<typeof report>) => r.findings.map((f) => `${f.category} ${f.object}`);

describe("status report on the recorded cluster", () => {
  const r = report();
  it("is degraded, with the counts of what it read", () => {
    expect(r.verdict).toBe("degraded");
    expect(r.counts).toMatchObject({
      nodes: 4,
      pods: recorded("pods").length,
      workloads: 5,
      gitops: 11,
      pvcs: 3,
    });
    expect(r.counts.degraded).toBe(r.findings.filter((f) => f.severity === "degraded").length);
  });
  it("nodes declared but absent, present but undeclared, not Ready, cordoned", () => {
    expect(categories(r)).toEqual(
      expect.arrayContaining([
        "node-missing Node pi-gone",
        "node-undeclared Node nr-node",
        "node-not-ready Node nr-node",
        "node-cordoned Node kwok-node-1",
      ]),
    );
    expect(r.nodes.find((n) => n.name === "pi-gone")).toMatchObject({ declared: true, present: false });
    expect(r.findings.find((f) => f.category === "node-cordoned")!.severity).toBe("note");
  });
  it("version drift compares the k3s build only when both have one; kwok's version is not comparable", () => {
    expect(categories(r)).toContain("version-not-comparable Node kwok-node-0");
    expect(categories(r)).not.toContain("version-drift Node pi-gpu");
    const drift = report({ ...desired, clusterVersion: "v1.31.4+k3s2" });
    expect(categories(drift)).toContain("version-drift Node pi-gpu");
    expect(compareVersions("v1.31.4+k3s1", "v1.31.4")).toBe("same");
    expect(compareVersions("v1.31.4", "v1.32.0+k3s1")).toBe("drift");
    expect(compareVersions("v1.31.4", "kwok-0.8.0")).toBe("not-comparable");
  });
  it("Tailscale address and InternalIP against the declared ones", () => {
    expect(categories(r)).not.toContain("tailscale-drift Node pi-gpu");
    const f = r.findings.filter((x) => x.object === "Node kwok-node-1").map((x) => x.category);
    expect(f).toEqual(expect.arrayContaining(["address-drift", "tailscale-drift"]));
    expect(r.findings.find((x) => x.category === "tailscale-drift")!.message).toMatch(
      /reports no Tailscale address/,
    );
  });
  it("allocatable versus requested per node, and overcommitment", () => {
    expect(r.nodes.find((n) => n.name === "kwok-node-0")).toMatchObject({
      allocatable: { cpu: 4 },
      requested: { cpu: 1, pods: 4 },
    });
    expect(categories(r).some((c) => c.startsWith("overcommitted"))).toBe(false);
    const small = recorded("nodes").map((n) =>
      n.metadata.name === "kwok-node-0"
        ? { ...n, status: { ...n.status, allocatable: { cpu: "500m", memory: "8Gi", pods: "110" } } }
        : n,
    );
    expect(categories(report(desired, { nodes: small }))).toContain("overcommitted Node kwok-node-0");
  });
  it("GitOps objects not Ready, with message and revision against HEAD; suspended is a note", () => {
    const infra = r.findings.find((f) => f.object === "Kustomization flux-system/infra")!;
    expect(infra).toMatchObject({ severity: "degraded", category: "gitops-not-ready" });
    expect(infra.message).toMatch(
      /BuildFailed: kustomize build failed.*revision main@sha1:9a8b7c.*tree HEAD 0f3c9a1d/,
    );
    expect(categories(r)).toEqual(
      expect.arrayContaining([
        "gitops-not-ready HelmRelease demo/broken",
        "gitops-not-ready OCIRepository flux-system/manifests",
        "gitops-not-ready Application argocd/shop",
        "gitops-not-ready Kustomization flux-system/reconciling",
        "gitops-suspended Kustomization flux-system/paused",
      ]),
    );
    expect(r.gitops.find((g) => g.name === "apps")).toMatchObject({ level: "healthy", head: "same" });
    expect(categories(r).some((c) => c.includes("flux-system/apps"))).toBe(false);
    const newer = report({ ...desired, gitHead: "1".repeat(40) });
    expect(categories(newer)).toContain("gitops-behind-head Kustomization flux-system/apps");
    expect(r.gitops[0]!.level).toBe("degraded");
  });
  it("workloads not ready, failing bare pods, pending and lost PVCs", () => {
    expect(categories(r)).toEqual(
      expect.arrayContaining([
        "workload-not-ready Deployment demo/stuck",
        "workload-not-ready Deployment demo/crashy",
        "workload-not-ready DaemonSet demo/agent",
        "pod-failing Pod demo/pull-fail",
        "pod-failing Pod demo/config-fail",
        "pod-failing Pod demo/evicted",
        "pvc-pending PersistentVolumeClaim demo/pending",
        "pvc-lost PersistentVolumeClaim demo/lost",
      ]),
    );
    expect(categories(r).some((c) => c.startsWith("pod-failing Pod demo/crashy"))).toBe(false);
    expect(r.workloads.map((w) => w.name)).not.toContain("web");
  });
  it("the last N warning events, newest first", () => {
    const few = buildStatus(desired, memoryCluster(), watchStatus(memoryCluster()), { events: 3 });
    expect(few.events).toHaveLength(3);
    expect(few.events.every((e) => e.last >= few.events[2]!.last)).toBe(true);
    expect(r.counts.warningEvents).toBeGreaterThan(3);
  });
  it("uninstalled GitOps types are listed, not dropped", () => {
    const noArgo = report(desired, { applications: null });
    expect(noArgo.notInstalled).toEqual(["applications.argoproj.io"]);
    expect(noArgo.counts.gitops).toBe(9);
  });
  it("a stack without a nodes component gets the cluster half and a note", () => {
    const bare = report({ stack: "x" });
    expect(categories(bare)).toContain("no-desired-nodes stack x");
    expect(
      categories(bare).some((c) => c.startsWith("node-missing") || c.startsWith("node-undeclared")),
    ).toBe(false);
    expect(categories(bare)).toContain("node-not-ready Node nr-node");
  });
});

describe("a healthy cluster", () => {
  it("is healthy when only healthy objects remain", () => {
    const keep = (resource: string, names: string[]) =>
      recorded(resource).filter((o) => names.some((n) => o.metadata.name.startsWith(n)));
    const r = report(
      {
        stack: "ok",
        clusterVersion: "v1.31.4+k3s1",
        gitHead: HEAD,
        nodes: [{ name: "pi-gpu", role: "server", address: "192.168.10.31", tailscaleIP: "100.101.102.31" }],
      },
      {
        nodes: keep("nodes", ["pi-gpu"]),
        pods: keep("pods", ["web-", "db-"]),
        deployments: keep("deployments", ["web"]),
        daemonsets: [],
        persistentvolumeclaims: keep("persistentvolumeclaims", ["data"]),
        kustomizations: keep("kustomizations", ["apps"]),
        helmreleases: keep("helmreleases", ["podinfo"]),
        ocirepositories: [],
        applications: keep("applications", ["guestbook"]),
      },
    );
    expect(r.findings).toEqual([]);
    expect(r.verdict).toBe("healthy");
  });
});

it("revision commits", () => {
  expect(revisionCommit(`main@sha1:${HEAD}`)).toBe(HEAD);
  expect(revisionCommit(`sha1:${HEAD}`)).toBe(HEAD);
  expect(revisionCommit(HEAD)).toBe(HEAD);
  expect(revisionCommit("6.5.4")).toBeUndefined();
  expect(revisionCommit("latest@sha256:" + "a".repeat(64))).toBeUndefined();
});
