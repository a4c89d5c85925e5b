import { SlipwayError } from "../../core/errors.js";
import type { ComponentType } from "../component-type.js";

/**
 * Kubernetes components are rendered into the GitOps tree (`slipway render`), never run by `plan`/`apply`:
 * Flux or Argo CD applies the tree. Their built-ins are the renderers.
 */
export const kubernetesType: ComponentType = {
  name: "kubernetes",
  defaultCommand: () => "kubectl",
  actions: [],
  changes: [],
  noVariableCheck: [],
  folder: { required: false, hint: "name a built-in renderer in metadata.component or settings.renderer" },
  // The renderers' modules construct their schemas when they load: only commands that need them pay.
  builtins: async () => {
    const { RENDERERS } = await import("./renderers.js");
    return Object.fromEntries(Object.entries(RENDERERS).map(([name, r]) => [name, r.varsSchema]));
  },
  prepare(c) {
    throw new SlipwayError({
      code: "usage",
      message: `kubernetes component "${c.atmos_component}" is rendered, not run`,
      hint: `\`slipway render -s ${c.atmos_stack}\` writes it into the GitOps tree`,
    });
  },
};
