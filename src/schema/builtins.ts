import type { z } from "zod";
import { NodesVars } from "../nodes/schema.js";
import { AddonsVars } from "../render/addons.js";
import { AppsVars } from "../render/apps.js";
import { GitopsVars } from "../render/gitops.js";
import { TenantsVars } from "../render/tenants.js";
import type { ComponentTypeName } from "./cli-config.js";

/**
 * Vars schemas of slipway's built-in components, by type and component folder: the kubernetes renderers
 * and the ansible k3s component (cluster and nodes). `validate component` and `slipway schema` read it.
 */
const registry = new Map<string, z.ZodType>([
  ["ansible/k3s", NodesVars],
  ["kubernetes/addons", AddonsVars],
  ["kubernetes/apps", AppsVars],
  ["kubernetes/gitops", GitopsVars],
  ["kubernetes/tenants", TenantsVars],
]);

/** Registers the vars schema of a built-in component. */
export function registerBuiltin(type: ComponentTypeName, component: string, schema: z.ZodType): void {
  registry.set(`${type}/${component}`, schema);
}

/** The vars schema of a built-in component, if `component` is one. */
export function builtinVarsSchema(type: ComponentTypeName, component: string): z.ZodType | undefined {
  return registry.get(`${type}/${component}`);
}

/** Every registered built-in, for `slipway schema`. */
export function builtinSchemas(): [string, z.ZodType][] {
  return [...registry.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}
