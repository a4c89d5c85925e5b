import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import jsyaml from "js-yaml";
import { assetsDir } from "../core/assets.js";
import { SlipwayError } from "../core/errors.js";
import { closestName } from "../core/suggest.js";
import { crdVersions, isCrd, type CrdShape, type CrdVersion } from "./crd-shape.js";
import type { SchemaError } from "./schemas.js";

interface BundledSchemas {
  sources: Record<string, string>;
  /** API group → the source (a key of `sources`) whose CRDs define it. */
  groups: Record<string, string>;
  kinds: Record<string, CrdVersion>;
  defs: Record<string, CrdShape>;
}

/** The CRD kinds one validation run knows: the bundled ones, overridden by CRDs the user gives or has in the tree. */
export interface CrdCatalog {
  kinds: Map<string, CrdVersion>;
  defs: Record<string, CrdShape>;
  /** API group → where its CRDs came from ("cert-manager v1.21.2", "CRDs in the tree"). */
  groups: Map<string, string>;
  /** group → kind → versions served. */
  byGroup: Map<string, Map<string, string[]>>;
}

let bundled: BundledSchemas | undefined;

/** assets/crd-schemas/schemas.json (scripts/gen-crd-schemas.mjs), loaded once. */
function bundle(): BundledSchemas {
  return (bundled ??= JSON.parse(
    readFileSync(join(assetsDir(), "crd-schemas", "schemas.json"), "utf8"),
  ) as BundledSchemas);
}

/** The bundled sources and their versions, for messages and `--format json`. */
export function bundledSources(): Record<string, string> {
  return bundle().sources;
}

/** A catalog of the bundled CRDs plus `extra` CRD objects (each tagged with where it came from). */
export function crdCatalog(extra: { crd: Record<string, unknown>; from: string }[] = []): CrdCatalog {
  const b = bundle();
  const kinds = new Map(Object.entries(b.kinds));
  const groups = new Map(Object.entries(b.groups).map(([g, s]) => [g, `${s} ${b.sources[s] ?? ""}`.trim()]));
  for (const { crd, from } of extra) {
    const versions = crdVersions(crd);
    // A user's CRD replaces every bundled version of its kind: the versions it serves are the ones installed.
    const [first] = versions.keys();
    if (first) {
      const [group, , kind] = first.split("/");
      for (const k of [...kinds.keys()])
        if (k.startsWith(`${group}/`) && k.endsWith(`/${kind}`)) kinds.delete(k);
      groups.set(group!, from);
    }
    for (const [gvk, v] of versions) kinds.set(gvk, v);
  }
  const byGroup = new Map<string, Map<string, string[]>>();
  for (const gvk of kinds.keys()) {
    const [group, version, kind] = gvk.split("/") as [string, string, string];
    const g = byGroup.get(group) ?? new Map<string, string[]>();
    g.set(kind, [...(g.get(kind) ?? []), version]);
    byGroup.set(group, g);
  }
  return { kinds, defs: b.defs, groups, byGroup };
}

/** CustomResourceDefinitions in the YAML files under a folder (`--crds DIR`); an unreadable one is a usage error. */
export function readCrdDir(dir: string): { crd: Record<string, unknown>; from: string }[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new SlipwayError({
      code: "usage",
      message: `--crds ${dir}: no such file or folder`,
      hint: "give a folder (or file) of CustomResourceDefinition YAML",
    });
  }
  const files = st.isDirectory() ? yamlFilesUnder(dir) : [dir];
  const out: { crd: Record<string, unknown>; from: string }[] = [];
  for (const file of files) {
    let docs: unknown[];
    try {
      docs = jsyaml.loadAll(readFileSync(file, "utf8"));
    } catch (e) {
      const mark = (e as { mark?: { line: number; column: number } }).mark;
      throw new SlipwayError({
        code: "usage",
        message: `--crds: ${(e as Error).message.split("\n")[0]}`,
        file,
        ...(mark ? { line: mark.line + 1, col: mark.column + 1 } : {}),
        hint: "fix the YAML or leave the file out of the --crds folder",
      });
    }
    for (const d of docs)
      if (d && typeof d === "object" && isCrd(d as Record<string, unknown>))
        out.push({ crd: d as Record<string, unknown>, from: `CRDs from ${dir}` });
  }
  return out;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) =>
      d.isDirectory() && !d.name.startsWith(".")
        ? yamlFilesUnder(join(dir, d.name))
        : d.isFile() && /\.(ya?ml|json)$/.test(d.name)
          ? [join(dir, d.name)]
          : [],
    );
}

/** What a CRD lookup found: the schema errors (and a deprecation note), or undefined when no CRD covers the group. */
export interface CrdResult {
  errors: SchemaError[];
  deprecated?: string;
}

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/**
 * Checks an object of a CRD kind as the API server would: its version must be served, and its fields must be
 * declared (unless the schema keeps unknown fields), of the declared type and enum, with required ones present.
 * Undefined when no known CRD defines the object's API group.
 */
