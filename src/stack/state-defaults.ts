import { isMap } from "../yaml/markers.js";
import type { Json } from "./types.js";

/**
 * Atmos's default state location per component, so two components sharing one backend never share a state:
 * s3 `workspace_key_prefix` and gcs `prefix` default to the component's name (metadata.name, else its folder),
 * azurerm `key` to `<that>.terraform.tfstate` under a global key; "/" becomes the prefix separator.
 */
export function backendDefaults(
  type: string,
  backend: Json,
  name: string,
  separator: string,
  shared?: unknown,
): Json {
  const keyName = separator === "/" ? name : name.replaceAll("/", separator);
  const unset = (k: string) => typeof backend[k] !== "string" || backend[k] === "";
  if (type === "s3" && unset("workspace_key_prefix")) return { ...backend, workspace_key_prefix: keyName };
  if (type === "gcs" && unset("prefix")) return { ...backend, prefix: keyName };
  if (type === "azurerm") {
    // A key set below the global and type levels is the component's own; a global one is a folder to put it in.
    const globalKey = isMap(shared) && typeof shared.key === "string" ? shared.key : undefined;
    if (!unset("key") && backend.key !== globalKey) return backend;
    return { ...backend, key: [globalKey, `${keyName}.terraform.tfstate`].filter(Boolean).join("/") };
  }
  return backend;
}

/** Atmos's workspace rule: explicit name, pattern, the stack name, or `<stack>-<component>` for derived ones. */
export function workspace(name: string, folder: string, meta: Json, vars: Json, stack: string): string {
  if (typeof meta.terraform_workspace === "string") return meta.terraform_workspace;
  if (typeof meta.terraform_workspace_pattern === "string") {
    return meta.terraform_workspace_pattern.replace(/\{([a-z_-]+)\}/g, (_m, t: string) =>
      t === "component" ? name : t === "base-component" ? folder : String(vars[t] ?? ""),
    );
  }
  // Workspace names cannot hold "/": path-named stacks use "-" there, as Atmos does.
  const ws = stack.replace(/\//g, "-");
  return folder === name ? ws : `${ws}-${name.replace(/\//g, "-")}`;
}
