import type { RuleHit } from "./rules.js";
import type { ManifestObject } from "./types.js";
import { map, list, type Json } from "./json.js";

// Rules that look across the objects of one tree (or of one kustomize build's output): pure functions of the
// objects, so they run on files as written and on built objects alike.

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
/** A Flux `${VAR}` that Flux fills in before applying: the value is not known offline. */
const unknownValue = (v: unknown) => typeof v === "string" && v.includes("${");

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]);

/** The pod template labels of anything that makes pods, and where they sit. */
function templateLabels(o: Json): { labels: Json; path: string[] } | undefined {
  const kind = str(o.kind) ?? "";
  const spec = map(o.spec);
  if (kind === "Pod") return { labels: map(map(o.metadata).labels), path: ["metadata", "labels"] };
  if (kind === "CronJob")
    return {
      labels: map(map(map(map(map(spec.jobTemplate).spec).template).metadata).labels),
      path: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
    };
  // Argo Rollouts' Rollout carries a pod template like a Deployment.
  if (WORKLOADS.has(kind) || kind === "Job" || kind === "Rollout")
    return {
      labels: map(map(map(spec.template).metadata).labels),
      path: ["spec", "template", "metadata", "labels"],
    };
  return undefined;
}

/** The namespace an object lands in: its own, or undefined (set later by kustomize, Flux or kubectl). */
const namespaceOf = (o: Json) => str(map(o.metadata).namespace);
/** Two namespaces that may be the same: equal, or either one not set in the file. */
const sameNamespace = (a: string | undefined, b: string | undefined) =>
  a === undefined || b === undefined || a === b;

/** Whether a label selector (matchLabels and matchExpressions) selects these labels; undefined when unknowable. */
function selects(selector: Json, labels: Json): { ok: boolean; why?: string } | undefined {
  for (const [k, v] of Object.entries(map(selector.matchLabels))) {
    if (typeof v !== "string" || unknownValue(v) || unknownValue(labels[k])) return undefined;
    if (labels[k] !== v)
      return {
        ok: false,
        why: `matchLabels ${k}: ${String(v)} but the template has ${k}: ${labels[k] === undefined ? "(none)" : String(labels[k])}`,
      };
  }
  for (const e of list(selector.matchExpressions).map(map)) {
    const key = str(e.key) ?? "";
    const values = list(e.values).map(String);
    if (values.some(unknownValue) || unknownValue(labels[key])) return undefined;
    const has = Object.hasOwn(labels, key);
    const value = has ? String(labels[key]) : undefined;
    const ok =
      e.operator === "In"
        ? value !== undefined && values.includes(value)
        : e.operator === "NotIn"
          ? value === undefined || !values.includes(value)
          : e.operator === "Exists"
            ? has
            : e.operator === "DoesNotExist"
              ? !has
              : undefined;
    if (ok === undefined) return undefined; // an operator the schema rule reports
    if (!ok)
      return {
        ok: false,
        why: `matchExpressions ${key} ${String(e.operator)}${values.length ? ` [${values.join(", ")}]` : ""} but the template has ${has ? `${key}: ${value}` : `no ${key} label`}`,
      };
  }
  return { ok: true };
}

/** `selector-mismatch`: a workload whose selector does not select its own pod template (the API server refuses it). */
export function selectorMismatch(objects: ManifestObject[]): RuleHit[] {
  return objects.flatMap((obj) => {
    const o = obj.value;
    if (!WORKLOADS.has(String(o.kind)) || o.apiVersion !== "apps/v1") return [];
    const selector = map(map(o.spec).selector);
    const tmpl = templateLabels(o)!;
    if (map(o.spec).selector === undefined) return []; // a missing required field: the schema rule's finding
    if (Object.keys(map(selector.matchLabels)).length === 0 && list(selector.matchExpressions).length === 0)
      return [
        {
          rule: "selector-mismatch" as const,
          obj,
          path: ["spec", "selector"],
          message: `${String(o.kind)} has an empty spec.selector, which the API server refuses: select the template's labels (${Object.keys(tmpl.labels).join(", ") || "add some"})`,
        },
      ];
    const r = selects(selector, map(tmpl.labels));
    if (!r || r.ok) return [];
    return [
      {
        rule: "selector-mismatch" as const,
        obj,
        path: ["spec", "selector"],
        message: `spec.selector does not match the pod template's labels (${r.why}), which the API server refuses: make spec.template.metadata.labels carry what the selector asks for`,
      },
    ];
  });
}

