import type { ResourceType } from "./types.js";

// The resource types slipway's live views read. One table, so status, the UI and the health model name a
// type the same way (and a test can list every one against a real API server's discovery).

const core = (resource: string, kind: string, namespaced = true): ResourceType => ({
  group: "",
  version: "v1",
  resource,
  kind,
  namespaced,
});
const typed = (group: string, version: string, resource: string, kind: string): ResourceType => ({
  group,
  version,
  resource,
  kind,
  namespaced: true,
});

export const NODES = core("nodes", "Node", false);
export const NAMESPACES = core("namespaces", "Namespace", false);
export const PODS = core("pods", "Pod");
export const SERVICES = core("services", "Service");
export const EVENTS = core("events", "Event");
export const PVCS = core("persistentvolumeclaims", "PersistentVolumeClaim");
export const DEPLOYMENTS = typed("apps", "v1", "deployments", "Deployment");
export const STATEFULSETS = typed("apps", "v1", "statefulsets", "StatefulSet");
export const DAEMONSETS = typed("apps", "v1", "daemonsets", "DaemonSet");
export const ENDPOINTSLICES = typed("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice");
export const PDBS = typed("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget");
export const FLUX_KUSTOMIZATIONS = typed(
  "kustomize.toolkit.fluxcd.io",
  "v1",
  "kustomizations",
  "Kustomization",
);
export const HELMRELEASES = typed("helm.toolkit.fluxcd.io", "v2", "helmreleases", "HelmRelease");
export const GITREPOSITORIES = typed("source.toolkit.fluxcd.io", "v1", "gitrepositories", "GitRepository");
export const OCIREPOSITORIES = typed("source.toolkit.fluxcd.io", "v1", "ocirepositories", "OCIRepository");
export const HELMREPOSITORIES = typed("source.toolkit.fluxcd.io", "v1", "helmrepositories", "HelmRepository");
export const ARGO_APPLICATIONS = typed("argoproj.io", "v1alpha1", "applications", "Application");

/** The GitOps types status and the GitOps view watch (absent ones are simply not installed). */
export const GITOPS_TYPES: readonly ResourceType[] = [
  FLUX_KUSTOMIZATIONS,
  HELMRELEASES,
  GITREPOSITORIES,
  OCIREPOSITORIES,
  HELMREPOSITORIES,
  ARGO_APPLICATIONS,
];

/** `apps/v1` or `v1`: the apiVersion of a type. */
export const apiVersionOf = (t: ResourceType): string => (t.group ? `${t.group}/${t.version}` : t.version);

/** The collection path of a type, in one namespace or across all. */
export function collectionPath(t: ResourceType, namespace?: string): string {
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  return t.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${t.resource}`
    : `${base}/${t.resource}`;
}
