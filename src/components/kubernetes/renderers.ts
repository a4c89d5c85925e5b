// The table of built-in renderers, apart from the rendering itself: the registry reads their vars
// schemas on every command, and only `render` needs the YAML writer (canonical.ts loads the `yaml`
// library, ~40 ms).
import { addonsRenderer } from "./addons.js";
import { appsRenderer } from "./apps.js";
import { gitopsRenderer } from "./gitops.js";
import { tenantsRenderer } from "./tenants.js";
import type { Renderer } from "./types.js";

/** The built-in renderers, by name. */
export const RENDERERS: Record<string, Renderer<never>> = {
  addons: addonsRenderer as Renderer<never>,
  apps: appsRenderer as Renderer<never>,
  gitops: gitopsRenderer as Renderer<never>,
  tenants: tenantsRenderer as Renderer<never>,
};
