import type { CliConfig } from "../config/load-config.js";
import { SlipwayError } from "../core/errors.js";
import { unsafePathName } from "../core/paths.js";
import type { SourcePlace } from "../core/place.js";
import { COMPONENT_TYPES } from "../schema/cli-config.js";
import { TemplateError, type CompiledTemplate } from "../template/index.js";
import { isMap } from "../yaml/markers.js";
import type { StackBuild } from "./stack-build.js";
import type { Json } from "./types.js";

/** The stack name(s) of one top-level manifest. */
export type ManifestNames =
  | { kind: "one"; name: string }
  | { kind: "none" }
  /** Keyed by `type/component`: components whose own vars name their stack (Atmos names per component). */
  | { kind: "per-component"; names: Map<string, string> };

interface NameContext {
  vars: unknown;
  settings: unknown;
  env: unknown;
  providers: unknown;
}

/**
 * Manifest `name:` > `name_template` > `name_pattern` > the path under the stacks folder. The template or
 * pattern is tried with the manifest's global sections first; when a value it needs is set only on
 * components (Atmos evaluates per component), each component is named from its own merged sections.
 */
export function nameManifest(
  build: StackBuild,
  config: CliConfig,
  template: (src: string) => CompiledTemplate,
): ManifestNames {
  const own = build.top.data.name;
  if (typeof own === "string" && own)
    return {
      kind: "one",
      name: safeName(own, "its `name:`", { file: build.top.path, ...build.locateIn(build.top, ["name"]) }),
    };
  const { nameTemplate, namePattern } = config.stacks;
  if (!nameTemplate && !namePattern) return { kind: "one", name: build.top.rel };
  const evaluate = (ctx: NameContext, what: string): string | undefined => {
    const name = nameTemplate
      ? fromTemplate(template(nameTemplate), ctx, config, what)
      : fromPattern(namePattern!, ctx.vars);
    const how = nameTemplate ? "stacks.name_template" : "stacks.name_pattern";
    if (name === undefined || unsafePathName(name) === undefined) return name;
    // Point at the var that made the name unusable, when this manifest sets it.
    const culprit = Object.entries(isMap(ctx.vars) ? ctx.vars : {}).find(
      ([, v]) => typeof v === "string" && name.includes(v) && unsafePathName(v) !== undefined,
    )?.[0];
    const at = culprit ? build.locateIn(build.top, ["vars", culprit]) : {};
    return safeName(name, `${how}${culprit ? ` and vars.${culprit}` : ""}, naming ${what}`, {
      file: build.top.path,
      ...at,
    });
  };
  const global = evaluate(
    {
      vars: build.globalValue("vars") ?? {},
      settings: build.globalValue("settings") ?? {},
      env: build.globalValue("env") ?? {},
      providers: build.globalValue("providers") ?? {},
    },
    build.top.rel,
  );
  if (global !== undefined) return { kind: "one", name: global };
  if (!build.hasComponents()) return { kind: "none" };
  const names = new Map<string, string>();
  for (const type of COMPONENT_TYPES) {
    for (const component of build.componentNames(type)) {
      const merged = build.resolve(type, component, "");
      const name = evaluate(merged, `${type} component "${component}" of ${build.top.rel}`);
      if (name !== undefined) names.set(`${type}/${component}`, name);
      else if (merged.metadata.type !== "abstract")
        throw unnamed(build, config, type, component, merged.vars);
    }
  }
  return { kind: "per-component", names };
}

/**
 * A stack name, once it can stand as a relative path: render folders, logs and varfiles are named from it,
 * so `../x` (from a var such as `stage`) would write outside the repository.
 */
function safeName(name: string, from: string, place: SourcePlace): string {
  const why = unsafePathName(name);
  if (why === undefined) return name;
  throw new SlipwayError({
    code: "validation",
    message: `stack name ${JSON.stringify(name)} (from ${from}) cannot be used: ${why}`,
    ...place,
    hint: "stack names become folders and file names; use letters, digits, `-`, `_` and `.`, with `/` between parts",
  });
}

function fromTemplate(
  t: CompiledTemplate,
  ctx: NameContext,
  config: CliConfig,
  what: string,
): string | undefined {
  let name: string;
  try {
    name = t.execute(ctx).trim();
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    // A missing map on the way (`.settings.context.x`) is a value not set, like `<no value>`.
    if (e.message.startsWith("nil pointer")) return undefined;
    throw new SlipwayError({
      code: "template",
      message: `stacks.name_template: ${e.message} (naming ${what})`,
      file: config.file,
      hint: "the template sees .vars, .settings, .env and .providers",
    });
  }
  return name && !name.includes("<no value>") ? name : undefined;
}

function fromPattern(pattern: string, vars: unknown): string | undefined {
  const v: Json = isMap(vars) ? vars : {};
  let missing = false;
  const name = pattern.replace(/\{([a-z_-]+)\}/g, (_m, token: string) => {
    const value = v[token];
    if (value === undefined || value === null || value === "") missing = true;
    return String(value ?? "");
  });
  return missing ? undefined : name;
}

function unnamed(
  build: StackBuild,
  config: CliConfig,
  type: string,
  component: string,
  vars: unknown,
): SlipwayError {
  const how = config.stacks.nameTemplate
    ? `name_template "${config.stacks.nameTemplate}"`
    : `name_pattern "${config.stacks.namePattern}"`;
  const v: Json = isMap(vars) ? vars : {};
  const missing = config.stacks.namePattern
    ? [...config.stacks.namePattern.matchAll(/\{([a-z_-]+)\}/g)]
        .map((m) => m[1]!)
        .filter((t) => v[t] === undefined || v[t] === null || v[t] === "")
    : [];
  const names = missing.map((m) => `"${m}"`).join(" and ");
  const which =
    missing.length === 0
      ? "vars that are"
      : missing.length === 1
        ? `var ${names}, which is`
        : `vars ${names}, which are`;
  return new SlipwayError({
    code: "config",
    message: `cannot name the stack of ${type} component "${component}" in ${build.top.rel}: stacks.${how} uses ${which} not set`,
    ...build.componentPlace(type as never, component),
    hint: "set those vars in this manifest or a file it imports, give the manifest a `name:`, or exclude it with stacks.excluded_paths",
  });
}