export function crdErrors(obj: Record<string, unknown>, cat: CrdCatalog): CrdResult | undefined {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  const group = groupOf(apiVersion);
  const kindsOfGroup = group ? cat.byGroup.get(group) : undefined;
  if (!kindsOfGroup) return undefined;
  const v = cat.kinds.get(`${apiVersion}/${kind}`);
  if (!v) {
    const from = cat.groups.get(group) ?? "the bundled CRDs";
    const served = kindsOfGroup.get(kind);
    const near = closestName(kind, [...kindsOfGroup.keys()]);
    const message = served
      ? `${kind} ${apiVersion} is not served by the CRDs of ${from}: use ${served.map((x) => `${group}/${x}`).join(" or ")}`
      : `${group} has no kind ${kind} in the CRDs of ${from}${near ? ` (did you mean ${near}?)` : ""}; if your release is newer, pass its CRDs with --crds DIR`;
    return { errors: [{ path: [served ? "apiVersion" : "kind"], message }] };
  }
  const errors: SchemaError[] = [];
  check(obj, v.shape, [], errors, cat.defs, true);
  return { errors, ...(v.deprecated ? { deprecated: v.deprecated } : {}) };
}

const VAR = /\$\{[^}]*\}/;
const patterns = new Map<string, RegExp | null>();
/** A schema's pattern compiled once; null (not checked) for one JavaScript cannot read. */
function patternOf(source: string): RegExp | null {
  let re = patterns.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, "u");
    } catch {
      re = null;
    }
    patterns.set(source, re);
  }
  return re;
}
const TYPE_NAMES = {
  o: "an object",
  a: "a list",
  s: "a string",
  i: "an integer",
  n: "a number",
  b: "a boolean",
  x: "an integer or a string",
} as const;

function typeOk(v: unknown, t: keyof typeof TYPE_NAMES): boolean {
  switch (t) {
    case "o":
      return typeof v === "object" && !Array.isArray(v);
    case "a":
      return Array.isArray(v);
    case "s":
      return typeof v === "string";
    case "i":
      return Number.isInteger(v);
    case "n":
      return typeof v === "number";
    case "b":
      return typeof v === "boolean";
    case "x":
      return typeof v === "string" || Number.isInteger(v);
  }
}

const describe = (v: unknown) =>
  Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;

function check(
  v: unknown,
  shape: CrdShape,
  path: (string | number)[],
  out: SchemaError[],
  defs: Record<string, CrdShape>,
  root = false,
): void {
  let s = shape;
  for (let i = 0; typeof s === "string" && i < 64; i++) s = defs[s] ?? 0;
  // null: the API server prunes it (fields without nullable: true) before it validates.
  if (s === 0 || typeof s === "string" || v === null || v === undefined) return;
  // Flux post-build variables and SOPS values only get their real value in the cluster.
  if (typeof v === "string" && (VAR.test(v) || v.startsWith("ENC[AES256_GCM,"))) return;
  if (s.t && !typeOk(v, s.t)) {
    out.push({ path, message: `must be ${TYPE_NAMES[s.t]}, not ${describe(v)}` });
    return;
  }
  if (s.e && !s.e.some((x) => x === v)) {
    const near =
      typeof v === "string"
        ? closestName(
            v,
            s.e.filter((x) => typeof x === "string"),
          )
        : undefined;
    out.push({
      path,
      message: `${JSON.stringify(v)} is not one of ${s.e.map((x) => JSON.stringify(x)).join(", ")}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ""}`,
    });
    return;
  }
  if (s.m !== undefined && typeof v === "string" && !patternOf(s.m)?.test(v)) {
    if (patternOf(s.m)) out.push({ path, message: `${JSON.stringify(v)} does not match ${s.m}` });
    return;
  }
  if (Array.isArray(v)) {
    if (s.i !== undefined) v.forEach((x, i) => check(x, s.i!, [...path, i], out, defs));
    return;
  }
  if (typeof v !== "object") return;
  const o = v as Record<string, unknown>;
  for (const r of s.r ?? [])
    if (!(r in o)) out.push({ path: [...path, r], message: `missing required field "${r}"` });
  for (const [k, x] of Object.entries(o)) {
    const known = s.p?.[k];
    if (known !== undefined) check(x, known, [...path, k], out, defs);
    else if (s.a !== undefined) check(x, s.a, [...path, k], out, defs);
    else if (s.open) continue;
    else if ((root || s.emb) && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
    else if (root && k === "sops") continue;
    else {
      const names = Object.keys(s.p ?? {});
      const near = closestName(k, names);
      const hint = near
        ? ` (did you mean "${near}"?)`
        : names.length
          ? ` (fields here: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""})`
          : "";
      out.push({
        path: [...path, k],
        message: `unknown field "${k}"${hint}`,
        unknownField: true,
      });
    }
  }
}