/** Names a HelmRelease's chart may give the Services and pods it makes: release name, chart name, overrides. */
function helmNames(objects: ManifestObject[]): { namespace?: string; names: string[] }[] {
  return objects
    .filter(
      (o) =>
        o.value.kind === "HelmRelease" && String(o.value.apiVersion).startsWith("helm.toolkit.fluxcd.io/"),
    )
    .map((o) => {
      const spec = map(o.value.spec);
      const values = map(spec.values);
      const names = [
        str(map(o.value.metadata).name),
        str(spec.releaseName),
        str(map(map(spec.chart).spec).chart)
          ?.split("/")
          .pop(),
        str(values.fullnameOverride),
        str(values.nameOverride),
      ].filter((n): n is string => !!n);
      return { namespace: str(spec.targetNamespace) ?? namespaceOf(o.value), names };
    });
}

/**
 * Services and pods that well-known charts and controllers make, and the sign in a tree that one is there.
 * A row is data: a chart or HelmRelease name, or a kind, whose presence anywhere in the tree explains them.
 */
const KNOWN_MAKERS: {
  services?: string[];
  selector?: Record<string, string>;
  chart?: string[];
  kinds?: string[];
  what: string;
}[] = [
  { services: ["hubble-ui", "hubble-relay", "hubble-peer"], chart: ["cilium"], what: "the Cilium chart" },
  {
    services: ["webhook-receiver", "notification-controller", "source-controller", "flux-operator"],
    chart: ["flux2", "flux-instance", "flux-operator"],
    kinds: ["FluxInstance"],
    what: "Flux's notification and source controllers",
  },
  {
    services: ["alertmanager-operated", "prometheus-operated"],
    chart: ["kube-prometheus-stack", "prometheus-operator"],
    kinds: ["Alertmanager", "Prometheus"],
    what: "the Prometheus operator",
  },
  {
    services: ["kiali"],
    chart: ["kiali-server", "kiali-operator"],
    kinds: ["Kiali"],
    what: "the Kiali chart",
  },
  // The API server, etcd, scheduler and controller-manager run as static pods from the nodes' own files.
  { selector: { tier: "control-plane" }, what: "the control plane's static pods" },
];

/** What a tree shows of its makers: every kind and every object's name (HelmReleases' release names too). */
function treeSigns(objects: ManifestObject[], releases: { names: string[] }[]): Set<string> {
  const signs = new Set<string>();
  for (const o of objects) {
    signs.add(`kind:${String(o.value.kind)}`);
    // A HelmRelease may sit inside another object (a flux-operator ResourceSet named after its chart).
    signs.add(`name:${String(map(o.value.metadata).name)}`);
  }
  for (const r of releases) for (const n of r.names) signs.add(`name:${n}`);
  return signs;
}

/** The known maker that explains a Service name or selector, when the tree shows that maker is there. */
function knownMaker(signs: Set<string>, want: { service?: string; selector?: Json }) {
  return KNOWN_MAKERS.find((m) => {
    const matches = want.service
      ? m.services?.includes(want.service)
      : m.selector && Object.entries(m.selector).every(([k, v]) => want.selector?.[k] === v);
    if (!matches) return false;
    if (!m.chart && !m.kinds) return true;
    return (
      (m.chart ?? []).some((c) => signs.has(`name:${c}`)) ||
      (m.kinds ?? []).some((k) => signs.has(`kind:${k}`))
    );
  });
}

/** Items by a key, for lookups that would otherwise scan the whole tree once per object. */
function indexBy<T>(items: T[], keys: (t: T) => string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items)
    for (const k of keys(t)) {
      const list = out.get(k);
      if (list) list.push(t);
      else out.set(k, [t]);
    }
  return out;
}

