import type { StackOrigin } from "./render-origins.js";

/** One finding of `validate manifests`. */
export interface ManifestFinding {
  severity: "error" | "warning";
  rule: string;
  file: string;
  line?: number;
  object?: { apiVersion?: string; kind?: string; name?: string; namespace?: string };
  message: string;
  /** In a tree `slipway render` wrote: the stack value behind the line (or the renderer that computed it). */
  origin?: StackOrigin;
}

/** A Kubernetes object read from a file, with what is needed to point into it. */
export interface ManifestObject {
  file: string;
  /** 1-based line of the document's first key. */
  line: number;
  value: Record<string, unknown>;
  /** Line of a path inside the object (for schema errors), when it can be found. */
  lineOf(path: (string | number)[]): number;
}

export const RULES = {
  schema: "error",
  "schema-drift": "warning",
  "api-removed": "error",
  "api-version": "warning",
  "kustomize-build": "error",
  "flux-reference": "error",
  "plaintext-secret": "error",
  "image-unpinned": "warning",
  "helm-chart-unpinned": "warning",
  "no-requests": "warning",
  "appproject-wildcard": "warning",
  "tenant-default-deny": "error",
  "tenant-quota": "error",
  "selector-mismatch": "error",
  "service-no-pods": "warning",
  "backend-missing": "warning",
  "secret-generator-plaintext": "error",
  "server-dry-run": "error",
} as const;
export type RuleId = keyof typeof RULES;

/** The label slipway's tenants renderer puts on every tenant namespace. */
export const TENANT_LABEL = "slipway.dev/tenant";
/** `slipway.dev/allow: "<rule>: <reason>"` exempts an object from a rule. */
export const ALLOW_ANNOTATION = "slipway.dev/allow";
