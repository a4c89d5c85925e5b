/**
 * Flux post-build substitution (`postBuild.substitute` / `substituteFrom`): `${VAR}`, `${VAR:-default}`,
 * `${VAR:=default}`. The values live in the cluster, so a field holding a variable is checked with a typed
 * placeholder: the rest of the object is still checked, and the field itself passes when the variable
 * could hold a value of its type.
 */
export const FLUX_VAR = /\$\{[^}]*\}/;

type Json = Record<string, unknown>;

/** The value a string with variables stands for where the schema wants `type` (the default when it fits). */
export function typedPlaceholder(value: string, type: string): unknown {
  const def = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=](.*)\}$/.exec(value)?.[1];
  switch (type) {
    case "integer":
      return def !== undefined && /^-?\d+$/.test(def) ? Number(def) : 1;
    case "number":
      return def !== undefined && def !== "" && !Number.isNaN(Number(def)) ? Number(def) : 1;
    case "boolean":
      return def !== "false";
    case "object":
      return {};
    case "array":
      return [];
    default:
      return value;
  }
}

/**
 * A copy of `obj` with typed placeholders where the schema said a field holding a variable has the wrong
 * type (`errors`: the validator's type errors, with the wanted type); undefined when no such error.
 */
export function retypeVariables(
  obj: Json,
  errors: { path: (string | number)[]; type: unknown }[],
  varPaths: string[],
): Json | undefined {
  const copy = structuredClone(obj);
  let changed = false;
  for (const e of errors) {
    if (!varPaths.includes(e.path.join("/")) || e.path.length === 0) continue;
    const type = Array.isArray(e.type) ? String(e.type[0]) : String(e.type);
    let parent: unknown = copy;
    for (const seg of e.path.slice(0, -1)) parent = (parent as Json)?.[seg];
    const last = e.path.at(-1)!;
    const cur = (parent as Json | undefined)?.[last];
    if (typeof cur !== "string" || !FLUX_VAR.test(cur)) continue;
    (parent as Json)[last] = typedPlaceholder(cur, type);
    changed = true;
  }
  return changed ? copy : undefined;
}
