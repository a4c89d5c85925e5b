import { stringify } from "yaml";

type Json = Record<string, unknown>;

const FIRST = ["apiVersion", "kind", "metadata"];

/** Canonical key order: apiVersion, kind, metadata first, the rest sorted, recursively (metadata keys sorted too). */
export function canonical(v: unknown, top = true): unknown {
  if (Array.isArray(v)) return v.map((x) => canonical(x, false));
  if (!v || typeof v !== "object") return v;
  const o = v as Json;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  const first = top ? FIRST.filter((k) => k in o) : [];
  const rest = keys.filter((k) => !first.includes(k)).sort();
  const out: Json = {};
  for (const k of [...first, ...rest]) out[k] = canonical(o[k], false);
  return out;
}

/** Objects as one YAML stream, byte-stable: canonical keys, `---` between documents. */
export function toYamlStream(objects: unknown[]): string {
  return objects
    .map((o) => stringify(canonical(o), { lineWidth: 0, aliasDuplicateObjects: false }))
    .join("---\n");
}
