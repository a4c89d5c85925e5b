import { apiFieldErrors, apiFieldsKubernetes, metadataErrors } from "./api-fields.js";
import { parseKubeVersion, removedApi, type KubeVersion } from "./api-versions.js";
import { crdErrors, type CrdCatalog } from "./crd-schemas.js";
import { schemaErrors } from "./schemas.js";
import type { RuleId } from "./types.js";

/** One schema finding about an object, with the rule it falls under. */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
  rule: RuleId;
}

/**
 * How much of an object a schema judged: `full` (a CRD schema, or the API server's field names plus the model's
 * types), `fields` (field names only), `none` (no schema: counted and listed, and a failure under --strict).
 */
export type Coverage = "full" | "fields" | "none";

export interface SchemaContext {
  catalog: CrdCatalog;
  kubernetes: KubeVersion;
  /** The tree installs Flux through flux-operator (see installsFluxOperator), which patches Flux's CRDs. */
  fluxOperator?: boolean;
}

/**
 * The kinds flux-operator adds to the `eventSources` enum of Flux's Alert CRD when it installs Flux (upstream
 * Flux's CRD lists only the toolkit's own kinds, and an API server with it refuses these).
 */
const FLUX_OPERATOR_EVENT_KINDS = new Set(["FluxInstance", "ResourceSet", "ResourceSetInputProvider"]);

/**
 * True when the tree installs Flux with flux-operator: one of its own kinds (fluxcd.controlplane.io), or a
 * source or release of its charts (ghcr.io/controlplaneio-fluxcd/charts/flux-operator, flux-instance).
 */
export function installsFluxOperator(objects: { value: Record<string, unknown> }[]): boolean {
  return objects.some(({ value: o }) => {
    if (typeof o.apiVersion === "string" && o.apiVersion.startsWith("fluxcd.controlplane.io/")) return true;
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    if ((o.kind === "OCIRepository" || o.kind === "HelmRepository") && typeof spec.url === "string")
      return spec.url.includes("controlplaneio-fluxcd");
    if (o.kind !== "HelmRelease") return false;
    const chart = ((spec.chart ?? {}) as { spec?: { chart?: unknown } }).spec?.chart;
    return chart === "flux-operator" || chart === "flux-instance";
  });
}

/** An Alert's event source of a flux-operator kind: refused by upstream Flux's CRD, accepted by the patched one. */
function fluxOperatorEventKind(obj: Record<string, unknown>, path: (string | number)[]): string | undefined {
  if (obj.kind !== "Alert" || !String(obj.apiVersion).startsWith("notification.toolkit.fluxcd.io/")) return;
  if (path.length !== 4 || path[0] !== "spec" || path[1] !== "eventSources" || path[3] !== "kind") return;
  const sources = ((obj.spec ?? {}) as { eventSources?: { kind?: unknown }[] }).eventSources;
  const kind = sources?.[path[2] as number]?.kind;
  return typeof kind === "string" && FLUX_OPERATOR_EVENT_KINDS.has(kind) ? kind : undefined;
}

/** The Kubernetes version the bundled API data was read from: the default of `--kubernetes-version`. */
export function bundledKubeVersion(): KubeVersion {
  // The same data the field check loads: read and parsed once.
  return parseKubeVersion(apiFieldsKubernetes());
}

/**
 * Every schema check of one object, in the order that decides: the table of removed built-in APIs, then a CRD
 * schema (the user's, the tree's, the bundled ones), then the API server's field names with kubernetes-models'
 * types for built-in kinds.
 */
export function checkObjectSchema(
  obj: Record<string, unknown>,
  ctx: SchemaContext,
): { issues: SchemaIssue[]; coverage: Coverage } {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  const removal = removedApi(apiVersion, kind, ctx.kubernetes);
  if (removal?.removed)
    return {
      issues: [{ path: ["apiVersion"], message: removal.message, rule: "api-removed" }],
      coverage: "full",
    };
  const issues: SchemaIssue[] = [];
  if (removal) issues.push({ path: ["apiVersion"], message: removal.message, rule: "api-version" });

  const crd = crdErrors(obj, ctx.catalog);
  if (crd) {
    if (crd.deprecated) issues.push({ path: ["apiVersion"], message: crd.deprecated, rule: "api-version" });
    const meta = crd.errors.length && isTypeError(crd.errors[0]!.path) ? [] : metadataErrors(obj.metadata);
    for (const e of [...meta, ...crd.errors]) {
      const operatorKind = fluxOperatorEventKind(obj, e.path);
      if (operatorKind && ctx.fluxOperator) continue;
      const hint = operatorKind
        ? `; flux-operator adds ${operatorKind} to this CRD when it installs Flux, and no flux-operator install is in this tree`
        : "";
      issues.push({ path: e.path, message: e.message + hint, rule: "schema" });
    }
    return { issues, coverage: "full" };
  }

  // A deprecated version still served at the chosen Kubernetes version is not in the bundled (newer) field
  // data, so only the model judges it.
  const api = removal ? undefined : apiFieldErrors(obj);
  const gated = api?.find((e) => e.gated);
  if (gated) {
    issues.push({ path: gated.path, message: gated.message, rule: "api-version" });
    return { issues, coverage: "none" };
  }
  const model = schemaErrors(obj);
  if (model === undefined && api === undefined) return { issues, coverage: "none" };
  // A version or kind the API server does not have is judged in full: it is refused.
  if (api?.some((e) => isTypeError(e.path)))
    return {
      issues: [...issues, ...api.map((e) => ({ path: e.path, message: e.message, rule: "schema" as const }))],
      coverage: "full",
    };
  // The API server's own field names decide unknown fields and served versions where the bundled data
  // covers the API group; the model schemas check types and required fields.
  for (const e of [...(api ?? []), ...(model ?? []).filter((e) => !(api && e.unknownField))])
    issues.push({ path: e.path, message: e.message, rule: e.drift ? "schema-drift" : "schema" });
  return { issues, coverage: model === undefined ? "fields" : "full" };
}

/** An error about the object's type itself (a version not served, a kind the group does not have). */
function isTypeError(path: (string | number)[]): boolean {
  return path.length === 1 && (path[0] === "apiVersion" || path[0] === "kind");
}
