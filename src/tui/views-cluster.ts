// The Nodes and Pods views.
import type { KubeObject } from "../kube/types.js";
import { NODES, PODS } from "../kube/resources.js";
import { age, cpu, field, list, mem, quantity } from "./format.js";
import { nodeHealth, podHealth, podRestarts } from "./health-lite.js";
import { itemOf, objectsOf, type ClusterData } from "./model.js";
import { byNsName, defineView } from "./view-def.js";

interface Requested {
  cpu: number;
  mem: number;
  pods: number;
}

/** What the pods on each node request (pods that finished request nothing). */
function requestsByNode(data: ClusterData): Map<string, Requested> {
  const out = new Map<string, Requested>();
  for (const p of objectsOf(data, PODS)) {
    const node = field(p, "spec", "nodeName");
    const phase = field(p, "status", "phase");
    if (typeof node !== "string" || phase === "Succeeded" || phase === "Failed") continue;
    const r = out.get(node) ?? { cpu: 0, mem: 0, pods: 0 };
    r.pods++;
    for (const c of list(p, "spec", "containers")) {
      const c1 = quantity(field(c, "resources", "requests", "cpu"));
      const m1 = quantity(field(c, "resources", "requests", "memory"));
      if (Number.isFinite(c1)) r.cpu += c1;
      if (Number.isFinite(m1)) r.mem += m1;
    }
    out.set(node, r);
  }
  return out;
}

/** `control-plane,etcd` from node-role.kubernetes.io/* labels; `<none>` without. */
export function nodeRoles(n: KubeObject): string {
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length))
    .filter(Boolean);
  return roles.length ? roles.sort().join(",") : "<none>";
}

const TAILSCALE_V4 = /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+$/;

/**
 * The node's Tailscale address: an address in the tailnet's ranges (100.64.0.0/10, fd7a:115c:a1e0::/48)
 * among its addresses or the IPs k3s records in its annotations.
 */
export function tailscaleIp(n: KubeObject): string {
  const candidates = [
    ...list(n, "status", "addresses").map((a) => String(a.address ?? "")),
    ...["k3s.io/internal-ip", "k3s.io/external-ip", "flannel.alpha.coreos.com/public-ip"].flatMap((k) =>
      (n.metadata.annotations?.[k] ?? "").split(","),
    ),
  ];
  return candidates.find((a) => TAILSCALE_V4.test(a) || a.toLowerCase().startsWith("fd7a:115c:a1e0:")) ?? "-";
}

const internalIp = (n: KubeObject): string =>
  String(list(n, "status", "addresses").find((a) => a.type === "InternalIP")?.address ?? "-");

const taints = (n: KubeObject): string =>
  list(n, "spec", "taints")
    .map((t) => `${String(t.key)}${t.value ? `=${String(t.value)}` : ""}:${String(t.effect)}`)
    .join(",") || "-";

/** Labels other than the ones every node has. */
const labelText = (n: KubeObject): string =>
  Object.entries(n.metadata.labels ?? {})
    .filter(
      ([k]) =>
        !/^(kubernetes\.io\/(hostname|os|arch)|beta\.kubernetes\.io\/|node-role\.kubernetes\.io\/)/.test(k),
    )
    .map(([k, v]) => `${k}=${v}`)
    .join(",") || "-";

const gpus = (n: KubeObject): string => {
  const g = quantity(field(n, "status", "allocatable", "nvidia.com/gpu"));
  return Number.isFinite(g) && g > 0 ? String(g) : "-";
};

export const NODES_VIEW = defineView<Map<string, Requested>>({
  name: "nodes",
  title: "Nodes",
  types: [NODES, PODS],
  namespaced: false,
  columns: [
    "NAME",
    "ROLE",
    "STATUS",
    "VERSION",
    "INTERNAL-IP",
    "TAILSCALE-IP",
    "CPU req/alloc",
    "MEM req/alloc",
    "PODS",
    "GPU",
    "AGE",
    "TAINTS",
    "LABELS",
  ],
  items: (data) =>
    objectsOf(data, NODES)
      .map((n) => itemOf(n, NODES))
      .sort(byNsName),
  context: requestsByNode,
  cells(item, ctx, now) {
    const n = item.obj!;
    const r = ctx.get(n.metadata.name) ?? { cpu: 0, mem: 0, pods: 0 };
    const v = nodeHealth(n);
    const allocCpu = quantity(field(n, "status", "allocatable", "cpu"));
    const allocMem = quantity(field(n, "status", "allocatable", "memory"));
    return [
      { text: n.metadata.name },
      { text: nodeRoles(n) },
      { text: v.text, health: v.health },
      { text: String(field(n, "status", "nodeInfo", "kubeletVersion") ?? "-") },
      { text: internalIp(n) },
      { text: tailscaleIp(n) },
      { text: `${cpu(r.cpu)}/${cpu(allocCpu)}`, health: r.cpu > allocCpu ? "bad" : undefined },
      { text: `${mem(r.mem)}/${mem(allocMem)}`, health: r.mem > allocMem ? "bad" : undefined },
      { text: `${r.pods}/${String(field(n, "status", "allocatable", "pods") ?? "-")}` },
      { text: gpus(n) },
      { text: age(n.metadata.creationTimestamp, now) },
      { text: taints(n) },
      { text: labelText(n) },
    ];
  },
  health: (item) => nodeHealth(item.obj!).health,
});

const podReady = (p: KubeObject): string => {
  const s = list(p, "status", "containerStatuses");
  return `${s.filter((c) => c.ready === true).length}/${list(p, "spec", "containers").length}`;
};

export const PODS_VIEW = defineView<null>({
  name: "pods",
  title: "Pods",
  types: [PODS],
  namespaced: true,
  columns: ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "NODE", "IP", "AGE"],
  items: (data) =>
    objectsOf(data, PODS)
      .map((p) => itemOf(p, PODS))
      .sort(byNsName),
  context: () => null,
  cells(item, _ctx, now) {
    const p = item.obj!;
    const v = podHealth(p);
    const restarts = podRestarts(p);
    return [
      { text: item.namespace ?? "" },
      { text: item.name },
      { text: podReady(p) },
      { text: v.text, health: v.health },
      { text: String(restarts), health: restarts > 5 ? "warn" : undefined },
      { text: String(field(p, "spec", "nodeName") ?? "-") },
      { text: String(field(p, "status", "podIP") ?? "-") },
      { text: age(p.metadata.creationTimestamp, now) },
    ];
  },
  health: (item) => podHealth(item.obj!).health,
});
