// kubeconform schemas from a live API server's OpenAPI v2 document: one standalone, strict JSON Schema per
// kind, named as kubeconform looks them up ({kind}-{group}-{version}.json, lower case). Strict as the schemas
// kubeconform publishes are: an object with listed properties allows no others (unless the API says it keeps
// unknown fields), optional fields may be null, int-or-string and quantities take either type.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Schema = Record<string, unknown>;
interface Swagger {
  definitions: Record<string, Schema>;
}

const REF = "#/definitions/";
const isMap = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/** One definition made strict (see the file comment); $refs stay, pointing into the file's own definitions. */
function strict(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(strict);
  if (!isMap(s)) return s;
  if (s.format === "int-or-string" || s["x-kubernetes-int-or-string"] === true)
    return { oneOf: [{ type: "string" }, { type: "integer" }] };
  const out: Schema = {};
  for (const [k, v] of Object.entries(s))
    out[k] = k === "properties" || k === "definitions" ? mapValues(v, strict) : strict(v);
  if (isMap(out.properties)) {
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([k, v]) => [k, required.has(k) ? v : nullable(v)]),
    );
    if (out.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true)
      out.additionalProperties = false;
  }
  return out;
}

function mapValues(v: unknown, f: (x: unknown) => unknown): unknown {
  return isMap(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f(x)])) : v;
}

function nullable(v: unknown): unknown {
  if (!isMap(v)) return v;
  if (typeof v.type === "string") return { ...v, type: [v.type, "null"] };
  if (v.$ref || v.oneOf) return { oneOf: [v.$ref ? { $ref: v.$ref } : { oneOf: v.oneOf }, { type: "null" }] };
  return v;
}

function refsOf(s: unknown, out: Set<string>, defs: Record<string, Schema>): void {
  if (Array.isArray(s)) s.forEach((x) => refsOf(x, out, defs));
  else if (isMap(s)) {
    for (const [k, v] of Object.entries(s)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith(REF)) {
        const name = v.slice(REF.length);
        if (!out.has(name)) {
          out.add(name);
          refsOf(defs[name], out, defs);
        }
      } else refsOf(v, out, defs);
    }
  }
}

/** Writes one schema per kind the API server serves into `dir`; returns how many. */
export function writeKubeconformSchemas(swagger: Swagger, dir: string): number {
  mkdirSync(dir, { recursive: true });
  const defs = swagger.definitions;
  // Quantities are strings in the document but numbers in manifests (cpu: 1) are fine to the server.
  const fixed: Record<string, Schema> = { ...defs };
  const quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  if (fixed[quantity]) fixed[quantity] = { oneOf: [{ type: "string" }, { type: "number" }] };
  let n = 0;
  for (const def of Object.values(fixed)) {
    const gvks = def["x-kubernetes-group-version-kind"] as
      { group: string; version: string; kind: string }[] | undefined;
    if (!gvks) continue;
    const used = new Set<string>();
    refsOf(def, used, fixed);
    const definitions = Object.fromEntries([...used].map((u) => [u, strict(fixed[u])]));
    const schema = { ...(strict(def) as Schema), definitions };
    for (const g of gvks) {
      const file = `${g.kind}${g.group ? `-${g.group.split(".")[0]}` : ""}-${g.version}`.toLowerCase();
      writeFileSync(join(dir, `${file}.json`), JSON.stringify(schema));
      n++;
    }
  }
  return n;
}
