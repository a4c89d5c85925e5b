import { createRequire } from "node:module";
import { retypeVariables } from "./flux-vars.js";

const require = createRequire(import.meta.url);

/** kubernetes-models (core kinds) and its CRD packages, tried in this order. */
const PACKAGES = [
  "kubernetes-models",
  "@kubernetes-models/flux-cd",
  "@kubernetes-models/argo-cd",
  "@kubernetes-models/prometheus-operator",
  "@kubernetes-models/cert-manager",
  "@kubernetes-models/traefik",
];

interface Model {
  new (data: Record<string, unknown>): { validate(): void };
}

const models = new Map<string, Model | null>();
const fromCrdPackage = new Set<string>();

/** The model class for an apiVersion and kind, or null when no package knows the kind. */
export function modelFor(apiVersion: string, kind: string): Model | null {
  const key = `${apiVersion}/${kind}`;
  let m = models.get(key);
  if (m === undefined) {
    m = null;
    const sub = `${apiVersion}/${kind}`;
    if (/^[A-Za-z0-9.-]+(\/[A-Za-z0-9.-]+)?\/[A-Za-z0-9]+$/.test(sub)) {
      for (const pkg of PACKAGES) {
        try {
          const mod = require(`${pkg}/${sub}`) as Record<string, Model>;
          if (mod[kind]) {
            m = mod[kind]!;
            if (pkg !== PACKAGES[0]) fromCrdPackage.add(key);
            break;
          }
        } catch {
          /* not in this package */
        }
      }
    }
    models.set(key, m);
  }
  return m;
}

export interface SchemaError {
  path: (string | number)[];
  message: string;
  /**
   * The bundled CRD schema may be older than the controller the repository targets (a new enum value,
   * a new field in the same API version): such errors are reported as `schema-drift` warnings.
   */
  drift?: boolean;
  /** An undeclared field: the API server's own field list (api-fields.ts) decides those where it can. */
  unknownField?: boolean;
  /** An API version that exists but that a default API server does not serve (a warning, fields unchecked). */
  gated?: boolean;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

const VAR = /\$\{[^}]*\}/;
const RANK: Record<string, number> = {
  required: 0,
  additionalProperties: 0,
  format: 0,
  enum: 0,
  pattern: 1,
  type: 3,
  oneOf: 4,
  anyOf: 4,
  allOf: 4,
  if: 4,
};

/**
 * Validates an object against its schema. Returns undefined for an unknown kind. What the schema cannot
 * judge is taken out first: the `sops` block and `ENC[…]` values of encrypted files, and Flux post-build
 * variables (`${VAR}`), whose real values only exist in the cluster — errors under them are dropped.
 */
export function schemaErrors(obj: Record<string, unknown>): SchemaError[] | undefined {
  const Model = modelFor(String(obj.apiVersion), String(obj.kind));
  if (!Model) return undefined;
  const crd = fromCrdPackage.has(`${String(obj.apiVersion)}/${String(obj.kind)}`);
  const varPaths: string[] = [];
  const clean = prepare(obj, [], varPaths) as Record<string, unknown>;
  try {
    new Model(clean).validate();
    return [];
  } catch (e) {
    let raw = (e as { errors?: AjvError[] }).errors ?? [];
    // Flux variables in fields of another type are checked again with typed placeholders (flux-vars.ts).
    const types = raw.filter((a) => a.keyword === "type");
    const retyped = retypeVariables(
      clean,
      types.map((a) => ({ path: toSchemaError(a).path, type: a.params?.type })),
      varPaths,
    );
    if (retyped)
      try {
        new Model(retyped).validate();
        raw = [];
      } catch (again) {
        raw = (again as { errors?: AjvError[] }).errors ?? [];
      }
    // One message per place, the most telling one: a format or enum says more than "must be number".
    const byPath = new Map<string, { err: SchemaError; rank: number }>();
    for (const a of raw) {
      const err = toSchemaError(a);
      if (crd && (a.keyword === "enum" || a.keyword === "additionalProperties")) err.drift = true;
      const key = err.path.join("/");
      if (varPaths.some((v) => key === v || key.startsWith(v + "/"))) continue;
      const rank = RANK[a.keyword] ?? 2;
      const seen = byPath.get(key);
      if (!seen || rank < seen.rank) byPath.set(key, { err, rank });
    }
    return [...byPath.values()].map((x) => x.err);
  }
}

function toSchemaError(a: AjvError): SchemaError {
  const path: (string | number)[] = a.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (a.keyword === "required" && typeof a.params?.missingProperty === "string") {
    return {
      path: [...path, a.params.missingProperty],
      message: `missing required field "${a.params.missingProperty}"`,
    };
  }
  if (a.keyword === "additionalProperties" && typeof a.params?.additionalProperty === "string") {
    return {
      path: [...path, a.params.additionalProperty],
      message: `unknown field "${a.params.additionalProperty}"`,
      unknownField: true,
    };
  }
  if (a.keyword === "enum" && Array.isArray(a.params?.allowedValues)) {
    return {
      path,
      message: `must be one of ${(a.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
    };
  }
  return { path, message: a.message ?? a.keyword };
}

function prepare(v: unknown, path: (string | number)[], varPaths: string[]): unknown {
  if (typeof v === "string") {
    if (v.startsWith("ENC[AES256_GCM,")) return "cGxhY2Vob2xkZXI=";
    if (VAR.test(v)) varPaths.push(path.join("/"));
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => prepare(x, [...path, i], varPaths));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (path.length === 0 && k === "sops") continue;
      out[k] = prepare(x, [...path, k], varPaths);
    }
    return out;
  }
  return v;
}
