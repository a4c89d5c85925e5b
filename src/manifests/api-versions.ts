import { SlipwayError } from "../core/errors.js";

/**
 * Built-in API versions Kubernetes has removed, after the Kubernetes deprecation guide: for each, the release
 * that stopped serving it and what to use instead (none: the feature went away). A table, so adding a release
 * is adding rows.
 */
interface Removal {
  /** `group/version` (core: `version`). */
  apiVersion: string;
  kinds: string[];
  /** Minor version of Kubernetes 1.x that removed it. */
  removedIn: number;
  /** The apiVersion to use instead, or a sentence when nothing replaces it. */
  use: string | { none: string };
}

const REMOVED: Removal[] = [
  {
    apiVersion: "extensions/v1beta1",
    kinds: ["Deployment", "DaemonSet", "ReplicaSet"],
    removedIn: 16,
    use: "apps/v1",
  },
  { apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], removedIn: 16, use: "networking.k8s.io/v1" },
  {
    apiVersion: "extensions/v1beta1",
    kinds: ["PodSecurityPolicy"],
    removedIn: 16,
    use: { none: "PodSecurityPolicy is gone since 1.25; use Pod Security Admission (namespace labels)" },
  },
  {
    apiVersion: "apps/v1beta1",
    kinds: ["Deployment", "StatefulSet", "ControllerRevision"],
    removedIn: 16,
    use: "apps/v1",
  },
  {
    apiVersion: "apps/v1beta2",
    kinds: ["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "ControllerRevision"],
    removedIn: 16,
    use: "apps/v1",
  },
  {
    apiVersion: "admissionregistration.k8s.io/v1beta1",
    kinds: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
    removedIn: 22,
    use: "admissionregistration.k8s.io/v1",
  },
  {
    apiVersion: "apiextensions.k8s.io/v1beta1",
    kinds: ["CustomResourceDefinition"],
    removedIn: 22,
    use: "apiextensions.k8s.io/v1",
  },
  {
    apiVersion: "apiregistration.k8s.io/v1beta1",
    kinds: ["APIService"],
    removedIn: 22,
    use: "apiregistration.k8s.io/v1",
  },
  {
    apiVersion: "authentication.k8s.io/v1beta1",
    kinds: ["TokenReview"],
    removedIn: 22,
    use: "authentication.k8s.io/v1",
  },
  {
    apiVersion: "authorization.k8s.io/v1beta1",
    kinds: ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview"],
    removedIn: 22,
    use: "authorization.k8s.io/v1",
  },
  {
    apiVersion: "certificates.k8s.io/v1beta1",
    kinds: ["CertificateSigningRequest"],
    removedIn: 22,
    use: "certificates.k8s.io/v1",
  },
  {
    apiVersion: "coordination.k8s.io/v1beta1",
    kinds: ["Lease"],
    removedIn: 22,
    use: "coordination.k8s.io/v1",
  },
  { apiVersion: "extensions/v1beta1", kinds: ["Ingress"], removedIn: 22, use: "networking.k8s.io/v1" },
  {
    apiVersion: "networking.k8s.io/v1beta1",
    kinds: ["Ingress", "IngressClass"],
    removedIn: 22,
    use: "networking.k8s.io/v1",
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1beta1",
    kinds: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    removedIn: 22,
    use: "rbac.authorization.k8s.io/v1",
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1alpha1",
    kinds: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    removedIn: 22,
    use: "rbac.authorization.k8s.io/v1",
  },
  {
    apiVersion: "scheduling.k8s.io/v1beta1",
    kinds: ["PriorityClass"],
    removedIn: 22,
    use: "scheduling.k8s.io/v1",
  },
  {
    apiVersion: "storage.k8s.io/v1beta1",
    kinds: ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
    removedIn: 22,
    use: "storage.k8s.io/v1",
  },
  { apiVersion: "batch/v1beta1", kinds: ["CronJob"], removedIn: 25, use: "batch/v1" },
  {
    apiVersion: "discovery.k8s.io/v1beta1",
    kinds: ["EndpointSlice"],
    removedIn: 25,
    use: "discovery.k8s.io/v1",
  },
  { apiVersion: "events.k8s.io/v1beta1", kinds: ["Event"], removedIn: 25, use: "events.k8s.io/v1" },
  {
    apiVersion: "autoscaling/v2beta1",
    kinds: ["HorizontalPodAutoscaler"],
    removedIn: 25,
    use: "autoscaling/v2",
  },
  { apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], removedIn: 25, use: "policy/v1" },
  {
    apiVersion: "policy/v1beta1",
    kinds: ["PodSecurityPolicy"],
    removedIn: 25,
    use: { none: "nothing replaces it: use Pod Security Admission (namespace labels) or a policy engine" },
  },
  { apiVersion: "node.k8s.io/v1beta1", kinds: ["RuntimeClass"], removedIn: 25, use: "node.k8s.io/v1" },
  {
    apiVersion: "autoscaling/v2beta2",
    kinds: ["HorizontalPodAutoscaler"],
    removedIn: 26,
    use: "autoscaling/v2",
  },
  {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1",
    kinds: ["FlowSchema", "PriorityLevelConfiguration"],
    removedIn: 26,
    use: "flowcontrol.apiserver.k8s.io/v1",
  },
  {
    apiVersion: "storage.k8s.io/v1beta1",
    kinds: ["CSIStorageCapacity"],
    removedIn: 27,
    use: "storage.k8s.io/v1",
  },
  {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2",
    kinds: ["FlowSchema", "PriorityLevelConfiguration"],
    removedIn: 29,
    use: "flowcontrol.apiserver.k8s.io/v1",
  },
  {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3",
    kinds: ["FlowSchema", "PriorityLevelConfiguration"],
    removedIn: 32,
    use: "flowcontrol.apiserver.k8s.io/v1",
  },
];

