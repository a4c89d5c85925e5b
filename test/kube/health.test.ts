// The health model on object shapes recorded from the test control plane (test/fixtures/kube/README.md says
// which statuses the real controllers wrote and which the recorder wrote in their shape).
import { describe, expect, it } from "vitest";
import { worstLevel } from "../../src/kube/health.js";
import { gitopsHealth } from "../../src/kube/health-gitops.js";
import { nodeHealth, isTailscaleAddress } from "../../src/kube/health-nodes.js";
import { podHealth, podRequests } from "../../src/kube/health-pods.js";
import { pvcHealth, warningEvents } from "../../src/kube/health-storage.js";
import { ownedBy, workloadHealth } from "../../src/kube/health-workloads.js";
import { formatBytes, formatCpu, parseQuantity } from "../../src/kube/quantity.js";
import type { KubeObject } from "../../src/kube/types.js";
import { recorded, recordedObject } from "./recorded.js";

const pods = recorded("pods");
const podNamed = (prefix: string) => pods.find((p) => p.metadata.name.startsWith(prefix))!;

describe("quantities", () => {
  it.each([
    ["250m", 0.25],
    ["4", 4],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["256Mi", 256 * 2 ** 20],
    ["1k", 1000],
    ["2e3", 2000],
    ["100n", 1e-7],
    ["1Ti", 2 ** 40],
    [".5", 0.5],
  ])("%s is %d", (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 12);
  });
  it.each(["", "Gi", "1.5.2", "1Qi", "abc", "1 Gi"])("%j is not a quantity", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
  it("formats CPU and memory the way kubectl shows them", () => {
    expect([
      formatCpu(0.25),
      formatCpu(3.8),
      formatCpu(0),
      formatBytes(7 * 2 ** 30),
      formatBytes(1536 * 2 ** 20),
    ]).toEqual(["250m", "3.8", "0", "7Gi", "1.5Gi"]);
  });
});

