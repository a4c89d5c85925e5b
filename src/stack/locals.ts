import { SlipwayError } from "../core/errors.js";
import { COMPONENT_TYPES } from "../schema/cli-config.js";
import { TemplateError, type CompiledTemplate } from "../template/index.js";
import { isMap } from "../yaml/markers.js";
import type { Json } from "./types.js";
import type { DocPath } from "../yaml/parse.js";

export interface LocalsContext {
  file: string;
  template: (src: string) => CompiledTemplate;
  locate: (path: DocPath) => { line: number; col: number };
}

const LOCAL_REF = /\.locals\.([A-Za-z0-9_-]+)/g;
const SINGLE_ACTION = /^\s*\{\{-?[^{}]*-?\}\}\s*$/;

/**
 * File-scoped `locals`, as Atmos has them: global `locals`, type-level `terraform.locals` and
 * component-level `components.<type>.<name>.locals`, each seeing the wider ones; locals may use other
 * locals (resolved in dependency order) and the file's own `vars`, `settings` and `env`. Every string of
 * the file that mentions `.locals` is rendered here; the `locals` sections are then dropped, so they never
 * reach an importing file or the output.
 */
export function applyLocals(data: Json, ctx: LocalsContext): Json {
  const fileCtx = { vars: data.vars ?? {}, settings: data.settings ?? {}, env: data.env ?? {} };
  const global = resolveLocals(data.locals, {}, fileCtx, ["locals"], ctx);
  const out: Json = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === "locals") continue;
    if ((COMPONENT_TYPES as readonly string[]).includes(key) && isMap(value)) {
      const scope = resolveLocals(value.locals, global, fileCtx, [key, "locals"], ctx);
      out[key] = renderTree(withoutLocals(value), { ...fileCtx, locals: scope }, [key], ctx);
    } else if (key === "components" && isMap(value)) {
      out[key] = componentsWithLocals(value, global, data, fileCtx, ctx);
    } else {
      out[key] = renderTree(value, { ...fileCtx, locals: global }, [key], ctx);
    }
  }
  return out;
}

function componentsWithLocals(
  components: Json,
  global: Json,
  data: Json,
  fileCtx: Json,
  ctx: LocalsContext,
): Json {
  const out: Json = {};
  for (const [type, defs] of Object.entries(components)) {
    if (!isMap(defs)) {
      out[type] = defs;
      continue;
    }
    const typeSection = data[type];
    const typeScope = isMap(typeSection)
      ? resolveLocals(typeSection.locals, global, fileCtx, [type, "locals"], ctx)
      : global;
    const byName: Json = {};
    for (const [name, def] of Object.entries(defs)) {
      const path = ["components", type, name];
      if (!isMap(def)) {
        byName[name] = def;
        continue;
      }
      const scope = resolveLocals(def.locals, typeScope, fileCtx, [...path, "locals"], ctx);
      byName[name] = renderTree(withoutLocals(def), { ...fileCtx, locals: scope }, path, ctx);
    }
    out[type] = byName;
  }
  return out;
}

function withoutLocals(v: Json): Json {
  if (!("locals" in v)) return v;
  const out = { ...v };
  delete out.locals;
  return out;
}

/** Resolves one scope's locals over its parent's, each local once every local it uses is resolved. */
function resolveLocals(raw: unknown, parent: Json, fileCtx: Json, path: DocPath, ctx: LocalsContext): Json {
  if (!isMap(raw)) return parent;
  const resolved: Json = { ...parent };
  const pending = new Map(Object.entries(raw));
  while (pending.size > 0) {
    let progressed = false;
    for (const [name, value] of pending) {
      const needs = referencedLocals(value).filter((n) => n !== name && pending.has(n));
      if (needs.length > 0) continue;
      resolved[name] = renderTree(value, { ...fileCtx, locals: resolved }, [...path, name], ctx);
      pending.delete(name);
      progressed = true;
    }
    if (!progressed) {
      const names = [...pending.keys()];
      throw new SlipwayError({
        code: "template",
        message: `locals refer to each other in a cycle: ${names.join(", ")}`,
        file: ctx.file,
        ...ctx.locate([...path, names[0]!]),
        hint: "break the cycle: one of these locals must not use the others",
      });
    }
  }
  return resolved;
}

function referencedLocals(v: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (typeof x === "string") for (const m of x.matchAll(LOCAL_REF)) out.push(m[1]!);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (isMap(x)) Object.values(x).forEach(walk);
  };
  walk(v);
  return out;
}

/** Renders the strings that use `.locals`; a string that is one action yielding a map or list becomes that value. */
function renderTree(v: unknown, data: Json, path: DocPath, ctx: LocalsContext): unknown {
  if (typeof v === "string") {
    if (!v.includes(".locals") || !v.includes("{{")) return v;
    try {
      if (SINGLE_ACTION.test(v) && !/\|\s*(toJson|toYaml|quote|squote)\b/.test(v)) {
        const structured = evaluateSingle(v, data, ctx);
        if (structured !== undefined) return structured;
      }
      return ctx.template(v).execute(data);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      const at = ctx.locate(path);
      throw new SlipwayError({
        code: "template",
        message: `template in ${path.join(".")}: ${e.message}`,
        file: ctx.file,
        line: at.line + e.line - 1,
        col: at.col,
        hint: "locals are file-scoped: a local defined in an imported file is not visible here",
      });
    }
  }
  if (Array.isArray(v)) return v.map((x, i) => renderTree(x, data, [...path, i], ctx));
  if (isMap(v)) {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) out[k] = renderTree(x, data, [...path, k], ctx);
    return out;
  }
  return v;
}

/** `{{ .locals.tags }}` alone in a string: the value itself when it is a map or a list. */
function evaluateSingle(src: string, data: Json, ctx: LocalsContext): unknown {
  const m = /^\s*\{\{-?\s*\.locals\.([A-Za-z0-9_.-]+)\s*-?\}\}\s*$/.exec(src);
  if (!m) return undefined;
  let cur: unknown = data.locals;
  for (const seg of m[1]!.split(".")) cur = isMap(cur) ? cur[seg] : undefined;
  void ctx;
  return isMap(cur) || Array.isArray(cur) ? cur : undefined;
}
