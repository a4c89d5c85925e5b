import { isNotASecret } from "../core/not-a-secret.js";
import { ALLOW_ANNOTATION, TENANT_LABEL, type ManifestObject, type RuleId } from "./types.js";
import { map, list, type Json } from "./json.js";

/** A platform rule's finding before severity and file are attached. */
export interface RuleHit {
  rule: RuleId;
  obj: ManifestObject;
  path?: (string | number)[];
  message: string;
}

/** The pod spec of a workload, and where it sits. */
function podSpec(o: Json): { spec: Json; path: string[] } | undefined {
  switch (o.kind) {
    case "Pod":
      return { spec: map(o.spec), path: ["spec"] };
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return { spec: map(map(map(o.spec).template).spec), path: ["spec", "template", "spec"] };
    case "CronJob":
      return {
        spec: map(map(map(map(map(o.spec).jobTemplate).spec).template).spec),
        path: ["spec", "jobTemplate", "spec", "template", "spec"],
      };
    default:
      return undefined;
  }
}

function containers(o: Json): { c: Json; path: (string | number)[] }[] {
  const pod = podSpec(o);
  if (!pod) return [];
  return ["initContainers", "containers", "ephemeralContainers"].flatMap((field) =>
    list(pod.spec[field]).map((c, i) => ({ c: map(c), path: [...pod.path, field, i] })),
  );
}

/** `image-unpinned`: no tag, or `:latest` without a digest (a `@sha256:` digest pins it). */
function imageUnpinned(obj: ManifestObject): RuleHit[] {
  return containers(obj.value).flatMap(({ c, path }) => {
    const image = typeof c.image === "string" ? c.image : "";
    if (!image || image.includes("${") || image.includes("@sha256:")) return [];
    const last = image.slice(image.lastIndexOf("/") + 1);
    const tag = last.includes(":") ? last.slice(last.indexOf(":") + 1) : "";
    if (tag && tag !== "latest") return [];
    return [
      {
        rule: "image-unpinned" as const,
        obj,
        path: [...path, "image"],
        message: `container "${String(c.name)}" uses ${image}${tag ? "" : " (no tag)"}: pin a version tag or a digest`,
      },
    ];
  });
}

/** `no-requests`: every container of a workload asks for CPU or memory. */
function noRequests(obj: ManifestObject): RuleHit[] {
  return containers(obj.value)
    .filter(({ path }) => path.includes("containers"))
    .flatMap(({ c, path }) => {
      const req = map(map(c.resources).requests);
      if (req.cpu !== undefined || req.memory !== undefined) return [];
      return [
        {
          rule: "no-requests" as const,
          obj,
          path,
          message: `container "${String(c.name)}" sets no resource requests: add resources.requests.cpu and .memory`,
        },
      ];
    });
}

/**
 * A `data` value that is a whole SOPS-encrypted file (a kustomize secretGenerator over an encrypted file,
 * which kustomize-controller decrypts when it builds): not plaintext.
 */
function isSopsFile(v: unknown): boolean {
  return typeof v === "string" && Buffer.from(v, "base64").toString("utf8").includes("ENC[AES256_GCM,");
}

/** `plaintext-secret`: a Secret whose data or stringData is not SOPS-encrypted. */
function plaintextSecret(obj: ManifestObject): RuleHit[] {
  const o = obj.value;
  if (o.kind !== "Secret" || o.apiVersion !== "v1") return [];
  return ["data", "stringData"].flatMap((section) => {
    const keys = Object.entries(map(o[section])).filter(
      ([, v]) => !isNotASecret(v) && !(section === "data" && isSopsFile(v)),
    );
    if (keys.length === 0) return [];
    return [
      {
        rule: "plaintext-secret" as const,
        obj,
        path: [section],
        message: `Secret has plaintext ${section} (${keys.map(([k]) => k).join(", ")}): encrypt it with \`slipway secrets encrypt -i\``,
      },
    ];
  });
}

