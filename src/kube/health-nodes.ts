import { isIP } from "node:net";
import { podRequests, isTerminated, type Requests } from "./health-pods.js";
import { parseQuantity } from "./quantity.js";
import {
  arr,
  condition,
  degraded,
  field,
  healthy,
  progressing,
  str,
  unknown,
  type Health,
} from "./health.js";
import type { KubeObject } from "./types.js";

// Node health: the Ready condition and since when, the pressure conditions, cordoning, the kubelet version,
// the addresses (InternalIP, and the Tailscale address slipway's k3s roles make the node report), the GPU
// count, and allocatable against what the node's pods request.

/** Conditions that are a problem when True (Ready is the other way round and judged on its own). */
const PROBLEM_CONDITIONS = ["MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"] as const;

/** Extended resources reported as the node's GPUs. */
const GPU_RESOURCES = ["nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915"];

export interface NodeHealth extends Health {
  name: string;
  roles: string[];
  ready: { status: string; since?: string; reason?: string; message?: string };
  /** Pressure and network conditions that are True. */
  problems: string[];
  cordoned: boolean;
  kubeletVersion?: string;
  internalIP?: string;
  /** The node's Tailscale address: see `tailscaleAddress`. */
  tailscaleIP?: string;
  gpu?: number;
  allocatable: Requests & { pods?: number };
  requested: Requests & { pods: number };
}

/** Tailscale hands out 100.64.0.0/10 (CGNAT) and fd7a:115c:a1e0::/48. */
export function isTailscaleAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split(".").map(Number) as [number, number];
    return a === 100 && b >= 64 && b <= 127;
  }
  return isIP(ip) === 6 && /^fd7a:115c:a1e0:/i.test(ip);
}

/**
 * The address a node reports for Tailscale. slipway's k3s roles (assets/ansible/roles/k3s_server, used for
 * agents too) set `node-external-ip: <tailscale_ip>` and `flannel-iface: tailscale0` when the cluster runs over
 * Tailscale, so k3s reports that address as the Node's ExternalIP (and in its `k3s.io/external-ip`
 * annotation). Any ExternalIP, then that annotation, then any other address in Tailscale's ranges.
 */
export function tailscaleAddress(node: KubeObject): string | undefined {
  const addresses = arr(node.status?.addresses).map((a) => ({
    type: str(field(a, "type")),
    address: str(field(a, "address")) ?? "",
  }));
  const external = addresses.filter((a) => a.type === "ExternalIP").map((a) => a.address);
  const annotated = (node.metadata.annotations?.["k3s.io/external-ip"] ?? "").split(",").filter(Boolean);
  const candidates = [...external, ...annotated, ...addresses.map((a) => a.address)];
  return candidates.find(isTailscaleAddress);
}

const quantity = (o: unknown, r: string) => {
  const q = str(field(o, r));
  return q === undefined ? undefined : parseQuantity(q);
};

/** Node roles from the `node-role.kubernetes.io/<role>` labels (what `kubectl get nodes` shows). */
const roles = (node: KubeObject) =>
  Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length))
    .sort();

/**
 * The health of one node; `pods` are all pods (or those bound to it): the non-terminated ones bound to the node
 * count towards its requested CPU and memory.
 */
export function nodeHealth(node: KubeObject, pods: Iterable<KubeObject>): NodeHealth {
  const ready = condition(node, "Ready");
  const problems = PROBLEM_CONDITIONS.filter((t) => condition(node, t)?.status === "True");
  const cordoned = node.spec?.unschedulable === true;
  const requested = { cpu: 0, memory: 0, pods: 0 };
  for (const p of pods) {
    if (p.spec?.nodeName !== node.metadata.name || isTerminated(p)) continue;
    const r = podRequests(p);
    requested.cpu += r.cpu;
    requested.memory += r.memory;
    requested.pods++;
  }
  const alloc = node.status?.allocatable;
  const gpu = GPU_RESOURCES.map((r) => quantity(node.status?.capacity, r)).find((n) => n !== undefined);
  const internalIP = arr(node.status?.addresses)
    .filter((a) => field(a, "type") === "InternalIP")
    .map((a) => str(field(a, "address")))[0];
  const tailscaleIP = tailscaleAddress(node);
  const kubeletVersion = str(field(node.status, "nodeInfo", "kubeletVersion"));
  const podsAlloc = quantity(alloc, "pods");
  const health = judge(ready, problems, cordoned);
  return {
    ...health,
    name: node.metadata.name,
    roles: roles(node),
    ready: {
      status: ready?.status ?? "Unknown",
      ...(ready?.lastTransitionTime ? { since: ready.lastTransitionTime } : {}),
      ...(ready?.reason ? { reason: ready.reason } : {}),
      ...(ready?.message ? { message: ready.message } : {}),
    },
    problems,
    cordoned,
    ...(kubeletVersion ? { kubeletVersion } : {}),
    ...(internalIP ? { internalIP } : {}),
    ...(tailscaleIP ? { tailscaleIP } : {}),
    ...(gpu !== undefined ? { gpu } : {}),
    allocatable: {
      cpu: quantity(alloc, "cpu") ?? 0,
      memory: quantity(alloc, "memory") ?? 0,
      ...(podsAlloc !== undefined ? { pods: podsAlloc } : {}),
    },
    requested,
  };
}

function judge(
  ready: { status: string; reason?: string; message?: string } | undefined,
  problems: string[],
  cordoned: boolean,
): Health {
  if (!ready)
    return unknown("NoReadyCondition", "the node reports no Ready condition (no kubelet has posted yet)");
  if (ready.status === "False") return degraded("NotReady", ready.message ?? ready.reason);
  if (ready.status !== "True")
    return degraded("NodeStatusUnknown", ready.message ?? "the kubelet stopped posting node status");
  if (problems.length) return degraded(problems[0]!, `${problems.join(", ")} reported by the kubelet`);
  if (cordoned) return progressing("Cordoned", "spec.unschedulable: new pods are not scheduled here");
  return healthy("Ready");
}
