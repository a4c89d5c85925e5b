import { z } from "zod";
import type { DocPath } from "../yaml/parse.js";

/** Strips optional/default/nullable wrappers to reach the schema that describes the value. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as z.ZodType;
    } else return s;
  }
}

/** The object schema a union offers for an object value (`ComponentSchema | null` → the component). */
function objectOption(s: z.ZodType): z.ZodType {
  if (!(s instanceof z.ZodUnion)) return s;
  return ((s.options as z.ZodType[]).map(unwrap).find((o) => o instanceof z.ZodObject) ?? s) as z.ZodType;
}

/** The keys the object schema at `path` declares (records and unions followed as unknownKeys does). */
export function keysAt(schema: z.ZodType, path: DocPath): string[] {
  let s = objectOption(unwrap(schema));
  for (const seg of path) {
    if (s instanceof z.ZodRecord) s = objectOption(unwrap(s.valueType as z.ZodType));
    else if (s instanceof z.ZodArray && typeof seg === "number")
      s = objectOption(unwrap(s.element as z.ZodType));
    else if (s instanceof z.ZodObject) {
      const next = (s.shape as Record<string, z.ZodType>)[String(seg)];
      if (!next) return [];
      s = objectOption(unwrap(next));
    } else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape as object) : [];
}

/**
 * Keys in `value` that `schema` does not declare, with their paths — reported as warnings, not errors.
 * Records are walked entry by entry with their value schema (`components.terraform.<name>`); a record of
 * anything (`vars`) declares every key.
 */
export function unknownKeys(schema: z.ZodType, value: unknown, path: DocPath = []): DocPath[] {
  const s = objectOption(unwrap(schema));
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  if (s instanceof z.ZodRecord)
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
      unknownKeys(s.valueType as z.ZodType, child, [...path, key]),
    );
  if (!(s instanceof z.ZodObject)) return [];
  const shape = s.shape as Record<string, z.ZodType>;
  const out: DocPath[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const sub = shape[key];
    if (!sub) out.push([...path, key]);
    else out.push(...unknownKeys(sub, child, [...path, key]));
  }
  return out;
}
