import { isIP } from "node:net";
import { z } from "zod";

/** RFC 1123 label: what Kubernetes accepts as a node name. */
const RFC1123 = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** Why a label key is not valid Kubernetes syntax, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `label key prefix "${prefix}" must be a DNS subdomain (lowercase letters, digits, '-', '.')`;
  if (!LABEL_NAME.test(name))
    return `label key "${key}": the name part must be 1-63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`;
  return undefined;
}

/** Why a label value is not valid, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  return value === "" || LABEL_NAME.test(value)
    ? undefined
    : `label value "${value}" must be empty or 1-63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`;
}

/** Why a taint (`key=value:Effect` or `key:Effect`) is not valid, or undefined. */
export function taintProblem(taint: string): string | undefined {
  const m = /^([^=:]+)(?:=([^:]*))?:([A-Za-z]+)$/.exec(taint);
  if (!m) return `taint "${taint}" must be key=value:Effect or key:Effect`;
  if (!(TAINT_EFFECTS as readonly string[]).includes(m[3]!))
    return `taint "${taint}": effect must be one of ${TAINT_EFFECTS.join(", ")}`;
  return labelKeyProblem(m[1]!) ?? (m[2] !== undefined ? labelValueProblem(m[2]) : undefined);
}

const ip = (what: string) =>
  z.string().refine((s) => isIP(s) !== 0, { message: `${what} must be an IPv4 or IPv6 address` });

/** kubelet reservations: `cpu=500m,memory=512Mi` strings or maps of resource to quantity. */
const Reservation = z.union([
  z.string().regex(/^[a-z.\-/]+[<=][^,=]+(,[a-z.\-/]+[<=][^,=]+)*$/),
  z.record(z.string(), z.string()),
]);

export const NodeSchema = z
  .object({
    name: z.string().regex(RFC1123, {
      message:
        "node name must be an RFC 1123 label: lowercase letters, digits and '-', at most 63, alphanumeric at both ends",
    }),
    address: ip("address"),
    tailscale_ip: ip("tailscale_ip").optional(),
    role: z.enum(["server", "agent"]),
    labels: z
      .record(z.string(), z.string())
      .default({})
      .superRefine((labels, ctx) => {
        for (const [k, v] of Object.entries(labels)) {
          const p = labelKeyProblem(k) ?? labelValueProblem(v);
          if (p) ctx.addIssue({ code: "custom", path: [k], message: p });
        }
      }),
    taints: z
      .array(z.string())
      .default([])
      .superRefine((taints, ctx) => {
        taints.forEach((t, i) => {
          const p = taintProblem(t);
          if (p) ctx.addIssue({ code: "custom", path: [i], message: p });
        });
      }),
    kubelet: z
      .strictObject({
        system_reserved: Reservation.optional(),
        kube_reserved: Reservation.optional(),
        eviction_hard: Reservation.optional(),
        max_pods: z.number().int().positive().optional(),
      })
      .optional(),
    gpu: z
      .strictObject({
        vendor: z.enum(["nvidia"]).default("nvidia"),
        /** How many pods share one GPU (the device plugin's time-slicing replicas). */
        time_slicing_replicas: z.number().int().min(1).default(1),
      })
      .optional(),
    storage_hints: z.array(z.string()).optional(),
    ssh: z
      .strictObject({
        user: z.string().optional(),
        port: z.number().int().min(1).max(65535).optional(),
        key: z.string().optional(),
      })
      .optional(),
    groups: z.array(z.string()).optional(),
    host_vars: z.record(z.string(), z.unknown()).optional(),
    connection: z.string().optional(),
  })
  .strict();

export const ClusterSchema = z
  .object({
    distribution: z.enum(["k3s", "kubeadm"]).default("k3s"),
    version: z.string().min(1),
    /** The join token: a key in a SOPS-encrypted file, decrypted at run time, never in Git in clear. */
    token: z.strictObject({ sops_file: z.string().min(1), key: z.string().min(1).default("token") }),
    api_endpoint: z.string().min(1),
    tls_san: z.array(z.string()).default([]),
    disable: z
      .array(z.enum(["traefik", "servicelb", "local-storage", "metrics-server", "coredns", "flannel"]))
      .default([]),
    cni: z.enum(["flannel", "cilium", "calico", "none"]).default("flannel"),
    tailscale_mode: z.enum(["off", "on"]).default("off"),
    embedded_etcd: z.boolean().default(true),
    airgap_dir: z.string().optional(),
    kubeconfig_context: z.string().optional(),
  })
  .strict();

/** The vars of the built-in `k3s` ansible component: the cluster and its nodes. */
export const NodesVars = z
  .object({
    cluster: ClusterSchema,
    nodes: z.array(NodeSchema).min(1, { message: "the cluster needs at least one node" }),
  })
  .loose()
  .superRefine((v, ctx) => {
    const seen = new Map<string, number>();
    const once = (key: string, i: number, field: string, what: string) => {
      const before = seen.get(key);
      if (before !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["nodes", i, field],
          message: `${what} is already used by nodes[${before}] (${v.nodes[before]!.name})`,
        });
      else seen.set(key, i);
    };
    v.nodes.forEach((n, i) => {
      once(`name:${n.name}`, i, "name", `node name "${n.name}"`);
      once(`ip:${n.address}`, i, "address", `address ${n.address}`);
      if (n.tailscale_ip && n.tailscale_ip !== n.address)
        once(`ip:${n.tailscale_ip}`, i, "tailscale_ip", `address ${n.tailscale_ip}`);
      if (v.cluster.tailscale_mode === "on" && !n.tailscale_ip)
        ctx.addIssue({
          code: "custom",
          path: ["nodes", i, "tailscale_ip"],
          message: `node "${n.name}" needs a tailscale_ip: cluster.tailscale_mode is on`,
        });
    });
    if (!v.nodes.some((n) => n.role === "server"))
      ctx.addIssue({ code: "custom", path: ["nodes"], message: "at least one node must have role: server" });
  });

export type NodesConfig = z.infer<typeof NodesVars>;
export type NodeEntry = z.infer<typeof NodeSchema>;

/** Advice that is not an error: an even number of embedded-etcd servers has no better quorum than one fewer. */
export function nodeWarnings(v: NodesConfig): string[] {
  const servers = v.nodes.filter((n) => n.role === "server").length;
  return v.cluster.embedded_etcd && servers > 1 && servers % 2 === 0
    ? [
        `${servers} servers with embedded etcd: an even number tolerates no more failures than ${servers - 1}; use an odd number`,
      ]
    : [];
}