describe("nodes", () => {
  it("a kwok node is Ready since the kubelet's transition, with its InternalIP and version", () => {
    const n = nodeHealth(recordedObject("nodes", "kwok-node-0"), pods);
    expect(n).toMatchObject({ level: "healthy", reason: "Ready", cordoned: false, internalIP: "10.0.0.1" });
    expect(n.ready.status).toBe("True");
    expect(n.ready.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(n.kubeletVersion).toMatch(/^kwok-/);
    expect(n.tailscaleIP).toBeUndefined();
  });
  it("requested CPU/memory sums the non-terminated pods bound to the node", () => {
    const n = nodeHealth(recordedObject("nodes", "kwok-node-0"), pods);
    const bound = pods.filter((p) => p.spec?.nodeName === "kwok-node-0");
    // web ×2, db-0 and an agent pod: 4 × (250m, 256Mi), as the recorder created them.
    expect(bound.map((p) => p.metadata.name.replace(/-[a-z0-9]+(-[a-z0-9]+)?$/, ""))).toEqual(
      expect.arrayContaining(["agent", "db", "web", "web"]),
    );
    expect(n.requested).toEqual({ cpu: 1, memory: 4 * 256 * 2 ** 20, pods: 4 });
    expect(n.allocatable).toEqual({ cpu: 4, memory: 8 * 2 ** 30, pods: 110 });
  });
  it("the evicted (Failed) pod on nr-node does not count towards its requests", () => {
    const n = nodeHealth(recordedObject("nodes", "nr-node"), pods);
    const live = pods.filter((p) => p.spec?.nodeName === "nr-node" && p.status?.phase !== "Failed");
    expect(n.requested.pods).toBe(live.length);
    expect(pods.some((p) => p.spec?.nodeName === "nr-node" && p.status?.phase === "Failed")).toBe(true);
  });
  it("a node no kubelet posts for is degraded with the lifecycle controller's reason", () => {
    const n = nodeHealth(recordedObject("nodes", "nr-node"), pods);
    expect(n).toMatchObject({ level: "degraded", reason: "NodeStatusUnknown" });
    expect(n.ready).toMatchObject({ status: "Unknown", reason: "NodeStatusNeverUpdated" });
    expect(n.message).toMatch(/Kubelet never posted node status/);
  });
  it("a cordoned node is progressing (Cordoned)", () => {
    expect(nodeHealth(recordedObject("nodes", "kwok-node-1"), pods)).toMatchObject({
      level: "progressing",
      reason: "Cordoned",
      cordoned: true,
    });
  });
  it("k3s node: version, Tailscale ExternalIP, GPU capacity, roles", () => {
    const n = nodeHealth(recordedObject("nodes", "pi-gpu"), pods);
    expect(n).toMatchObject({
      kubeletVersion: "v1.31.4+k3s1",
      internalIP: "192.168.10.31",
      tailscaleIP: "100.101.102.31",
      gpu: 4,
      roles: ["control-plane"],
    });
    expect(n.allocatable.cpu).toBeCloseTo(3.8);
  });
  it("a pressure condition makes a Ready node degraded", () => {
    const node = structuredClone(recordedObject("nodes", "kwok-node-0"));
    const conds = node.status!.conditions as { type: string; status: string }[];
    conds.find((c) => c.type === "MemoryPressure")!.status = "True";
    expect(nodeHealth(node, [])).toMatchObject({
      level: "degraded",
      reason: "MemoryPressure",
      problems: ["MemoryPressure"],
    });
  });
  it("Tailscale's address ranges", () => {
    expect(["100.64.0.1", "100.127.255.254", "fd7a:115c:a1e0::1"].map(isTailscaleAddress)).toEqual([
      true,
      true,
      true,
    ]);
    expect(["100.63.0.1", "100.128.0.1", "10.0.0.1", "fd00::1"].map(isTailscaleAddress)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("pods", () => {
  it.each([
    ["web-", "healthy", "Running"],
    ["crashy-", "degraded", "CrashLoopBackOff"],
    ["pull-fail", "degraded", "ImagePullBackOff"],
    ["config-fail", "degraded", "CreateContainerConfigError"],
    ["evicted", "degraded", "Evicted"],
    ["stuck-", "degraded", "Unschedulable"],
  ])("%s → %s %s", (name, level, reason) => {
    expect(podHealth(podNamed(name))).toMatchObject({ level, reason });
  });
  it("restarts and readiness", () => {
    expect(podHealth(podNamed("crashy-"))).toMatchObject({ restarts: 7, ready: "0/1", node: "nr-node" });
    expect(podHealth(podNamed("web-"))).toMatchObject({ restarts: 0, ready: "1/1", phase: "Running" });
  });
  it("a pod bound to a node whose kubelet never ran it is Pending (progressing)", () => {
    const p = pods.find((x) => x.metadata.name.startsWith("agent-") && x.spec?.nodeName === "nr-node")!;
    expect(podHealth(p)).toMatchObject({ level: "progressing", phase: "Pending" });
  });
  it("effective requests: max of the containers' sum and each init container, plus overhead", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: {
        containers: [
          { resources: { requests: { cpu: "100m", memory: "64Mi" } } },
          { resources: { requests: { cpu: "200m" } } },
        ],
        initContainers: [{ resources: { requests: { cpu: "1", memory: "32Mi" } } }],
        overhead: { cpu: "50m" },
      },
    } as KubeObject;
    const r = podRequests(pod);
    expect(r.cpu).toBeCloseTo(1.05);
    expect(r.memory).toBe(64 * 2 ** 20);
  });
});

describe("workloads", () => {
  const deployments = recorded("deployments");
  const get = (name: string) => deployments.find((d) => d.metadata.name === name)!;
  it("a ready Deployment", () => {
    expect(workloadHealth(get("web"), pods)).toMatchObject({
      level: "healthy",
      desired: 2,
      ready: 2,
      failingPods: [],
    });
  });
  it("ProgressDeadlineExceeded as the deployment controller wrote it", () => {
    expect(workloadHealth(get("stuck"), pods)).toMatchObject({
      level: "degraded",
      reason: "ProgressDeadlineExceeded",
    });
  });
  it("a crash-looping pod is found through its ReplicaSet", () => {
    const w = workloadHealth(get("crashy"), pods);
    expect(w).toMatchObject({ level: "degraded", reason: "CrashLoopBackOff" });
    expect(w.failingPods).toEqual([expect.objectContaining({ reason: "CrashLoopBackOff", restarts: 7 })]);
    expect(w.failingPods[0]!.name).toMatch(/^crashy-/);
  });
  it("ownership: a Deployment does not claim another's pods", () => {
    expect(ownedBy(podNamed("crashy-"), get("web"))).toBe(false);
    expect(ownedBy(podNamed("web-"), get("web"))).toBe(true);
  });
  it("a DaemonSet with a pod no kubelet runs is not ready", () => {
    const ds = recorded("daemonsets")[0]!;
    expect(workloadHealth(ds, pods)).toMatchObject({
      level: "progressing",
      reason: "NotReady",
      desired: 4,
      ready: 3,
    });
  });
  it("a ready StatefulSet, and one whose spec the controller has not observed", () => {
    const ss = recorded("statefulsets")[0]!;
    expect(workloadHealth(ss, pods)).toMatchObject({ level: "healthy", desired: 1, ready: 1 });
    const newer = structuredClone(ss);
    newer.metadata.generation = 2;
    expect(workloadHealth(newer, pods)).toMatchObject({ level: "progressing", reason: "NotObserved" });
  });
});

describe("GitOps objects", () => {
  const flux = (resource: string, name: string) => gitopsHealth(recordedObject(resource, name));
  it.each([
    ["kustomizations", "apps", "healthy", "ReconciliationSucceeded"],
    ["kustomizations", "infra", "degraded", "BuildFailed"],
    ["kustomizations", "paused", "unknown", "Suspended"],
    ["kustomizations", "reconciling", "progressing", "Progressing"],
    ["helmreleases", "podinfo", "healthy", "InstallSucceeded"],
    ["helmreleases", "broken", "degraded", "InstallFailed"],
    ["gitrepositories", "platform", "healthy", "Succeeded"],
    ["ocirepositories", "manifests", "degraded", "OCIArtifactPullFailed"],
    ["helmrepositories", "charts", "healthy", "Succeeded"],
    ["applications", "guestbook", "healthy", "Synced/Healthy"],
    ["applications", "shop", "degraded", "OutOfSync/Degraded"],
  ])("%s %s → %s %s", (resource, name, level, reason) => {
    expect(flux(resource, name)).toMatchObject({ level, reason });
  });
  it("revisions: applied and attempted", () => {
    expect(flux("kustomizations", "infra")).toMatchObject({
      revision: "main@sha1:9a8b7c6d5e4f30211203a4b5c6d7e8f901234567",
      attempted: "main@sha1:0f3c9a1d2b4e5f60718293a4b5c6d7e8f9012345",
    });
    expect(flux("helmreleases", "podinfo").revision).toBe("6.5.4");
    expect(flux("gitrepositories", "platform").revision).toBe(
      "main@sha1:0f3c9a1d2b4e5f60718293a4b5c6d7e8f9012345",
    );
    expect(flux("applications", "guestbook").revision).toBe("0f3c9a1d2b4e5f60718293a4b5c6d7e8f9012345");
  });
  it("messages carry the controller's words", () => {
    expect(flux("kustomizations", "infra").message).toMatch(/kustomize build failed/);
    expect(flux("applications", "shop").message).toMatch(/exceeded its progress deadline.*failed to apply/);
    expect(flux("kustomizations", "paused")).toMatchObject({ suspended: true });
  });
  it("an object no controller has written a status for is unknown", () => {
    const o = structuredClone(recordedObject("kustomizations", "apps"));
    delete o.status;
    expect(gitopsHealth(o)).toMatchObject({ level: "unknown", reason: "NoStatus" });
  });
});

describe("PVCs and events", () => {
  it.each([
    ["data", "healthy", "Bound"],
    ["pending", "progressing", "Pending"],
    ["lost", "degraded", "Lost"],
  ])("%s → %s %s", (name, level, reason) => {
    expect(pvcHealth(recordedObject("persistentvolumeclaims", name))).toMatchObject({ level, reason });
  });
  it("warning events only, newest first, with counts from both event shapes", () => {
    const all = recorded("events");
    const w = warningEvents(all);
    expect(w.length).toBe(all.filter((e) => e.type === "Warning").length);
    expect(w.length).toBeGreaterThan(0);
    expect([...w].map((e) => e.last)).toEqual(
      [...w]
        .map((e) => e.last)
        .sort()
        .reverse(),
    );
    const backoff = w.find((e) => e.reason === "BackOff")!;
    expect(backoff).toMatchObject({ count: 12, source: "kubelet" });
    expect(backoff.object).toMatch(/^Pod\/crashy-/);
    const provisioning = w.find((e) => e.object === "PersistentVolumeClaim/pending")!;
    expect(provisioning.count).toBeGreaterThan(1);
    expect(provisioning.message).toMatch(/no-such-class/);
    expect(warningEvents(all, 2)).toHaveLength(2);
  });
  it("worst level", () => {
    expect(worstLevel(["healthy", "unknown", "progressing"])).toBe("progressing");
    expect(worstLevel(["healthy", "degraded", "progressing"])).toBe("degraded");
    expect(worstLevel([])).toBe("healthy");
  });
});
