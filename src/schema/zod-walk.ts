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

/** Keys in `value` that `schema` does not declare, with their paths — reported as warnings, not errors. */
export function unknownKeys(schema: z.ZodType, value: unknown, path: DocPath = []): DocPath[] {
  const s = unwrap(schema);
  if (!(s instanceof z.ZodObject) || typeof value !== "object" || value === null || Array.isArray(value))
    return [];
  const shape = s.shape as Record<string, z.ZodType>;
  const out: DocPath[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const sub = shape[key];
    if (!sub) out.push([...path, key]);
    else out.push(...unknownKeys(sub, child, [...path, key]));
  }
  return out;
}
