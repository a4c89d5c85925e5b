import { z } from "zod";
import type { RenderedFile, Renderer } from "./types.js";

type Obj = Record<string, unknown>;

/** What slipway knows about each add-on: where its chart lives and the values that make it work here. */
interface AddonSpec {
  repo: string;
  chart: string;
  namespace: string;
  /** Pinned default; a stack pins its own with `version`. */
  version: string;
  values: (v: AddonVars) => Obj;
  /** Extra objects the add-on needs beside its release (policies, runtime classes). */
  extra?: (v: AddonVars) => Obj[];
}

const Addon = z.strictObject({
  enabled: z.boolean().default(true),
  version: z
    .string()
    .regex(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "an exact chart version such as 1.16.5")
    .optional(),
  values: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Merged over slipway's values for this add-on"),
});

const AlertRoute = z.strictObject({
  receiver: z.string(),
  matchers: z.array(z.string()).default([]),
  webhook_url_secret: z
    .string()
    .optional()
    .describe("Name of a Secret key holding the webhook URL (never the URL itself)"),
});

// Top level loose (global vars reach every component); each add-on is strict.
export const AddonsVars = z.object({
  engine: z.enum(["flux", "argocd"]).default("flux"),
  distribution: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default("default")
    .describe("Name of the shared add-on set under distributions/"),
  argocd_namespace: z.string().default("argocd"),
  cilium: Addon.extend({ hubble: z.boolean().default(false) }).optional(),
  traefik: Addon.optional(),
  kyverno: Addon.extend({
    pod_security: z.enum(["baseline", "restricted"]).default("baseline"),
    action: z.enum(["Audit", "Enforce"]).default("Audit"),
  }).optional(),
  cert_manager: Addon.optional(),
  kube_prometheus_stack: Addon.extend({
    alert_routes: z.array(AlertRoute).default([]),
    retention: z.string().default("7d"),
  }).optional(),
  loki: Addon.extend({ retention: z.string().default("168h") }).optional(),
  nvidia_device_plugin: Addon.extend({
    time_slicing_replicas: z.number().int().min(1).max(48).default(4),
  }).optional(),
});
export type AddonsVars = z.infer<typeof AddonsVars>;
type AddonVars = AddonsVars & Obj;