/** API groups whose custom resources configure things and never make pods or Services of their own. */
const NO_WORKLOADS =
  /(^|\.)(cert-manager\.io|external-secrets\.io|toolkit\.fluxcd\.io|kyverno\.io|cilium\.io|traefik\.io|traefik\.containo\.us|bitnami\.com|monitoring\.coreos\.com)$/;

/**
 * Names of custom resources that may run workloads: operators label the pods they make with the resource's name
 * (`cnpg.io/cluster: pg`) and name the Services after it (`<name>-es-http`, `<name>-kafka-bootstrap`).
 */
function customResources(objects: ManifestObject[]): { namespace?: string; name: string }[] {
  return objects
    .filter((o) => {
      const group = String(o.value.apiVersion).split("/")[0]!;
      return (
        String(o.value.apiVersion).includes("/") &&
        group.includes(".") &&
        !group.endsWith(".k8s.io") &&
        !NO_WORKLOADS.test(group)
      );
    })
    .map((o) => ({ namespace: namespaceOf(o.value), name: String(map(o.value.metadata).name) }));
}

/** `service-no-pods`: a Service whose selector matches no pod template in the tree, in its namespace. */
export function serviceNoPods(objects: ManifestObject[]): RuleHit[] {
  const pods = objects.flatMap((o) => {
    const t = templateLabels(o.value);
    return t ? [{ namespace: namespaceOf(o.value), labels: map(t.labels) }] : [];
  });
  const releases = helmNames(objects);
  const signs = treeSigns(objects, releases);
  // Pods by each of their labels; release and custom-resource names by name.
  const podsByLabel = indexBy(pods, (p) => Object.entries(p.labels).map(([k, v]) => `${k}=${String(v)}`));
  const releasesByName = indexBy(releases, (r) => r.names);
  const crsByName = indexBy(customResources(objects), (c) => [c.name]);
  return objects.flatMap((obj) => {
    const o = obj.value;
    if (o.kind !== "Service" || o.apiVersion !== "v1") return [];
    const selector = map(map(o.spec).selector);
    const entries = Object.entries(selector);
    if (entries.length === 0 || map(o.spec).type === "ExternalName") return [];
    // A value that is not a string is the schema rule's finding; a `${VAR}` is not known offline.
    if (entries.some(([, v]) => typeof v !== "string" || unknownValue(v))) return [];
    const ns = namespaceOf(o);
    const candidates = podsByLabel.get(`${entries[0]![0]}=${String(entries[0]![1])}`) ?? [];
    if (
      candidates.some((p) => sameNamespace(p.namespace, ns) && entries.every(([k, v]) => p.labels[k] === v))
    )
      return [];
    const named = (index: Map<string, { namespace?: string }[]>) =>
      entries.some(([, v]) => (index.get(String(v)) ?? []).some((x) => sameNamespace(x.namespace, ns)));
    // Helm charts label their pods with the release's name (app.kubernetes.io/instance) or the chart's;
    // an operator labels the pods it makes with the name of the custom resource that asked for them.
    if (named(releasesByName) || named(crsByName) || knownMaker(signs, { selector })) return [];
    const sel = entries.map(([k, v]) => `${k}=${String(v)}`).join(",");
    return [
      {
        rule: "service-no-pods" as const,
        obj,
        path: ["spec", "selector"],
        message: `selector ${sel} matches no pod template in this tree${ns ? ` in namespace ${ns}` : ""}: fix the selector or the workload's labels; if the pods come from a Helm chart or an operator, exempt the Service with ${"slipway.dev/allow"}: "service-no-pods: <why>"`,
      },
    ];
  });
}