/** `helm-chart-unpinned`: a HelmRelease without an exact chart version. */
function helmChartUnpinned(obj: ManifestObject): RuleHit[] {
  const o = obj.value;
  if (o.kind !== "HelmRelease" || !String(o.apiVersion).startsWith("helm.toolkit.fluxcd.io/")) return [];
  const spec = map(map(map(o.spec).chart).spec);
  if (map(o.spec).chartRef !== undefined) return [];
  const version = typeof spec.version === "string" ? spec.version.trim() : "";
  if (version && !/[*xX^~><=|]| - /.test(version) && !version.includes("${")) return [];
  return [
    {
      rule: "helm-chart-unpinned" as const,
      obj,
      path: ["spec", "chart", "spec", "version"],
      message: version
        ? `chart version "${version}" is a range: pin an exact version`
        : "no chart version: pin spec.chart.spec.version",
    },
  ];
}

/** `appproject-wildcard`: an Argo CD AppProject that may deploy anywhere. */
function appProjectWildcard(obj: ManifestObject): RuleHit[] {
  const o = obj.value;
  if (o.kind !== "AppProject" || !String(o.apiVersion).startsWith("argoproj.io/")) return [];
  return list(map(o.spec).destinations).flatMap((d, i) => {
    const dest = map(d);
    const wild = ["namespace", "server", "name"].filter((k) => dest[k] === "*");
    return wild.length
      ? [
          {
            rule: "appproject-wildcard" as const,
            obj,
            path: ["spec", "destinations", i],
            message: `destination with ${wild.map((k) => `${k}: "*"`).join(", ")}: list the namespaces and the cluster this project may use`,
          },
        ]
      : [];
  });
}

/** Per-object rules, as a table: a new rule is a new row. */
export const OBJECT_RULES: ((obj: ManifestObject) => RuleHit[])[] = [
  plaintextSecret,
  imageUnpinned,
  noRequests,
  helmChartUnpinned,
  appProjectWildcard,
];

/** `tenant-default-deny` and `tenant-quota`: look across objects, for namespaces labelled as tenants. */
export function tenantRules(objects: ManifestObject[]): RuleHit[] {
  const hits: RuleHit[] = [];
  const tenants = objects.filter(
    (o) =>
      o.value.kind === "Namespace" &&
      o.value.apiVersion === "v1" &&
      map(map(o.value.metadata).labels)[TENANT_LABEL] !== undefined,
  );
  for (const ns of tenants) {
    const name = String(map(ns.value.metadata).name);
    const inNs = objects.filter((o) => map(o.value.metadata).namespace === name);
    const denyAll = inNs.some((o) => {
      if (o.value.kind !== "NetworkPolicy") return false;
      const spec = map(o.value.spec);
      const types = list(spec.policyTypes);
      return (
        Object.keys(map(spec.podSelector)).length === 0 &&
        types.includes("Ingress") &&
        types.includes("Egress") &&
        list(spec.ingress).length === 0 &&
        list(spec.egress).length === 0
      );
    });
    if (!denyAll)
      hits.push({
        rule: "tenant-default-deny",
        obj: ns,
        message: `tenant namespace ${name} has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)`,
      });
    if (!inNs.some((o) => o.value.kind === "ResourceQuota"))
      hits.push({ rule: "tenant-quota", obj: ns, message: `tenant namespace ${name} has no ResourceQuota` });
  }
  return hits;
}

/** Rules an object's `slipway.dev/allow` annotation exempts it from ("<rule>: <reason>", one per line or comma). */
export function allowedRules(obj: ManifestObject): Set<string> {
  const raw = map(map(obj.value.metadata).annotations)[ALLOW_ANNOTATION];
  if (typeof raw !== "string") return new Set();
  return new Set(
    raw
      .split(/[\n,]/)
      .map((part) => part.split(":")[0]!.trim())
      .filter(Boolean),
  );
}
