import { SlipwayError } from "../core/errors.js";
import { GOMPLATE_IMPLEMENTED, GOMPLATE_NAMESPACES, TemplateError } from "../template/index.js";
import type { ManifestLoader } from "./loader.js";
import { isMap, YamlFunction } from "../yaml/markers.js";
import { placeOf } from "./provenance.js";
import type { StackBuild } from "./stack-build.js";
import { IDENTITY_FIELDS, type Json, type ResolvedComponent } from "./types.js";

const SKIP = new Set([...IDENTITY_FIELDS, "component_type"]);

/**
 * Renders `{{ … }}` in every string of a resolved component, with the component itself as context
 * (`.vars.x`, `.atmos_stack`, `.settings…`), as Atmos does after merging. Unchanged parts are shared.
 */
export function renderStrings(
  c: ResolvedComponent,
  build: StackBuild,
  loader: ManifestLoader,
): ResolvedComponent {
  let out: Json | undefined;
  // One mutable path, copied only when a template is found: most strings hold none.
  const path: (string | number)[] = [];
  for (const key of Object.keys(c)) {
    if (SKIP.has(key)) continue;
    const v = (c as unknown as Json)[key];
    const r = walk(v, path, (s) => renderOne(s, c, build, loader, key, [...path]));
    if (r !== v) (out ??= { ...c })[key] = r;
  }
  return (out as unknown as ResolvedComponent) ?? c;
}

function walk(v: unknown, path: (string | number)[], fn: (s: string) => string): unknown {
  if (typeof v === "string") return v.includes("{{") ? fn(v) : v;
  // A function's argument is rendered first, as Atmos renders it (`!exec echo {{ .vars.x }}`); !literal's is not.
  if (v instanceof YamlFunction)
    return v.tag !== "!literal" && v.arg.includes("{{") ? new YamlFunction(v.tag, fn(v.arg)) : v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      const r = walk(v[i], path, fn);
      path.pop();
      if (r !== v[i]) (out ??= v.slice())[i] = r;
    }
    return out ?? v;
  }
  if (isMap(v)) {
    let out: Json | undefined;
    for (const k in v) {
      path.push(k);
      const r = walk(v[k], path, fn);
      path.pop();
      if (r !== v[k]) (out ??= { ...v })[k] = r;
    }
    return out ?? v;
  }
  return v;
}

/** A component's `settings.templates.settings.env`: more variables its templates see, as in Atmos. */
function componentTemplateEnv(c: ResolvedComponent): Record<string, string> | undefined {
  const t = c.settings.templates as { settings?: { env?: unknown } } | undefined;
  const env = t?.settings?.env;
  if (!env || typeof env !== "object" || Array.isArray(env)) return undefined;
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

function renderOne(
  src: string,
  c: ResolvedComponent,
  build: StackBuild,
  loader: ManifestLoader,
  section: string,
  path: (string | number)[],
): string {
  try {
    return loader.template(src, componentTemplateEnv(c)).execute(c);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const place = placeOf(build, c.component_type, c.atmos_component, section, path);
    throw new SlipwayError({
      code: "template",
      message: `template in ${section}.${path.join(".")} of component "${c.atmos_component}" (stack "${c.atmos_stack}"): ${e.message}`,
      ...place,
      line: place.line !== undefined ? place.line + e.line - 1 : undefined,
      hint: templateHint(e.message),
    });
  }
}

function templateHint(message: string): string {
  if (message.startsWith("env."))
    return "Sprig's env function hides gomplate's env namespace (in Atmos too, with Sprig on): use {{ env \"NAME\" }}";
  const fn = /function "([^"]+)" not defined/.exec(message)?.[1];
  if (fn === "atmos")
    return "atmos.Component / atmos.Store read other components' state; slipway does not run them";
  const ns = fn?.split(".")[0];
  if (ns && GOMPLATE_NAMESPACES.has(ns)) {
    return GOMPLATE_IMPLEMENTED.has(ns)
      ? `the README (Templates) lists the gomplate functions slipway implements; ${fn} is not one of them`
      : `gomplate's ${ns}.* functions read the outside world or are not deterministic; slipway does not offer them`;
  }
  if (fn)
    return "supported functions: Go's builtins, the Sprig subset and the gomplate functions listed in the README";
  return "template fields: .vars, .settings, .env, .atmos_component, .atmos_stack, .workspace";
}