const INDEX = new Map<string, Removal>();
for (const r of REMOVED) for (const k of r.kinds) INDEX.set(`${r.apiVersion}/${k}`, r);

/** A Kubernetes minor version: 1.N. */
export interface KubeVersion {
  major: 1;
  minor: number;
}

/** Parses `--kubernetes-version` (`1.30`, `v1.30`, `1.30.4`); anything else is a usage error. */
export function parseKubeVersion(text: string): KubeVersion {
  const m = /^v?1\.(\d{1,3})(\.\d+)?$/.exec(text.trim());
  if (!m)
    throw new SlipwayError({
      code: "usage",
      message: `--kubernetes-version ${text}: not a Kubernetes version`,
      hint: "give MAJOR.MINOR, for example --kubernetes-version 1.33",
    });
  return { major: 1, minor: Number(m[1]) };
}

/** What the table says about an apiVersion and kind at a Kubernetes version: removed (an error) or deprecated. */
export interface RemovedApi {
  removed: boolean;
  message: string;
}

/** Removed or deprecated-and-going built-in API versions; undefined for any other. */
export function removedApi(apiVersion: string, kind: string, at: KubeVersion): RemovedApi | undefined {
  const r = INDEX.get(`${apiVersion}/${kind}`);
  if (!r) return undefined;
  const instead = typeof r.use === "string" ? `use ${r.use}` : r.use.none;
  const removed = at.minor >= r.removedIn;
  return {
    removed,
    message: removed
      ? `${apiVersion} ${kind}: removed in Kubernetes 1.${r.removedIn}, ${instead}`
      : `${apiVersion} ${kind}: deprecated, removed in Kubernetes 1.${r.removedIn} (validating for 1.${at.minor}); ${instead}`,
  };
}

/** True when an apiVersion's version is an alpha or beta one (`v1beta1`, `v2alpha3`). */
export const isPrerelease = (apiVersion: string): boolean => /\/v\d+(alpha|beta)\d+$/.test(apiVersion);
