import { readFileSync } from "node:fs";
import { join } from "node:path";
import { closest } from "fastest-levenshtein";
import { assetsDir } from "../core/assets.js";
import { closestName } from "../core/suggest.js";
import { isPrerelease } from "./api-versions.js";
import type { SchemaError } from "./schemas.js";

/** A field's shape as the API server describes it: nothing to check, a definition, or an object/list/map. */
type Shape = 0 | string | { p?: Record<string, Shape>; i?: Shape; a?: Shape; open?: 1 };

interface ApiFields {
  source: { kubernetes: string; flux: string };
  /** `group/version/Kind` (core: `version/Kind`) → definition. */
  kinds: Record<string, string>;
  defs: Record<string, Shape>;
}

let data:
  | (ApiFields & { groups: Set<string>; byKind: Map<string, string[]>; kindsOf: (group: string) => string[] })
  | undefined;

/** The Kubernetes version the bundled API data was read from (`v1.36.3`). */
export function apiFieldsKubernetes(): string {
  return fields().source.kubernetes;
}

/** assets/api-fields.json (scripts/gen-api-fields.mjs: read from a real API server), loaded once. */
function fields() {
  if (data) return data;
  const raw = JSON.parse(readFileSync(join(assetsDir(), "api-fields.json"), "utf8")) as ApiFields;
  const groups = new Set<string>();
  const byKind = new Map<string, string[]>();
  for (const key of Object.keys(raw.kinds)) {
    const parts = key.split("/");
    const kind = parts.pop()!;
    groups.add(parts.length === 2 ? parts[0]! : "");
    byKind.set(kind, [...(byKind.get(kind) ?? []), parts.join("/")]);
  }
  // Groups Kubernetes served once and no longer does at all.
  for (const g of ["extensions"]) groups.add(g);
  const kindsOf = (group: string) =>
    [...byKind.entries()]
      .filter(([, gvs]) => gvs.some((gv) => (group ? gv.startsWith(`${group}/`) : !gv.includes("/"))))
      .map(([k]) => k);
  return (data = { ...raw, groups, byKind, kindsOf });
}

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/**
 * What the API server would refuse about an object's shape: an apiVersion it no longer serves for the kind,
 * and fields its schema does not declare (with the closest declared name). Undefined when the object's API
 * group is not one the bundled data covers (Kubernetes itself and Flux), so other checks decide.
 */
export function apiFieldErrors(obj: Record<string, unknown>): SchemaError[] | undefined {
  const f = fields();
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  // `builtin` is kustomize's own plugin configuration (LabelTransformer, …), not an API object.
  if (apiVersion === "builtin" || !f.groups.has(groupOf(apiVersion))) return undefined;
  const def = f.kinds[`${apiVersion}/${kind}`];
  if (!def) {
    const group = groupOf(apiVersion);
    const served = f.byKind.get(kind)?.filter((gv) => groupOf(gv) === group || (!group && !gv.includes("/")));
    const flux = group.endsWith("fluxcd.io");
    const by = flux ? `Flux ${f.source.flux}` : `Kubernetes ${f.source.kubernetes}`;
    // An alpha or beta version of a kind the group has: it exists, but a default API server does not serve
    // it (the removed ones are decided before, by api-versions.ts).
    if (served?.length && isPrerelease(apiVersion) && !flux)
      return [
        {
          path: ["apiVersion"],
          gated: true,
          message: `${kind} ${apiVersion} is not served by a default ${by} API server: it needs --runtime-config=${apiVersion}=true (and its feature gate) there; ${served.join(" or ")} is served by default. Fields not checked`,
        },
      ];
    const near = served?.length ? undefined : closestName(kind, f.kindsOf(group));
    // A version the kind is not served at is the apiVersion's fault; a kind the group does not have, the kind's.
    return [
      {
        path: [served?.length ? "apiVersion" : "kind"],
        message: served?.length
          ? `${kind} ${apiVersion} is not served by ${by}: use ${served.join(" or ")}`
          : `${apiVersion} has no kind ${kind} in ${by}${near ? ` (did you mean ${near}?)` : " (removed, or never there)"}`,
      },
    ];
  }
  const errors: SchemaError[] = [];
  walk(obj, def, [], errors, f.defs, true);
  return errors;
}

/**
 * Unknown fields under a custom resource's `metadata`: CRD schemas leave it to the API server, which checks it
 * against ObjectMeta like any object's (`metadata.lables` is refused with fieldValidation=Strict).
 */
export function metadataErrors(meta: unknown): SchemaError[] {
  const f = fields();
  const errors: SchemaError[] = [];
  walk(meta, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", ["metadata"], errors, f.defs);
  if (!meta || typeof meta !== "object") return errors;
  // The server decodes these into strings before any schema runs: anything else is refused outright.
  const m = meta as Record<string, unknown>;
  const notString = (v: unknown) => v !== null && v !== undefined && typeof v !== "string";
  for (const k of ["name", "namespace", "generateName"])
    if (notString(m[k])) errors.push({ path: ["metadata", k], message: "must be a string" });
  for (const k of ["labels", "annotations"]) {
    const map = m[k];
    if (!map || typeof map !== "object" || Array.isArray(map)) continue;
    for (const [key, v] of Object.entries(map))
      if (notString(v)) errors.push({ path: ["metadata", k, key], message: "must be a string (quote it)" });
  }
  return errors;
}

function walk(
  v: unknown,
  shape: Shape,
  path: (string | number)[],
  out: SchemaError[],
  defs: Record<string, Shape>,
  root = false,
): void {
  let s = shape;
  for (let i = 0; typeof s === "string" && i < 64; i++) s = defs[s] ?? 0;
  if (s === 0 || typeof s === "string") return;
  if (Array.isArray(v)) {
    if (s.i !== undefined) v.forEach((x, i) => walk(x, s.i!, [...path, i], out, defs));
    return;
  }
  if (!v || typeof v !== "object") return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (root && k === "sops") continue;
    const known = s.p?.[k];
    if (known !== undefined) walk(x, known, [...path, k], out, defs);
    else if (s.a !== undefined) walk(x, s.a, [...path, k], out, defs);
    else if (s.p && !s.open) {
      const names = Object.keys(s.p);
      const near = names.length ? closest(k, names) : undefined;
      out.push({
        path: [...path, k],
        message: `unknown field${near ? ` (did you mean "${near}"?)` : ""}`,
      });
    }
  }
}
