import { createRequire } from "node:module";
import type { Node as YamlNode } from "yaml";
import { SlipwayError } from "../core/errors.js";
import { placed, type Warning } from "../core/place.js";
import type { Origin } from "../stack/types.js";
import { emitYaml } from "../yaml/emit.js";

export type OutputFormat = "yaml" | "json";

// Loaded only for YAML output: `--format json` of a large repository should not pay for it.
const require = createRequire(import.meta.url);
const yaml = (): typeof import("yaml") => require("yaml") as typeof import("yaml");

/** Parses `--format`; anything else is a usage error. */
export function outputFormat(v: unknown): OutputFormat {
  if (v === undefined) return "yaml";
  if (v === "yaml" || v === "json") return v;
  throw new SlipwayError({
    code: "usage",
    message: `--format must be yaml or json, not "${String(v)}"`,
    hint: "use --format yaml or --format json",
  });
}

/**
 * Data as YAML or JSON; deterministic for the same input. Plain data takes the fast YAML writer (its
 * pinned style: src/yaml/emit.ts); anything else (a bare scalar, a class instance) the `yaml` library.
 */
export function formatData(data: unknown, format: OutputFormat): string {
  if (format === "json") return JSON.stringify(data, null, 2) + "\n";
  return emitYaml(data) ?? libraryYaml(data);
}

/** The `yaml` library's block style with the same options as the fast writer's. */
export function libraryYaml(data: unknown): string {
  return yaml().stringify(data, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * A map written entry by entry, byte-identical to formatting the whole map at once: JSON gets the same
 * two-space indentation, YAML the same top-level block mapping.
 */
export function* mapChunks(entries: Iterable<[string, unknown]>, format: OutputFormat): Generator<string> {
  let first = true;
  for (const [key, value] of entries) {
    if (format === "json") {
      // Stringifying {key: value} indents the value as the whole map would; drop the braces around it.
      const one = JSON.stringify({ [key]: value }, null, 2);
      yield (first ? "{\n" : ",\n") + one.slice(2, -2);
    } else {
      yield formatData({ [key]: value }, "yaml");
    }
    first = false;
  }
  if (format === "json") yield first ? "{}\n" : "\n}\n";
  else if (first) yield "{}\n";
}

/** YAML with each value's origin as a trailing comment; JSON with a `provenance` map beside the data. */
export function formatWithProvenance(
  data: Record<string, unknown>,
  origins: Record<string, Origin>,
  format: OutputFormat,
): string {
  if (format === "json") return formatData({ ...data, provenance: origins }, "json");
  const { Document, isMap, isScalar, isSeq } = yaml();
  const doc = new Document(data, { aliasDuplicateObjects: false });
  const annotate = (node: unknown, path: string) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const p = path ? `${path}.${key}` : key;
        const o = origins[p];
        if (o) (pair.value as YamlNode).comment = ` ${describeOrigin(o)}`;
        else annotate(pair.value, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => annotate(item, `${path}[${i}]`));
    }
  };
  annotate(doc.contents, "");
  return doc.toString({ lineWidth: 0 });
}

/** `catalog/proxmox.yaml:12 (global) ← deploy/pve-prod` */
export function describeOrigin(o: Origin): string {
  const at = o.line ? `${o.file}:${o.line}` : o.file;
  const via = o.chain.length > 1 ? ` ← ${o.chain.slice(0, -1).reverse().join(" ← ")}` : "";
  return `${at} (${o.level})${via}`;
}

/** `file:line:col: message` + `hint:`, paths relative to the working folder. */
export function formatError(e: SlipwayError, cwd: string): string {
  return placed(e, `error: ${e.message}`, cwd) + (e.hint ? `\n  hint: ${e.hint}` : "");
}

/** A warning in the same shape as errors. */
export function formatWarning(w: Warning, cwd: string): string {
  return placed(w, `warning: ${w.message}`, cwd);
}

/** A plain table: a header row and rows, columns padded to their widest cell, two spaces apart. */
export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [head, ...rows]
    .map(
      (r) =>
        r
          .map((x, i) => x.padEnd(widths[i]!))
          .join("  ")
          .trimEnd() + "\n",
    )
    .join("");
}
