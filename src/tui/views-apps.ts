// The Workloads, Services, Events and GitOps views.
import type { KubeObject } from "../kube/types.js";
import {
  DAEMONSETS,
  DEPLOYMENTS,
  ENDPOINTSLICES,
  EVENTS,
  GITOPS_TYPES,
  PODS,
  SERVICES,
  STATEFULSETS,
} from "../kube/resources.js";
import { condition } from "../kube/health.js";
import { age, field, list } from "./format.js";
import { eventHealth, gitopsHealth, podRestarts, replicas, workloadHealth } from "./health-view.js";
import { itemOf, objectsOf, type ClusterData } from "./model.js";
import { byNsName, defineView } from "./view-def.js";

const WORKLOAD_TYPES = [DEPLOYMENTS, STATEFULSETS, DAEMONSETS];

/**
 * The workload a pod belongs to, `ns/Kind/name`: a StatefulSet or DaemonSet owns it directly, a Deployment
 * through a ReplicaSet named `<deployment>-<pod-template-hash>`.
 */
export function ownerKey(p: KubeObject): string | undefined {
  const owner = p.metadata.ownerReferences?.find((o) => o.controller) ?? p.metadata.ownerReferences?.[0];
  if (!owner) return undefined;
  const ns = p.metadata.namespace ?? "";
  if (owner.kind === "ReplicaSet") {
    const hash = p.metadata.labels?.["pod-template-hash"];
    const name =
      hash && owner.name.endsWith(`-${hash}`)
        ? owner.name.slice(0, -hash.length - 1)
        : owner.name.replace(/-[a-z0-9]+$/, "");
    return `${ns}/Deployment/${name}`;
  }
  return `${ns}/${owner.kind}/${owner.name}`;
}

/** Restarts per workload, summed over its pods: one pass over the pods per batch. */
function restartsByWorkload(data: ClusterData): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of objectsOf(data, PODS)) {
    const k = ownerKey(p);
    if (k) out.set(k, (out.get(k) ?? 0) + podRestarts(p));
  }
  return out;
}

export const WORKLOADS_VIEW = defineView<Map<string, number>>({
  name: "workloads",
  title: "Workloads",
  types: [...WORKLOAD_TYPES, PODS],
  namespaced: true,
  columns: ["NAMESPACE", "NAME", "KIND", "READY", "HEALTH", "RESTARTS", "AGE"],
  items: (data) => WORKLOAD_TYPES.flatMap((t) => objectsOf(data, t).map((o) => itemOf(o, t))).sort(byNsName),
  context: restartsByWorkload,
  cells(item, ctx, now) {
    const w = item.obj!;
    const { ready, desired } = replicas(w);
    const v = workloadHealth(w);
    const restarts = ctx.get(`${item.namespace ?? ""}/${w.kind}/${item.name}`) ?? 0;
    return [
      { text: item.namespace ?? "" },
      { text: item.name },
      { text: w.kind },
      { text: `${ready}/${desired}`, health: v.health },
      { text: v.text, health: v.health },
      { text: String(restarts), health: restarts > 5 ? "warn" : undefined },
      { text: age(w.metadata.creationTimestamp, now) },
    ];
  },
  health: (item) => workloadHealth(item.obj!).health,
});

/** Ready endpoints per Service (`ns/name`), from its EndpointSlices. */
function endpointsByService(data: ClusterData): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of objectsOf(data, ENDPOINTSLICES)) {
    const svc = s.metadata.labels?.["kubernetes.io/service-name"];
    if (!svc) continue;
    const k = `${s.metadata.namespace ?? ""}/${svc}`;
    const ready = list(s, "endpoints").filter((e) => field(e, "conditions", "ready") !== false).length;
    out.set(k, (out.get(k) ?? 0) + ready);
  }
  return out;
}

