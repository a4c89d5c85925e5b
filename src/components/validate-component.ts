import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { SlipwayError } from "../core/errors.js";
import { builtinFindings, type ComponentFinding } from "./builtin-check.js";
import type { StackEngine } from "../stack/engine.js";
import { isMap } from "../yaml/markers.js";
import type { ResolvedComponent } from "../stack/types.js";
import type { ComponentTypeName } from "../schema/cli-config.js";

export type { ComponentFinding } from "./builtin-check.js";

export interface ComponentValidation {
  component: string;
  stack: string;
  checks: string[];
  findings: ComponentFinding[];
  /** `schema_type: opa` entries: run by the real `opa` (components/opa.ts), never here. */
  policies: OpaPolicy[];
}

/** An OPA policy named in settings.validation, its files resolved. */
export interface OpaPolicy {
  name: string;
  path: string;
  /** The policy path as shown to the user (relative to the repository). */
  shown: string;
  modulePaths: string[];
  timeoutSeconds: number;
}

// ajv-formats ships CommonJS with a default export; under NodeNext it arrives one level down.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv,
) => Ajv;

/** `validate component`: the JSON Schemas named in settings.validation, and the built-in schema if any. */
export async function validateComponent(
  engine: StackEngine,
  stack: string,
  component: string,
  type?: ComponentTypeName,
): Promise<ComponentValidation> {
  const c = engine.resolveComponent(stack, component, type);
  const checks: string[] = [];
  const findings: ComponentFinding[] = [];
  const policies: OpaPolicy[] = [];
  const validation = isMap(c.settings.validation) ? c.settings.validation : {};
  for (const [name, spec] of Object.entries(validation)) {
    if (!isMap(spec) || spec.disabled === true) continue;
    const type = String(spec.schema_type ?? "jsonschema");
    if (type === "opa") {
      const path = resolveSchemaPath(engine, String(spec.schema_path ?? ""), name, "opa");
      const modules = Array.isArray(spec.module_paths) ? spec.module_paths.map(String) : [];
      policies.push({
        name,
        path,
        shown: relative(engine.config.basePath, path),
        modulePaths: modules.map((m, i) => resolveSchemaPath(engine, m, `${name}.module_paths[${i}]`, "opa")),
        timeoutSeconds: typeof spec.timeout === "number" && spec.timeout > 0 ? spec.timeout : 20,
      });
      continue;
    }
    if (type !== "jsonschema") {
      throw new SlipwayError({
        code: "validation",
        message: `settings.validation.${name}: schema_type "${type}" is not supported`,
        hint: "slipway validates with JSON Schema (schema_type: jsonschema) and OPA (schema_type: opa)",
      });
    }
    const schemaPath = resolveSchemaPath(engine, String(spec.schema_path ?? ""), name, "jsonschema");
    const shown = relative(engine.config.basePath, schemaPath);
    checks.push(`${name} (${shown})`);
    findings.push(...runSchema(readSchema(schemaPath, name), c, name, shown));
  }
  const builtin = await builtinFindings(c);
  checks.push(...builtin.checks);
  findings.push(...builtin.findings);
  return { component, stack, checks, findings, policies };
}

function resolveSchemaPath(
  engine: StackEngine,
  path: string,
  name: string,
  kind: "jsonschema" | "opa",
): string {
  if (!path) {
    throw new SlipwayError({
      code: "validation",
      message: `settings.validation.${name} has no schema_path`,
      hint: `set schema_path to a ${kind === "opa" ? "Rego policy" : "JSON Schema"} file, relative to the repository root`,
    });
  }
  const bases = [
    engine.config.basePath,
    join(engine.config.basePath, "stacks", "schemas", kind),
    join(engine.config.basePath, "schemas", kind),
    join(engine.config.basePath, "schemas"),
  ];
  const found = isAbsolute(path) ? path : bases.map((b) => join(b, path)).find((p) => existsSync(p));
  if (!found || !existsSync(found)) {
    throw new SlipwayError({
      code: "validation",
      message: `settings.validation.${name}.schema_path "${path}" not found`,
      hint: "schema_path is relative to the repository root (the folder of slipway.yaml)",
    });
  }
  return found;
}

function readSchema(path: string, name: string): object {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as object;
  } catch (e) {
    throw new SlipwayError({
      code: "validation",
      message: `settings.validation.${name}: cannot read ${path}: ${(e as Error).message}`,
      file: path,
    });
  }
}

function runSchema(
  schema: object,
  c: ResolvedComponent,
  name: string,
  schemaPath: string,
): ComponentFinding[] {
  // Draft 2020-12 schemas need Ajv's 2020 build; draft-07 (Atmos's examples) the default one.
  const is2020 = String((schema as { $schema?: string }).$schema ?? "").includes("2020-12");
  const ajv = is2020
    ? new Ajv2020({ allErrors: true, strict: false })
    : new Ajv({ allErrors: true, strict: false });
  addFormats(ajv as Ajv);
  let validate: ReturnType<Ajv["compile"]>;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    throw new SlipwayError({
      code: "validation",
      message: `settings.validation.${name}: ${schemaPath} is not a valid JSON Schema: ${(e as Error).message}`,
      file: schemaPath,
      hint: "check the schema's $schema and keywords",
    });
  }
  // Atmos validates the whole component section; schemas usually start at `vars`.
  if (validate(c)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => ({
    validation: name,
    schema: schemaPath,
    path: e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(root)",
    message: e.message ?? "invalid",
  }));
}
