import type { z } from "zod";

/**
 * A yes/no check compiled from a zod schema's definition, for the common case where the data is valid.
 * zod parses into a fresh copy of every object and record, which on 760 stack files cost as much as
 * parsing their YAML; this only reads. It is sound, not complete: `true` means zod accepts the value
 * too; `false` means "ask zod", which then reports the problems with their paths. Parts of a schema it
 * does not model (refinements and other checks, transforms, lazy schemas …) make the whole compile
 * return undefined: such schemas always go through zod.
 */
export type FastCheck = (value: unknown) => boolean;

interface Def {
  type: string;
  checks?: unknown[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  entries?: Record<string, unknown>;
  values?: unknown[];
}

class Unsupported extends Error {}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function compile(schema: z.ZodType): FastCheck {
  const def = defOf(schema);
  if (def.checks && def.checks.length > 0) throw new Unsupported(def.type);
  switch (def.type) {
    case "unknown":
    case "any":
      return () => true;
    case "string":
      return (v) => typeof v === "string";
    case "boolean":
      return (v) => typeof v === "boolean";
    case "number":
      return (v) => typeof v === "number" && Number.isFinite(v);
    case "null":
      return (v) => v === null;
    case "enum": {
      const allowed = new Set(Object.values(def.entries!));
      return (v) => allowed.has(v);
    }
    case "literal": {
      const allowed = new Set(def.values!);
      return (v) => allowed.has(v);
    }
    case "optional":
    case "default": {
      const inner = compile(def.innerType!);
      return (v) => v === undefined || inner(v);
    }
    case "nullable": {
      const inner = compile(def.innerType!);
      return (v) => v === null || inner(v);
    }
    case "array": {
      const element = compile(def.element!);
      return (v) => Array.isArray(v) && v.every(element);
    }
    case "union": {
      const options = def.options!.map(compile);
      return (v) => options.some((o) => o(v));
    }
    case "record": {
      if (defOf(def.keyType!).type !== "string" || defOf(def.keyType!).checks?.length)
        throw new Unsupported("record key");
      const value = compile(def.valueType!);
      return (v) => {
        if (!isPlainObject(v)) return false;
        for (const k in v) if (!value(v[k])) return false;
        return true;
      };
    }
    case "object": {
      const fields = Object.entries(def.shape!).map(([k, s]) => [k, compile(s)] as const);
      const known = new Set(fields.map(([k]) => k));
      // Unknown keys: stripped when there is no catchall, accepted by `unknown`; any other catchall
      // (`never` for a strict object) checks each of them.
      const catchall =
        def.catchall && defOf(def.catchall).type !== "unknown" ? compile(def.catchall) : undefined;
      return (v) => {
        if (!isPlainObject(v)) return false;
        for (const [k, check] of fields) if (!check(v[k])) return false;
        if (catchall) for (const k in v) if (!known.has(k) && !catchall(v[k])) return false;
        return true;
      };
    }
    case "never":
      return () => false;
    default:
      throw new Unsupported(def.type);
  }
}

/** The fast check of `schema`, or undefined when the schema uses something it does not model. */
export function fastCheckOf(schema: z.ZodType): FastCheck | undefined {
  try {
    return compile(schema);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
