import { nodeHealth, type NodeHealth } from "./health-nodes.js";
import type { KubeObject } from "./types.js";

// Desired nodes (the stack's nodes component) against the cluster's Node objects: which are missing or
// undeclared, which are not Ready, whose kubelet runs another version than `cluster.version`, whose addresses
// differ from the declared ones, and which nodes' pods request more than the node can give.

export interface DesiredNode {
  name: string;
  role: string;
  address: string;
  tailscaleIP?: string;
}

/** One finding: `degraded` ones make the verdict degraded, `note` ones are shown and counted only. */
export interface Finding {
  severity: "degraded" | "note";
  category: string;
  /** `Kind namespace/name` or `Node name`. */
  object: string;
  message: string;
}

export interface NodeRow extends Partial<NodeHealth> {
  name: string;
  declared: boolean;
  present: boolean;
  /** The declared role (server/agent), when declared. */
  role?: string;
  address?: string;
  declaredTailscaleIP?: string;
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+]([0-9A-Za-z.+-]+))?$/;

/**
 * Whether a kubelet runs the declared version. The Kubernetes versions (major.minor.patch) must be equal; the
 * build suffix (`+k3s1`: the k3s release of that Kubernetes version) is compared only when both carry one, so
 * `v1.31.4+k3s1` matches `v1.31.4` (kubeadm, or a cluster.version written without it) but not `v1.31.4+k3s2`.
 * A kubelet version that is no version at all (kwok's simulated kubelets) is not comparable.
 */
export function compareVersions(declared: string, actual: string): "same" | "drift" | "not-comparable" {
  const d = VERSION.exec(declared.trim());
  const a = VERSION.exec(actual.trim());
  if (!d || !a) return "not-comparable";
  if (d[1] !== a[1] || d[2] !== a[2] || d[3] !== a[3]) return "drift";
  if (d[4] && a[4] && d[4] !== a[4]) return "drift";
  return "same";
}

const nodeRef = (name: string) => `Node ${name}`;

/** The nodes table and its findings. `desired` undefined: the stack declares no nodes (cluster half only). */
export function compareNodes(
  desired: DesiredNode[] | undefined,
  clusterVersion: string | undefined,
  nodes: KubeObject[],
  pods: KubeObject[],
): { rows: NodeRow[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const add = (severity: Finding["severity"], category: string, name: string, message: string) =>
    findings.push({ severity, category, object: nodeRef(name), message });
  const declared = new Map((desired ?? []).map((n) => [n.name, n]));
  const present = new Map(nodes.map((n) => [n.metadata.name, n]));
  const names = [...new Set([...declared.keys(), ...present.keys()])].sort();
  // Pods by node once, so each node reads only its own (100 nodes × 5,000 pods is otherwise 500k visits).
  const byNode = groupBy(pods, (p) => p.spec?.nodeName as string | undefined);
  const rows: NodeRow[] = [];
  for (const name of names) {
    const want = declared.get(name);
    const node = present.get(name);
    const health = node ? nodeHealth(node, byNode.get(name) ?? []) : undefined;
    rows.push({
      ...health,
      name,
      declared: !!want,
      present: !!node,
      ...(want ? { role: want.role, address: want.address } : {}),
      ...(want?.tailscaleIP ? { declaredTailscaleIP: want.tailscaleIP } : {}),
    });
    if (!health) {
      add(
        "degraded",
        "node-missing",
        name,
        `declared in the stack (${want!.role}, ${want!.address}) but not in the cluster`,
      );
      continue;
    }
    if (desired && !want)
      add("degraded", "node-undeclared", name, "in the cluster but not declared in the stack's nodes");
    if (health.level === "degraded")
      add("degraded", "node-not-ready", name, `${health.reason}: ${health.message ?? ""}`.trim());
    if (health.cordoned)
      add("note", "node-cordoned", name, "cordoned (spec.unschedulable): no new pods are scheduled");
    if (health.level === "unknown") add("degraded", "node-not-ready", name, health.message ?? health.reason);
    if (clusterVersion && !health.kubeletVersion)
      add(
        "note",
        "version-not-reported",
        name,
        `the node reports no kubelet version; not compared with ${clusterVersion}`,
      );
    if (clusterVersion && health.kubeletVersion) {
      const cmp = compareVersions(clusterVersion, health.kubeletVersion);
      if (cmp === "drift")
        add(
          "degraded",
          "version-drift",
          name,
          `kubelet ${health.kubeletVersion}, cluster.version is ${clusterVersion}`,
        );
      else if (cmp === "not-comparable")
        add(
          "note",
          "version-not-comparable",
          name,
          `kubelet version "${health.kubeletVersion}" is not a Kubernetes version; not compared with ${clusterVersion}`,
        );
    }
    if (want && !health.internalIP)
      add(
        "note",
        "address-not-reported",
        name,
        `the node reports no InternalIP; declared address ${want.address} not compared`,
      );
    if (want && health.internalIP && health.internalIP !== want.address)
      add(
        "degraded",
        "address-drift",
        name,
        `InternalIP ${health.internalIP}, declared address ${want.address}`,
      );
    if (want?.tailscaleIP && health.tailscaleIP !== want.tailscaleIP)
      add(
        "degraded",
        "tailscale-drift",
        name,
        health.tailscaleIP
          ? `Tailscale address ${health.tailscaleIP}, declared tailscale_ip ${want.tailscaleIP}`
          : `declared tailscale_ip ${want.tailscaleIP}, but the node reports no Tailscale address (InternalIP ${health.internalIP ?? "none"})`,
      );
    for (const r of ["cpu", "memory"] as const)
      if (health.allocatable[r] > 0 && health.requested[r] > health.allocatable[r])
        add("degraded", "overcommitted", name, `pods request more ${r} than the node's allocatable`);
  }
  return { rows, findings };
}

/** Items grouped by a key (items without one are left out). */
export function groupBy<T>(items: Iterable<T>, key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}
