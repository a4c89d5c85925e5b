import { join } from "node:path";
import type { z } from "zod";
import type { ResolvedComponent } from "../stack/types.js";
import type { ComponentTypeName } from "../schema/cli-config.js";
import { ansibleType } from "./ansible/index.js";
import type { ComponentType } from "./component-type.js";
import { kubernetesType } from "./kubernetes/index.js";
import { packerType } from "./packer/index.js";
import { terraformType } from "./terraform/index.js";

/**
 * Every component type slipway knows, in the order `plan`/`apply` list them (image → machines → hosts →
 * cluster). A new type is its folder plus one line here (and its name in COMPONENT_TYPES, which the
 * compiler then holds to this table).
 */
export const REGISTRY: Readonly<Record<ComponentTypeName, ComponentType>> = {
  packer: packerType,
  terraform: terraformType,
  ansible: ansibleType,
  kubernetes: kubernetesType,
};

/** A component's folder: under its type's base path, unless its type says its files are elsewhere. */
export function componentDir(basePaths: Record<string, { basePath: string }>, c: ResolvedComponent): string {
  const dir = join(basePaths[c.component_type]!.basePath, c.component);
  return REGISTRY[c.component_type].folderOf?.(c, dir) ?? dir;
}

/** The definition of one type. */
export function componentType(name: ComponentTypeName): ComponentType {
  return REGISTRY[name];
}

/** Each type's default command for a config flavour, as the config loader takes it. */
export function defaultCommands(flavour: "slipway" | "atmos"): Record<ComponentTypeName, string> {
  return Object.fromEntries(
    Object.values(REGISTRY).map((t) => [t.name, t.defaultCommand(flavour)]),
  ) as Record<ComponentTypeName, string>;
}

/** The vars schema of a built-in component, if `component` is one. */
export async function builtinVarsSchema(
  type: ComponentTypeName,
  component: string,
): Promise<z.ZodType | undefined> {
  const builtins = await REGISTRY[type].builtins();
  return Object.hasOwn(builtins, component) ? builtins[component] : undefined;
}

/** Every built-in as `<type>/<component>` with its schema, sorted, for `slipway schema`. */
export async function builtinSchemas(): Promise<[string, z.ZodType][]> {
  const all = await Promise.all(
    Object.values(REGISTRY).map(async (t) =>
      Object.entries(await t.builtins()).map(([c, s]): [string, z.ZodType] => [`${t.name}/${c}`, s]),
    ),
  );
  return all.flat().sort(([a], [b]) => (a < b ? -1 : 1));
}
