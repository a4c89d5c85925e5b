import type { ResolvedComponent } from "../stack/types.js";
import { builtinVarsSchema } from "./registry.js";

/** One problem a component check found. */
export interface ComponentFinding {
  /** Which check: the name under settings.validation, or "builtin". */
  validation: string;
  schema: string;
  path: string;
  message: string;
  /** Where the problem is, when it is in a file (the module's variable block, for the variable check). */
  file?: string;
  line?: number;
  col?: number;
}

/** The built-in component's schema (ansible/k3s, the renderers) checked against the vars: no schema, no check. */
export async function builtinFindings(
  c: ResolvedComponent,
): Promise<{ checks: string[]; findings: ComponentFinding[] }> {
  const builtin = await builtinVarsSchema(c.component_type, c.component);
  if (!builtin) return { checks: [], findings: [] };
  const schema = `${c.component_type}/${c.component}`;
  const r = builtin.safeParse(c.vars);
  return {
    checks: [`builtin (${schema})`],
    findings: r.success
      ? []
      : r.error.issues.map((issue) => ({
          validation: "builtin",
          schema,
          path: ["vars", ...issue.path].join("."),
          message: issue.message,
        })),
  };
}
