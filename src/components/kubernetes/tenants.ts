import { z } from "zod";
import { TENANT_LABEL } from "../../manifests/types.js";
import type { RenderedFile, Renderer } from "./types.js";

const Quantity = z.union([
  z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, "a Kubernetes quantity such as 500m, 2, 4Gi"),
  z.number(),
]);
const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "an RFC 1123 name: lower-case letters, digits and -")
  .max(40);

const Organisation = z.strictObject({
  name: Name,
  environments: z.array(Name).optional().describe("Defaults to the renderer's environments"),
  quota: z.record(z.string(), Quantity).optional().describe("ResourceQuota spec.hard"),
  limits: z
    .strictObject({
      default: z.record(z.string(), Quantity).optional(),
      defaultRequest: z.record(z.string(), Quantity).optional(),
    })
    .optional(),
  admins: z
    .array(z.string())
    .optional()
    .describe("Groups bound to the admin ClusterRole in the organisation's namespaces"),
  source_repos: z
    .array(z.string())
    .optional()
    .describe("Argo CD: repositories the organisation's AppProject may use"),
  repository: z
    .strictObject({ url: z.string(), branch: z.string().default("main"), path: z.string().default("./") })
    .optional(),
});

// Top level: loose, because global vars reach every component; nested fields are strict.
export const TenantsVars = z
  .object({
    engine: z.enum(["flux", "argocd"]).default("flux"),
    environments: z.array(Name).default(["prod", "dev"]),
    organisations: z.array(Organisation).min(1),
    pod_security: z.enum(["privileged", "baseline", "restricted"]).default("baseline"),
    ingress_namespace: z
      .string()
      .default("traefik")
      .describe("Namespace of the ingress controller allowed in"),
    default_quota: z
      .record(z.string(), Quantity)
      .default({ "requests.cpu": "2", "requests.memory": "4Gi", "limits.memory": "8Gi", pods: "50" }),
    argocd_namespace: z.string().default("argocd"),
  })
  .superRefine((v, ctx) => {
    const seen = new Map<string, number>();
    v.organisations.forEach((o, i) => {
      for (const env of o.environments ?? v.environments) {
        const ns = `${o.name}-${env}`;
        if (seen.has(ns))
          ctx.addIssue({
            code: "custom",
            path: ["organisations", i, "name"],
            message: `namespace ${ns} would be made twice (also by organisations[${seen.get(ns)}])`,
          });
        seen.set(ns, i);
      }
    });
  });
export type TenantsVars = z.infer<typeof TenantsVars>;

type Obj = Record<string, unknown>;

function namespaceObjects(v: TenantsVars, org: TenantsVars["organisations"][number], env: string): Obj[] {
  const ns = `${org.name}-${env}`;
  const meta = (name: string) => ({ name, namespace: ns, labels: { [TENANT_LABEL]: org.name } });
  const objs: Obj[] = [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: ns,
        labels: {
          [TENANT_LABEL]: org.name,
          "slipway.dev/environment": env,
          "pod-security.kubernetes.io/enforce": v.pod_security,
          "pod-security.kubernetes.io/audit": v.pod_security,
          "pod-security.kubernetes.io/warn": v.pod_security,
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: meta("quota"),
      spec: { hard: { ...v.default_quota, ...org.quota } },
    },
    {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: meta("limits"),
      spec: {
        limits: [
          {
            type: "Container",
            default: org.limits?.default ?? { cpu: "500m", memory: "512Mi" },
            defaultRequest: org.limits?.defaultRequest ?? { cpu: "50m", memory: "64Mi" },
          },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("default-deny"),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-dns"),
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-same-namespace"),
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("allow-from-ingress-controller"),
      spec: {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": v.ingress_namespace } } },
            ],
          },
        ],
      },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(`${org.name}-deployer`) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(`${org.name}-deployer`),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subjects: [
        { kind: "ServiceAccount", name: `${org.name}-deployer`, namespace: ns },
        ...(org.admins ?? []).map((g) => ({ kind: "Group", name: g, apiGroup: "rbac.authorization.k8s.io" })),
      ],
    },
  ];
  if (v.engine === "flux" && org.repository) {
    objs.push(
      {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "GitRepository",
        metadata: meta(org.name),
        spec: { interval: "5m", url: org.repository.url, ref: { branch: org.repository.branch } },
      },
      {
        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: meta(`${org.name}-${env}`),
        spec: {
          interval: "10m",
          path: `${org.repository.path.replace(/\/$/, "")}/${env}`,
          prune: true,
          serviceAccountName: `${org.name}-deployer`,
          targetNamespace: ns,
          sourceRef: { kind: "GitRepository", name: org.name },
        },
      },
    );
  }
  return objs;
}

function appProject(v: TenantsVars, org: TenantsVars["organisations"][number]): Obj {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: org.name, namespace: v.argocd_namespace, labels: { [TENANT_LABEL]: org.name } },
    spec: {
      description: `Organisation ${org.name}: its own namespaces only`,
      sourceRepos: org.source_repos ?? (org.repository ? [org.repository.url] : []),
      destinations: (org.environments ?? v.environments).map((env) => ({
        namespace: `${org.name}-${env}`,
        server: "https://kubernetes.default.svc",
      })),
      clusterResourceWhitelist: [],
      // Tenants must not loosen what the platform set for them.
      namespaceResourceBlacklist: ["ResourceQuota", "LimitRange", "NetworkPolicy"].map((kind) => ({
        group: kind === "NetworkPolicy" ? "networking.k8s.io" : "",
        kind,
      })),
    },
  };
}

/** `tenants`: organisations × environments → isolated namespaces (quota, limits, default-deny, RBAC) and their GitOps access. */
export const tenantsRenderer: Renderer<TenantsVars> = {
  name: "tenants",
  varsSchema: TenantsVars,
  render(v, _c, ctx) {
    const base = `clusters/${ctx.stack}/infrastructure/configs/tenants`;
    const files: RenderedFile[] = [];
    for (const org of v.organisations) {
      for (const env of org.environments ?? v.environments)
        files.push({
          path: `${base}/${org.name}/${env}/namespace.yaml`,
          objects: namespaceObjects(v, org, env),
        });
      if (v.engine === "argocd")
        files.push({ path: `${base}/${org.name}/appproject.yaml`, objects: [appProject(v, org)] });
    }
    return files;
  },
};
