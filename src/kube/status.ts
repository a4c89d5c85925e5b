import { gitopsHealth, type GitOpsHealth } from "./health-gitops.js";
import { podHealth } from "./health-pods.js";
import { pvcHealth, warningEvents, type WarningEvent } from "./health-storage.js";
import { ownedBy, workloadHealth, type WorkloadHealth } from "./health-workloads.js";
import {
  DAEMONSETS,
  DEPLOYMENTS,
  EVENTS,
  GITOPS_TYPES,
  NODES,
  PODS,
  PVCS,
  STATEFULSETS,
} from "./resources.js";
import { compareNodes, groupBy, type DesiredNode, type Finding, type NodeRow } from "./status-nodes.js";
import type { ClusterView, Collection, KubeObject, ResourceType } from "./types.js";

export type { DesiredNode, Finding, NodeRow } from "./status-nodes.js";

// `slipway status` as data: the stack's desired state (plain data the CLI reads from the nodes component and
// the GitOps tree) against what a ClusterView's collections hold. Pure: the collections are read, never
// fetched; the CLI opens the cluster, waits for `synced()` and calls `buildStatus` (again on each change batch
// with --watch).

/** What the stack says the cluster should be. */
export interface DesiredState {
  stack: string;
  /** The declared nodes; undefined when the stack has no nodes component (then only the cluster half runs). */
  nodes?: DesiredNode[];
  /** `cluster.version` of the nodes component (`v1.31.4+k3s1`). */
  clusterVersion?: string;
  /** The GitOps tree's HEAD commit (40 hex digits), when it is a Git checkout. */
  gitHead?: string;
}

/** The types status reads, watched in every namespace. */
export const STATUS_TYPES: readonly ResourceType[] = [
  NODES,
  PODS,
  DEPLOYMENTS,
  STATEFULSETS,
  DAEMONSETS,
  PVCS,
  EVENTS,
  ...GITOPS_TYPES,
];

export interface StatusReport {
  verdict: "healthy" | "degraded";
  stack: string;
  context: string;
  server: string;
  nodes: NodeRow[];
  /** Every Flux / Argo CD object, with `head` saying whether its revision is the tree's HEAD. */
  gitops: (GitOpsHealth & { head?: "same" | "differs" })[];
  /** Workloads that are not healthy (all of them counted in `counts.workloads`). */
  workloads: WorkloadHealth[];
  /** PVCs that are not Bound. */
  pvcs: { namespace: string; name: string; phase: string; message?: string }[];
  /** The newest warning events. */
  events: WarningEvent[];
  findings: Finding[];
  /** Types the cluster does not serve (e.g. Argo CD not installed): a fact, listed so nothing is silently skipped. */
  notInstalled: string[];
  counts: {
    nodes: number;
    pods: number;
    workloads: number;
    gitops: number;
    pvcs: number;
    warningEvents: number;
    degraded: number;
    notes: number;
  };
}

export interface StatusOptions {
  /** How many warning events to list (default 10). */
  events?: number;
}

/** Starts the watches status needs on a view; the CLI waits for `view.synced()` before building. */
export function watchStatus(view: ClusterView): Map<string, Collection> {
  return new Map(STATUS_TYPES.map((t) => [t.resource, view.watch(t)]));
}