export const ADDONS: Record<string, AddonSpec> = {
  cilium: {
    repo: "https://helm.cilium.io",
    chart: "cilium",
    namespace: "kube-system",
    version: "1.16.5",
    values: (v) => ({
      kubeProxyReplacement: true,
      operator: { replicas: 1 },
      hubble: {
        enabled: v.cilium?.hubble ?? false,
        relay: { enabled: v.cilium?.hubble ?? false },
        ui: { enabled: v.cilium?.hubble ?? false },
      },
    }),
  },
  traefik: {
    repo: "https://traefik.github.io/charts",
    chart: "traefik",
    namespace: "traefik",
    version: "33.2.1",
    values: () => ({
      deployment: { replicas: 2 },
      resources: { requests: { cpu: "100m", memory: "128Mi" } },
      service: { type: "LoadBalancer" },
    }),
  },
  kyverno: {
    repo: "https://kyverno.github.io/kyverno",
    chart: "kyverno",
    namespace: "kyverno",
    version: "3.3.4",
    values: () => ({
      admissionController: { replicas: 1 },
      backgroundController: { replicas: 1 },
      cleanupController: { replicas: 1 },
      reportsController: { replicas: 1 },
    }),
  },
  cert_manager: {
    repo: "https://charts.jetstack.io",
    chart: "cert-manager",
    namespace: "cert-manager",
    version: "v1.16.2",
    values: () => ({ crds: { enabled: true }, resources: { requests: { cpu: "10m", memory: "64Mi" } } }),
  },
  kube_prometheus_stack: {
    repo: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    namespace: "monitoring",
    version: "66.3.1",
    // k3s runs etcd, the scheduler and the controller manager inside one process: no separate targets.
    // Every image of the chart is multi-arch, so the same values work on arm64 (Raspberry Pi) nodes.
    values: (v) => ({
      kubeEtcd: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeControllerManager: { enabled: false },
      kubeProxy: { enabled: false },
      prometheus: {
        prometheusSpec: {
          retention: v.kube_prometheus_stack?.retention ?? "7d",
          resources: { requests: { cpu: "200m", memory: "1Gi" } },
        },
      },
      alertmanager: {
        config: {
          route: {
            receiver: "null",
            group_by: ["alertname", "namespace"],
            routes: (v.kube_prometheus_stack?.alert_routes ?? []).map((r) => ({
              receiver: r.receiver,
              matchers: r.matchers,
            })),
          },
          receivers: [
            { name: "null" },
            ...(v.kube_prometheus_stack?.alert_routes ?? []).map((r) => ({
              name: r.receiver,
              ...(r.webhook_url_secret
                ? { webhook_configs: [{ url_file: `/etc/alertmanager/secrets/${r.webhook_url_secret}/url` }] }
                : {}),
            })),
          ],
        },
        alertmanagerSpec: {
          secrets: [
            ...new Set(
              (v.kube_prometheus_stack?.alert_routes ?? []).flatMap((r) =>
                r.webhook_url_secret ? [r.webhook_url_secret] : [],
              ),
            ),
          ],
        },
      },
      "prometheus-node-exporter": { hostRootFsMount: { enabled: false } },
    }),
  },
  loki: {
    repo: "https://grafana.github.io/helm-charts",
    chart: "loki",
    namespace: "monitoring",
    version: "6.24.0",
    values: (v) => ({
      deploymentMode: "SingleBinary",
      loki: {
        auth_enabled: false,
        commonConfig: { replication_factor: 1 },
        storage: { type: "filesystem" },
        limits_config: { retention_period: v.loki?.retention ?? "168h" },
        schemaConfig: {
          configs: [
            {
              from: "2024-01-01",
              store: "tsdb",
              object_store: "filesystem",
              schema: "v13",
              index: { prefix: "index_", period: "24h" },
            },
          ],
        },
      },
      singleBinary: { replicas: 1 },
      read: { replicas: 0 },
      write: { replicas: 0 },
      backend: { replicas: 0 },
    }),
  },
  nvidia_device_plugin: {
    repo: "https://nvidia.github.io/k8s-device-plugin",
    chart: "nvidia-device-plugin",
    namespace: "nvidia-device-plugin",
    version: "0.17.0",
    values: (v) => ({
      runtimeClassName: "nvidia",
      config: {
        name: "time-slicing",
        map: {
          default: JSON.stringify({
            version: "v1",
            sharing: {
              timeSlicing: {
                resources: [
                  { name: "nvidia.com/gpu", replicas: v.nvidia_device_plugin?.time_slicing_replicas ?? 4 },
                ],
              },
            },
          }),
        },
      },
      nodeSelector: { "nvidia.com/gpu.present": "true" },
    }),
    extra: () => [
      { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name: "nvidia" }, handler: "nvidia" },
    ],
  },
};

const fileName = (addon: string) => addon.replace(/_/g, "-");

function mergeValues(base: Obj, over: Obj | undefined): Obj {
  if (!over) return base;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b && v && typeof b === "object" && typeof v === "object" && !Array.isArray(b) && !Array.isArray(v)
        ? mergeValues(b as Obj, v as Obj)
        : v;
  }
  return out;
}

function fluxObjects(name: string, spec: AddonSpec, version: string, values: Obj): Obj[] {
  return [
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "HelmRepository",
      metadata: { name: fileName(name), namespace: spec.namespace },
      spec: { interval: "12h", url: spec.repo },
    },
    {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: fileName(name), namespace: spec.namespace },
      spec: {
        interval: "30m",
        chart: {
          spec: { chart: spec.chart, version, sourceRef: { kind: "HelmRepository", name: fileName(name) } },
        },
        install: { crds: "CreateReplace", remediation: { retries: 3 } },
        upgrade: { crds: "CreateReplace", remediation: { retries: 3 } },
        values,
      },
    },
  ];
}

function argoObjects(name: string, spec: AddonSpec, version: string, values: Obj, v: AddonsVars): Obj[] {
  return [
    {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: {
        name: fileName(name),
        namespace: v.argocd_namespace,
        finalizers: ["resources-finalizer.argocd.argoproj.io"],
      },
      spec: {
        project: "default",
        source: {
          repoURL: spec.repo,
          chart: spec.chart,
          targetRevision: version,
          helm: { valuesObject: values },
        },
        destination: { server: "https://kubernetes.default.svc", namespace: spec.namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
        },
      },
    },
  ];
}

