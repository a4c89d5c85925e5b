import { podHealth, type PodHealth } from "./health-pods.js";
import { condition, degraded, field, healthy, num, progressing, str, type Health } from "./health.js";
import type { KubeObject } from "./types.js";

// Workload health (Deployment, StatefulSet, DaemonSet): has the controller seen the latest spec, are the
// desired pods updated, ready and available, did the rollout stall, and are any of its pods crash-looping.

export interface WorkloadHealth extends Health {
  kind: string;
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  /** The workload's pods that are degraded (crash loop, image pull, …), by name. */
  failingPods: { name: string; reason: string; message?: string; restarts: number }[];
}

interface Counts {
  desired: number;
  ready: number;
  updated: number;
  available: number;
}

/** Where each kind keeps its counts (status fields of apps/v1). */
const COUNTS: Record<string, (o: KubeObject) => Counts> = {
  Deployment: (o) => ({
    desired: num(o.spec?.replicas) ?? 1,
    ready: num(o.status?.readyReplicas) ?? 0,
    updated: num(o.status?.updatedReplicas) ?? 0,
    available: num(o.status?.availableReplicas) ?? 0,
  }),
  StatefulSet: (o) => ({
    desired: num(o.spec?.replicas) ?? 1,
    ready: num(o.status?.readyReplicas) ?? 0,
    updated: num(o.status?.updatedReplicas) ?? 0,
    available: num(o.status?.availableReplicas) ?? 0,
  }),
  DaemonSet: (o) => ({
    desired: num(o.status?.desiredNumberScheduled) ?? 0,
    ready: num(o.status?.numberReady) ?? 0,
    updated: num(o.status?.updatedNumberScheduled) ?? 0,
    available: num(o.status?.numberAvailable) ?? 0,
  }),
};

/**
 * Whether a pod belongs to a workload. StatefulSet and DaemonSet pods name it as their controller; a
 * Deployment's pods name a ReplicaSet, which the deployment controller names `<deployment>-<pod-template-hash>`
 * (so no ReplicaSet needs watching); the pod's own `pod-template-hash` label confirms it.
 */
export function ownedBy(pod: KubeObject, workload: KubeObject): boolean {
  if (pod.metadata.namespace !== workload.metadata.namespace) return false;
  const owner =
    (pod.metadata.ownerReferences ?? []).find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return false;
  if (workload.kind !== "Deployment")
    return owner.kind === workload.kind && owner.name === workload.metadata.name;
  const hash = pod.metadata.labels?.["pod-template-hash"];
  return owner.kind === "ReplicaSet" && !!hash && owner.name === `${workload.metadata.name}-${hash}`;
}

/** The health of a Deployment, StatefulSet or DaemonSet; `pods` are the pods of its namespace (or all). */
export function workloadHealth(workload: KubeObject, pods: Iterable<KubeObject>): WorkloadHealth {
  const counts = (COUNTS[workload.kind] ?? COUNTS.Deployment!)(workload);
  const failingPods: WorkloadHealth["failingPods"] = [];
  for (const p of pods) {
    if (!ownedBy(p, workload)) continue;
    const h: PodHealth = podHealth(p);
    if (h.level === "degraded")
      failingPods.push({
        name: p.metadata.name,
        reason: h.reason,
        ...(h.message ? { message: h.message } : {}),
        restarts: h.restarts,
      });
  }
  failingPods.sort((a, b) => a.name.localeCompare(b.name));
  return {
    ...judge(workload, counts, failingPods),
    kind: workload.kind,
    namespace: workload.metadata.namespace ?? "",
    name: workload.metadata.name,
    ...counts,
    failingPods,
  };
}

function judge(o: KubeObject, c: Counts, failing: WorkloadHealth["failingPods"]): Health {
  const generation = o.metadata.generation ?? 0;
  const observed = num(o.status?.observedGeneration) ?? 0;
  const stalled = condition(o, "Progressing");
  if (stalled?.status === "False")
    return degraded(stalled.reason ?? "ProgressDeadlineExceeded", stalled.message);
  if (failing.length) {
    const f = failing[0]!;
    const more = failing.length > 1 ? ` (and ${failing.length - 1} more)` : "";
    return degraded(f.reason, `pod ${f.name}: ${f.message ?? f.reason}${more}`);
  }
  if (observed < generation)
    return progressing(
      "NotObserved",
      `the controller has not seen generation ${generation} yet (at ${observed})`,
    );
  if (o.kind === "StatefulSet") {
    const cur = str(o.status?.currentRevision);
    const upd = str(o.status?.updateRevision);
    if (cur && upd && cur !== upd && c.updated < c.desired)
      return progressing("RollingUpdate", `${c.updated}/${c.desired} pods at revision ${upd}`);
  }
  if (c.updated < c.desired) return progressing("RollingUpdate", `${c.updated}/${c.desired} pods updated`);
  if (c.ready < c.desired) return progressing("NotReady", `${c.ready}/${c.desired} pods ready`);
  if (c.available < c.desired)
    return progressing("NotAvailable", `${c.available}/${c.desired} pods available`);
  const misscheduled = num(field(o.status, "numberMisscheduled")) ?? 0;
  if (misscheduled > 0)
    return progressing("Misscheduled", `${misscheduled} pods on nodes they should not run on`);
  return healthy("Ready", `${c.ready}/${c.desired} ready`);
}
