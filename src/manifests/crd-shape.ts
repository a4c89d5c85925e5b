/**
 * A CustomResourceDefinition's schema reduced to what offline validation checks: field names, types, enums,
 * required fields, string patterns, open maps and `x-kubernetes-preserve-unknown-fields`. Descriptions,
 * formats, bounds and CEL rules are dropped (they only add constraints, so leaving them out can miss an error
 * but never invent one). Used by scripts/gen-crd-schemas.mjs for the bundled data and at run time for CRDs
 * given with `--crds` or found in the tree being validated.
 */

/** Compact type codes: object, array, string, integer, number, boolean, int-or-string. */
export type TypeCode = "o" | "a" | "s" | "i" | "n" | "b" | "x";

/** 0: nothing to check; a string: a shared definition (`defs`); an object: what to check here. */
export type CrdShape =
  | 0
  | string
  | {
      t?: TypeCode;
      /** Declared properties. */
      p?: Record<string, CrdShape>;
      /** Required property names. */
      r?: string[];
      /** Schema of every other property (a typed map). */
      a?: CrdShape;
      /** Schema of array items. */
      i?: CrdShape;
      /** Allowed values. */
      e?: unknown[];
      /** The pattern a string must match (ECMA-262, as the API server reads it). */
      m?: string;
      /** Any other property is accepted (preserve-unknown-fields, additionalProperties: true). */
      open?: 1;
      /** An embedded object (x-kubernetes-embedded-resource): apiVersion, kind and metadata are implied. */
      emb?: 1;
    };

/** One served version of a CRD kind. */
export interface CrdVersion {
  shape: CrdShape;
  /** The CRD's deprecationWarning (or a plain note) when the version is marked deprecated. */
  deprecated?: string;
}

const TYPES: Record<string, TypeCode> = {
  object: "o",
  array: "a",
  string: "s",
  integer: "i",
  number: "n",
  boolean: "b",
};

type Json = Record<string, unknown>;

/** One openAPIV3Schema node in compact form. */
export function shapeOf(s: unknown): CrdShape {
  if (!s || typeof s !== "object") return 0;
  const n = s as Json;
  const out: Exclude<CrdShape, 0 | string> = {};
  if (n["x-kubernetes-int-or-string"] === true) out.t = "x";
  else if (typeof n.type === "string" && TYPES[n.type]) out.t = TYPES[n.type];
  if (n.properties && typeof n.properties === "object") {
    out.p = Object.fromEntries(
      Object.entries(n.properties as Json)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  }
  if (Array.isArray(n.required) && n.required.length)
    out.r = [...(n.required as unknown[]).filter((x): x is string => typeof x === "string")].sort();
  if (n.additionalProperties && typeof n.additionalProperties === "object")
    out.a = shapeOf(n.additionalProperties);
  if (n.additionalProperties === true || n["x-kubernetes-preserve-unknown-fields"] === true) out.open = 1;
  if (n.items && typeof n.items === "object") out.i = shapeOf(n.items);
  if (Array.isArray(n.enum)) out.e = n.enum;
  if (typeof n.pattern === "string") out.m = n.pattern;
  if (n["x-kubernetes-embedded-resource"] === true) out.emb = 1;
  // An object with neither declared properties nor a map schema is free-form: nothing under it to check.
  if (out.t === "o" && !out.p && out.a === undefined) out.open = 1;
  return Object.keys(out).length ? out : 0;
}

/** `group/version/Kind` → schema of every served version a CRD object declares. */
export function crdVersions(crd: Json): Map<string, CrdVersion> {
  const out = new Map<string, CrdVersion>();
  const spec = (crd.spec ?? {}) as Json;
  const group = spec.group;
  const kind = ((spec.names ?? {}) as Json).kind;
  if (typeof group !== "string" || typeof kind !== "string") return out;
  const shared = ((spec.validation ?? {}) as Json).openAPIV3Schema; // apiextensions v1beta1
  for (const v of (spec.versions as Json[] | undefined) ?? []) {
    if (!v || typeof v.name !== "string" || v.served === false) continue;
    const schema = ((v.schema ?? {}) as Json).openAPIV3Schema ?? shared;
    if (!schema) continue;
    const deprecated =
      v.deprecated === true
        ? typeof v.deprecationWarning === "string"
          ? v.deprecationWarning
          : `${group}/${v.name} ${kind} is deprecated`
        : undefined;
    out.set(`${group}/${v.name}/${kind}`, { shape: shapeOf(schema), ...(deprecated ? { deprecated } : {}) });
  }
  return out;
}

/** True for an apiextensions CustomResourceDefinition object. */
export function isCrd(o: Json): boolean {
  return (
    o.kind === "CustomResourceDefinition" &&
    typeof o.apiVersion === "string" &&
    o.apiVersion.startsWith("apiextensions.k8s.io/")
  );
}

/**
 * Shares repeated subtrees (the PodSpec that prometheus-operator repeats in every kind, Gateway API's route
 * matches): every object node that occurs more than once and is not tiny becomes one entry of `defs`, and
 * its uses a reference to it. Names are short and stable: the order of first appearance.
 */
export function shareShapes(kinds: Record<string, CrdVersion>): {
  kinds: Record<string, CrdVersion>;
  defs: Record<string, CrdShape>;
} {
  const count = new Map<string, number>();
  const key = (s: CrdShape): string => JSON.stringify(s);
  const tally = (s: CrdShape): void => {
    if (!s || typeof s !== "object") return;
    const k = key(s);
    count.set(k, (count.get(k) ?? 0) + 1);
    if ((count.get(k) ?? 0) > 1) return; // its children are already counted once per distinct tree
    for (const c of Object.values(s.p ?? {})) tally(c);
    if (s.a !== undefined) tally(s.a);
    if (s.i !== undefined) tally(s.i);
  };
  for (const v of Object.values(kinds)) tally(v.shape);
  const names = new Map<string, string>();
  const defs: Record<string, CrdShape> = {};
  const rewrite = (s: CrdShape): CrdShape => {
    if (!s || typeof s !== "object") return s;
    const k = key(s);
    const shared = (count.get(k) ?? 0) > 1 && k.length > 60;
    if (shared && names.has(k)) return names.get(k)!;
    const name = shared ? `d${names.size}` : undefined;
    if (name) names.set(k, name);
    const out: Exclude<CrdShape, 0 | string> = { ...s };
    if (s.p) out.p = Object.fromEntries(Object.entries(s.p).map(([n, c]) => [n, rewrite(c)]));
    if (s.a !== undefined) out.a = rewrite(s.a);
    if (s.i !== undefined) out.i = rewrite(s.i);
    if (!name) return out;
    defs[name] = out;
    return name;
  };
  const outKinds: Record<string, CrdVersion> = {};
  for (const [gvk, v] of Object.entries(kinds)) outKinds[gvk] = { ...v, shape: rewrite(v.shape) };
  return { kinds: outKinds, defs };
}
