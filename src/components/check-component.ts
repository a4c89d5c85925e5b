import { relative } from "node:path";
import { SlipwayError } from "../core/errors.js";
import type { Warning } from "../core/place.js";
import type { StackEngine } from "../stack/engine.js";
import type { ResolvedComponent } from "../stack/types.js";
import { runOpaPolicies } from "./opa.js";
import { componentDir } from "./registry.js";
import { builtinFindings } from "./builtin-check.js";
import { checkComponentVariables } from "./variables.js";

/** What the component checks found: errors stop a run (and fail `validate stacks`); warnings do not. */
export interface ComponentCheck {
  errors: SlipwayError[];
  warnings: Warning[];
  /** Which checks ran: the settings.validation names, builtin, variables. */
  checks: string[];
}

/**
 * The checks Atmos runs before a plan, and `validate stacks` runs for every component: the JSON Schemas and
 * OPA policies of settings.validation, the built-in component's schema, and the module variable check. In
 * `gate` mode (validate stacks) a var the module does not declare is an error when it is plainly meant for
 * this module — set on the component itself, a base or an override (named with the closest declared one);
 * a shared var inherited from the stack's global vars stays a warning, as OpenTofu treats an undeclared
 * var-file entry. A run
 * that checks variables itself (prepareRun) passes `variables: false`.
 */
export async function checkComponent(
  engine: StackEngine,
  c: ResolvedComponent,
  env: Record<string, string | undefined>,
  mode: "gate" | "run",
  opts: { variables?: boolean } = {},
): Promise<ComponentCheck> {
  const out: ComponentCheck = { errors: [], warnings: [], checks: [] };
  const where = (path: string) => {
    const segs = path.split(".").filter(Boolean);
    const [section, ...rest] = segs;
    return section ? engine.placeOf(c.atmos_stack, c.atmos_component, section, rest, c.component_type) : {};
  };
  // Ajv loads only for a component that names schemas: most runs have none, and every driver run pays
  // for what it loads.
  const validation = c.settings.validation;
  const named =
    validation !== null &&
    typeof validation === "object" &&
    Object.values(validation).some(
      (v) => v && typeof v === "object" && (v as { disabled?: unknown }).disabled !== true,
    );
  const v = named
    ? await (
        await import("./validate-component.js")
      ).validateComponent(engine, c.atmos_stack, c.atmos_component, c.component_type)
    : {
        component: c.atmos_component,
        stack: c.atmos_stack,
        policies: [],
        ...(await builtinFindings(c)),
      };
  const opa = runOpaPolicies(v.policies, c, env);
  out.checks.push(...v.checks, ...opa.checks);
  out.warnings.push(...opa.skipped.map((message) => ({ message })));
  for (const f of [...v.findings, ...opa.findings]) {
    out.errors.push(
      new SlipwayError({
        code: "validation",
        message: `${f.path ? `${f.path}: ` : ""}${f.message} (${f.validation}: ${f.schema}; component "${c.atmos_component}" in stack "${c.atmos_stack}")`,
        ...(f.file ? { file: f.file, line: f.line, col: f.col } : where(f.path)),
        hint:
          f.validation === "builtin"
            ? `\`slipway schema ${f.schema}\` lists the fields`
            : "fix the value, or the schema named in settings.validation",
      }),
    );
  }
  if (c.metadata.type === "abstract" || opts.variables === false) return out;
  const dir = componentDir(engine.config.components, c);
  const report = await checkComponentVariables(engine, c, dir);
  if (!report) return out;
  out.checks.push(`variables (${relative(engine.config.basePath, dir) || "."})`);
  out.errors.push(...report.errors);
  for (const u of report.undeclared) {
    const level = engine.origin(c.atmos_stack, c.atmos_component, ["vars", u.name], c.component_type)?.level;
    // Meant for this module: set on the component, a base or an override. A stack-level var reaches every
    // component (Atmos's global vars), so it stays a warning even when it resembles a declared name.
    const meant = level !== undefined && level !== "global" && level !== c.component_type;
    if (mode === "gate" && meant)
      out.errors.push(
        new SlipwayError({
          ...u.warning,
          code: "validation",
          hint: u.near ? `rename it to ${u.near}` : "remove it, or declare the variable in the module",
        }),
      );
    else out.warnings.push(u.warning);
  }
  return out;
}