const ports = (s: KubeObject): string =>
  list(s, "spec", "ports")
    .map(
      (p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ""}/${String(p.protocol ?? "TCP")}`,
    )
    .join(",") || "-";

export const SERVICES_VIEW = defineView<Map<string, number>>({
  name: "services",
  title: "Services",
  types: [SERVICES, ENDPOINTSLICES],
  namespaced: true,
  columns: ["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "PORTS", "ENDPOINTS", "AGE"],
  items: (data) =>
    objectsOf(data, SERVICES)
      .map((s) => itemOf(s, SERVICES))
      .sort(byNsName),
  context: endpointsByService,
  cells(item, ctx, now) {
    const s = item.obj!;
    const eps = ctx.get(`${item.namespace ?? ""}/${item.name}`) ?? 0;
    const selects = field(s, "spec", "selector") !== undefined;
    return [
      { text: item.namespace ?? "" },
      { text: item.name },
      { text: String(field(s, "spec", "type") ?? "ClusterIP") },
      { text: String(field(s, "spec", "clusterIP") ?? "-") },
      { text: ports(s) },
      { text: String(eps), health: selects && eps === 0 ? "warn" : undefined },
      { text: age(s.metadata.creationTimestamp, now) },
    ];
  },
  health: (item, ctx) =>
    field(item.obj, "spec", "selector") !== undefined && !ctx.get(`${item.namespace ?? ""}/${item.name}`)
      ? "warn"
      : "ok",
});

/** When an event last happened (events.k8s.io fields first, then the core ones). */
export const lastSeen = (e: KubeObject): string =>
  String(
    e.lastTimestamp ??
      field(e, "series", "lastObservedTime") ??
      e.eventTime ??
      e.firstTimestamp ??
      e.metadata.creationTimestamp ??
      "",
  );

/** Warnings first, then the newest first. */
export function eventOrder(a: KubeObject, b: KubeObject): number {
  const w = Number(b.type === "Warning") - Number(a.type === "Warning");
  return w || lastSeen(b).localeCompare(lastSeen(a)) || a.metadata.name.localeCompare(b.metadata.name);
}

export const EVENTS_VIEW = defineView<null>({
  name: "events",
  title: "Events",
  types: [EVENTS],
  namespaced: true,
  columns: ["NAMESPACE", "TYPE", "REASON", "OBJECT", "COUNT", "LAST SEEN", "MESSAGE"],
  items: (data) => [...objectsOf(data, EVENTS)].sort(eventOrder).map((e) => itemOf(e, EVENTS)),
  context: () => null,
  cells(item, _ctx, now) {
    const e = item.obj!;
    const v = eventHealth(e);
    return [
      { text: item.namespace ?? "" },
      { text: v.text, health: v.health === "ok" ? undefined : v.health },
      { text: String(e.reason ?? "-") },
      {
        text: `${String(field(e, "involvedObject", "kind") ?? "")}/${String(field(e, "involvedObject", "name") ?? "")}`,
      },
      { text: String(e.count ?? field(e, "series", "count") ?? 1) },
      { text: age(lastSeen(e) || undefined, now) },
      { text: String(e.message ?? "").replace(/\s+/g, " ") },
    ];
  },
  health: (item) => eventHealth(item.obj!).health,
});

/** The revision a GitOps object last applied or fetched. */
function revision(o: KubeObject): string {
  const r =
    field(o, "status", "lastAppliedRevision") ??
    field(o, "status", "artifact", "revision") ??
    field(o, "status", "lastAttemptedRevision") ??
    field(o, "status", "sync", "revision");
  return typeof r === "string" ? r.replace(/^(.*@)?sha1:([0-9a-f]{12})[0-9a-f]*$/, "$1$2") : "-";
}

export const GITOPS_VIEW = defineView<null>({
  name: "gitops",
  title: "GitOps",
  types: GITOPS_TYPES,
  namespaced: true,
  columns: ["NAMESPACE", "KIND", "NAME", "READY", "REVISION", "MESSAGE", "AGE"],
  items: (data) => GITOPS_TYPES.flatMap((t) => objectsOf(data, t).map((o) => itemOf(o, t))).sort(byNsName),
  context: () => null,
  cells(item, _ctx, now) {
    const o = item.obj!;
    const v = gitopsHealth(o);
    const message = condition(o, "Ready")?.message ?? field(o, "status", "health", "message") ?? "";
    return [
      { text: item.namespace ?? "" },
      { text: o.kind },
      { text: item.name },
      { text: v.text, health: v.health },
      { text: revision(o) },
      { text: String(message).replace(/\s+/g, " ") },
      { text: age(o.metadata.creationTimestamp, now) },
    ];
  },
  health: (item) => gitopsHealth(item.obj!).health,
});