/** The Kyverno Pod Security policies chart, as a second release beside Kyverno. */
function kyvernoPolicies(v: AddonsVars): { name: string; spec: AddonSpec } | undefined {
  if (!v.kyverno || v.kyverno.enabled === false) return undefined;
  return {
    name: "kyverno_policies",
    spec: {
      repo: "https://kyverno.github.io/kyverno",
      chart: "kyverno-policies",
      namespace: "kyverno",
      version: "3.3.2",
      values: () => ({
        podSecurityStandard: v.kyverno!.pod_security,
        validationFailureAction: v.kyverno!.action,
      }),
    },
  };
}

/** The patch a distribution applies to a base release: its pinned version and its values. */
function releasePatch(name: string, spec: AddonSpec, version: string, values: Obj, v: AddonsVars): Obj {
  if (v.engine === "flux") {
    return {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: fileName(name), namespace: spec.namespace },
      spec: { chart: { spec: { version } }, values },
    };
  }
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: fileName(name), namespace: v.argocd_namespace },
    spec: { source: { targetRevision: version, helm: { valuesObject: values } } },
  };
}

/**
 * `addons`, in the Kustomize hierarchy bases → distributions → clusters:
 * - `bases/addons/<addon>/`: the add-on itself (namespace, chart source, release) with slipway's pinned
 *   default version and values — the same for every stack;
 * - `distributions/<name>/`: the set of add-ons a kind of cluster runs, patched with their pinned versions
 *   and values from the stack's vars (stacks that share a distribution share these);
 * - `clusters/<stack>/infrastructure/controllers/`: the distribution this cluster runs.
 */
export const addonsRenderer: Renderer<AddonsVars> = {
  name: "addons",
  varsSchema: AddonsVars,
  render(v, _c, ctx) {
    const files: RenderedFile[] = [];
    const defaults = AddonsVars.parse({}) as AddonVars;
    const chosen: { name: string; spec: AddonSpec; vars?: z.infer<typeof Addon> }[] = [];
    for (const [name, spec] of Object.entries(ADDONS)) {
      const av = (v as Obj)[name] as z.infer<typeof Addon> | undefined;
      if (av && av.enabled !== false) chosen.push({ name, spec, vars: av });
    }
    const policies = kyvernoPolicies(v);
    if (policies) chosen.push(policies);
    const dist = `distributions/${v.distribution}`;
    const resources: string[] = [];
    const patches: Obj[] = [];
    // Namespaces are bases of their own: several add-ons share one (monitoring, kyverno).
    if (v.engine === "flux") {
      for (const ns of [...new Set(chosen.map((a) => a.spec.namespace))]
        .filter((n) => n !== "kube-system")
        .sort()) {
        files.push({
          path: `bases/namespaces/${ns}/namespace.yaml`,
          objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }],
        });
        resources.push(`../../bases/namespaces/${ns}`);
      }
    }
    for (const { name, spec, vars } of chosen) {
      const base = `bases/addons/${fileName(name)}`;
      const defaultValues = spec.values(defaults);
      const baseObjects =
        v.engine === "flux"
          ? fluxObjects(name, spec, spec.version, defaultValues)
          : argoObjects(name, spec, spec.version, defaultValues, v);
      files.push({
        path: `${base}/release.yaml`,
        objects: [...baseObjects, ...(spec.extra?.(defaults) ?? [])],
      });
      resources.push(`../../${base}`);
      const values = mergeValues(spec.values(v as AddonVars), vars?.values as Obj | undefined);
      files.push({
        path: `${dist}/patches/${fileName(name)}.yaml`,
        objects: [releasePatch(name, spec, vars?.version ?? spec.version, values, v)],
      });
      patches.push({ path: `patches/${fileName(name)}.yaml` });
    }
    files.push({
      path: `${dist}/kustomization.yaml`,
      objects: [{ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources, patches }],
    });
    files.push({
      path: `clusters/${ctx.stack}/infrastructure/controllers/kustomization.yaml`,
      objects: [
        {
          apiVersion: "kustomize.config.k8s.io/v1beta1",
          kind: "Kustomization",
          resources: [`../../../../${dist}`],
        },
      ],
    });
    return files;
  },
};