const list = (c: Collection | undefined): KubeObject[] => (c ? [...c.values()] : []);
const ref = (o: { kind: string; namespace: string; name: string }) =>
  `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;

/** The SHA-1 a Flux or Argo CD revision names (`main@sha1:<sha>`, `sha1:<sha>`, `<sha>`), if any. */
export function revisionCommit(revision: string): string | undefined {
  return /(?:^|[@:])([0-9a-f]{40})$/.exec(revision)?.[1];
}

/** The status report of one stack's cluster. */
export function buildStatus(
  desired: DesiredState,
  view: ClusterView,
  collections: Map<string, Collection>,
  opts: StatusOptions = {},
): StatusReport {
  const findings: Finding[] = [];
  const notInstalled: string[] = [];
  for (const c of collections.values()) {
    const name = `${c.type.resource}${c.type.group ? `.${c.type.group}` : ""}`;
    if (c.absent) notInstalled.push(name);
    else if (!c.synced && !c.error)
      findings.push({
        severity: "degraded",
        category: "unreadable",
        object: name,
        message: "not listed yet: the report does not include these objects",
      });
    else if (c.error)
      findings.push({
        severity: "degraded",
        category: "unreadable",
        object: name,
        message: `${c.error.kind}: ${c.error.message}`,
      });
  }
  const pods = list(collections.get("pods"));
  const nodes = compareNodes(desired.nodes, desired.clusterVersion, list(collections.get("nodes")), pods);
  findings.push(...nodes.findings);
  if (!desired.nodes)
    findings.push({
      severity: "note",
      category: "no-desired-nodes",
      object: `stack ${desired.stack}`,
      message: "the stack has no nodes component: declared-versus-actual node checks skipped",
    });

  const workloadObjects = ["deployments", "statefulsets", "daemonsets"].flatMap((r) =>
    list(collections.get(r)),
  );
  const byNamespace = groupBy(pods, (p) => p.metadata.namespace ?? "");
  const podsOf = (o: KubeObject) => byNamespace.get(o.metadata.namespace ?? "") ?? [];
  const allWorkloads = workloadObjects.map((w) => workloadHealth(w, podsOf(w)));
  const workloadsByNamespace = groupBy(workloadObjects, (w) => w.metadata.namespace ?? "");
  const workloads = allWorkloads.filter((w) => w.level !== "healthy");
  for (const w of workloads)
    findings.push({
      severity: "degraded",
      category: "workload-not-ready",
      object: ref(w),
      message: `${w.reason}: ${w.message ?? ""} (${w.ready}/${w.desired} ready)`,
    });
  // Failing pods no watched workload owns (bare pods, Jobs' pods): a workload's own are reported with it.
  for (const p of pods) {
    const h = podHealth(p);
    if (h.level !== "degraded") continue;
    if ((workloadsByNamespace.get(p.metadata.namespace ?? "") ?? []).some((w) => ownedBy(p, w))) continue;
    findings.push({
      severity: "degraded",
      category: "pod-failing",
      object: `Pod ${p.metadata.namespace}/${p.metadata.name}`,
      message: `${h.reason}${h.message ? `: ${h.message}` : ""}`,
    });
  }

  const gitops = GITOPS_TYPES.flatMap((t) => list(collections.get(t.resource))).map((o) => {
    const h = gitopsHealth(o);
    const commit = h.revision ? revisionCommit(h.revision) : undefined;
    const head = commit && desired.gitHead ? (commit === desired.gitHead ? "same" : "differs") : undefined;
    return { ...h, ...(head ? { head } : {}) } as GitOpsHealth & { head?: "same" | "differs" };
  });
  for (const g of gitops) {
    const rev = g.revision
      ? ` (revision ${g.revision}${g.head === "differs" ? `, tree HEAD ${desired.gitHead}` : ""})`
      : "";
    if (g.suspended)
      findings.push({
        severity: "note",
        category: "gitops-suspended",
        object: ref(g),
        message: `suspended${rev}`,
      });
    else if (g.level !== "healthy")
      findings.push({
        severity: "degraded",
        category: "gitops-not-ready",
        object: ref(g),
        message: `${g.reason}: ${g.message ?? ""}${rev}`,
      });
    else if (g.head === "differs")
      findings.push({
        severity: "note",
        category: "gitops-behind-head",
        object: ref(g),
        message: `Ready at ${g.revision}; the tree's HEAD is ${desired.gitHead} (not pushed, or not reconciled yet)`,
      });
  }

  const pvcs = list(collections.get("persistentvolumeclaims"))
    .map((p) => ({ p, h: pvcHealth(p) }))
    .filter(({ h }) => h.level !== "healthy")
    .map(({ p, h }) => ({
      namespace: p.metadata.namespace ?? "",
      name: p.metadata.name,
      phase: h.reason,
      ...(h.message ? { message: h.message } : {}),
    }));
  for (const p of pvcs)
    findings.push({
      severity: "degraded",
      category: p.phase === "Lost" ? "pvc-lost" : "pvc-pending",
      object: `PersistentVolumeClaim ${p.namespace}/${p.name}`,
      message: `${p.phase}${p.message ? `: ${p.message}` : ""}`,
    });

  const allEvents = warningEvents(list(collections.get("events")));
  const degradedCount = findings.filter((f) => f.severity === "degraded").length;
  return {
    verdict: degradedCount ? "degraded" : "healthy",
    stack: desired.stack,
    context: view.context,
    server: view.server,
    nodes: nodes.rows,
    gitops: sortByLevel(gitops),
    workloads: sortByLevel(workloads),
    pvcs,
    events: allEvents.slice(0, opts.events ?? 10),
    findings,
    notInstalled: notInstalled.sort(),
    counts: {
      nodes: nodes.rows.filter((r) => r.present).length,
      pods: pods.length,
      workloads: allWorkloads.length,
      gitops: gitops.length,
      pvcs: collections.get("persistentvolumeclaims")?.size ?? 0,
      warningEvents: allEvents.length,
      degraded: degradedCount,
      notes: findings.length - degradedCount,
    },
  };
}

const ORDER: Record<GitOpsHealth["level"], number> = { degraded: 0, progressing: 1, unknown: 2, healthy: 3 };

/** Worst first, then by namespace and name: the order a reader wants. */
function sortByLevel<
  T extends { level: GitOpsHealth["level"]; namespace: string; name: string; kind: string },
>(items: T[]): T[] {
  const rank = (t: T) => ORDER[t.level];
  return [...items].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.kind.localeCompare(b.kind) ||
      a.namespace.localeCompare(b.namespace) ||
      a.name.localeCompare(b.name),
  );
}
