import type { Json, ResolvedComponent } from "./types.js";

/** Atmos's context tokens in Spacelift and Atlantis name patterns, from the component's vars. */
function replaceTokens(pattern: string, c: ResolvedComponent): string {
  const v = (k: string) => (typeof c.vars[k] === "string" ? (c.vars[k] as string) : "");
  const attributes = Array.isArray(c.vars.attributes) ? c.vars.attributes.map(String).join("-") : "";
  const tokens: Record<string, string> = {
    "{component}": c.atmos_component.replace(/\//g, "-"),
    "{namespace}": v("namespace"),
    "{tenant}": v("tenant"),
    "{environment}": v("environment"),
    "{region}": v("region"),
    "{stage}": v("stage"),
    "{attributes}": attributes,
  };
  return pattern.replace(/\{[a-z_-]+\}/g, (t) => tokens[t] ?? t);
}

const section = (settings: Json, name: string): Json | undefined => {
  const s = settings[name];
  return s && typeof s === "object" && !Array.isArray(s) ? (s as Json) : undefined;
};

/**
 * The fields Atmos adds to terraform entries for CI integrations: `spacelift_stack` when
 * settings.spacelift.workspace_enabled is true (stack_name_pattern, else stack_name, else
 * `<stack>-<component>`), and `atlantis_project` from settings.atlantis.project_template.name.
 */
export function ciNames(c: ResolvedComponent): { spacelift_stack?: string; atlantis_project?: string } {
  if (c.component_type !== "terraform") return {};
  const out: { spacelift_stack?: string; atlantis_project?: string } = {};
  const spacelift = section(c.settings, "spacelift");
  if (spacelift?.workspace_enabled === true) {
    const name =
      typeof spacelift.stack_name_pattern === "string"
        ? replaceTokens(spacelift.stack_name_pattern, c)
        : typeof spacelift.stack_name === "string"
          ? spacelift.stack_name
          : `${c.atmos_stack}-${c.atmos_component}`.replace(/\//g, "-");
    if (name) out.spacelift_stack = name;
  }
  const template = section(section(c.settings, "atlantis") ?? {}, "project_template");
  if (typeof template?.name === "string" && template.name)
    out.atlantis_project = replaceTokens(template.name, c);
  return out;
}