/** The Services an Ingress or a Gateway API route sends traffic to, with where each is named. */
function backends(o: Json): { name: string; namespace?: string; path: (string | number)[] }[] {
  const group = String(o.apiVersion).split("/")[0];
  const own = namespaceOf(o);
  const spec = map(o.spec);
  if (o.kind === "Ingress" && o.apiVersion === "networking.k8s.io/v1") {
    const out: { name: string; namespace?: string; path: (string | number)[] }[] = [];
    const name = str(map(map(spec.defaultBackend).service).name);
    if (name) out.push({ name, namespace: own, path: ["spec", "defaultBackend", "service", "name"] });
    list(spec.rules).forEach((r, i) =>
      list(map(map(r).http).paths).forEach((p, j) => {
        const n = str(map(map(map(p).backend).service).name);
        if (n)
          out.push({
            name: n,
            namespace: own,
            path: ["spec", "rules", i, "http", "paths", j, "backend", "service", "name"],
          });
      }),
    );
    return out;
  }
  if (group === "gateway.networking.k8s.io" && /^(HTTP|GRPC|TCP|TLS|UDP)Route$/.test(String(o.kind)))
    return list(spec.rules).flatMap((r, i) =>
      list(map(r).backendRefs).flatMap((b, j) => {
        const ref = map(b);
        const kind = str(ref.kind) ?? "Service";
        const g = str(ref.group) ?? "";
        const name = str(ref.name);
        if (kind !== "Service" || g !== "" || !name) return [];
        return [
          {
            name,
            namespace: str(ref.namespace) ?? own,
            path: ["spec", "rules", i, "backendRefs", j, "name"],
          },
        ];
      }),
    );
  return [];
}

/**
 * `backend-missing`: an Ingress or route backend naming a Service the tree does not hold in that namespace.
 * A warning, never an error: a tree is never known complete offline (Helm charts, operators and other
 * repositories make Services). A Service whose name is, or starts with `<name>-`, the release name of a
 * HelmRelease or the name of an operator's custom resource in that namespace is taken as made by it (charts
 * name theirs `<release>` or `<release>-<part>`, operators `<resource>-<part>`).
 */
export function backendMissing(objects: ManifestObject[]): RuleHit[] {
  const services = indexBy(
    objects
      .filter((o) => o.value.kind === "Service" && o.value.apiVersion === "v1")
      .map((o) => ({ name: str(map(o.value.metadata).name) ?? "", namespace: namespaceOf(o.value) })),
    (s) => [s.name],
  );
  const releases = helmNames(objects);
  const signs = treeSigns(objects, releases);
  const makers = indexBy<{ namespace?: string }>(
    [
      ...releases.flatMap((r) => r.names.map((name) => ({ name, namespace: r.namespace }))),
      ...customResources(objects),
    ],
    (m) => [(m as { name: string }).name],
  );
  return objects.flatMap((obj) =>
    backends(obj.value).flatMap((b) => {
      if (unknownValue(b.name) || unknownValue(b.namespace)) return [];
      if ((services.get(b.name) ?? []).some((s) => sameNamespace(s.namespace, b.namespace))) return [];
      // The name itself and every `-`-cut prefix of it: `cluster-kafka-bootstrap` → cluster, cluster-kafka, ….
      const parts = b.name.split("-");
      const prefixes = parts.map((_, k) => parts.slice(0, k + 1).join("-"));
      const made = prefixes.some((p) =>
        (makers.get(p) ?? []).some((m) => sameNamespace(m.namespace, b.namespace)),
      );
      if (made || knownMaker(signs, { service: b.name })) return [];
      return [
        {
          rule: "backend-missing" as const,
          obj,
          path: b.path,
          message: `backend Service ${b.name}${b.namespace ? ` (namespace ${b.namespace})` : ""} is not in this tree: fix the name, or add the Service; if a Helm chart or an operator makes it, exempt this object with slipway.dev/allow: "backend-missing: <why>"`,
        },
      ];
    }),
  );
}

/** Cross-object rules, as a table: a new rule is a new row. */
export const CROSS_RULES: ((objects: ManifestObject[]) => RuleHit[])[] = [
  selectorMismatch,
  serviceNoPods,
  backendMissing,
];

/** Every cross-object rule over one set of objects. */
export function crossObjectRules(objects: ManifestObject[]): RuleHit[] {
  return CROSS_RULES.flatMap((rule) => rule(objects));
}
