import { join } from "node:path";
import { SlipwayError } from "../../core/errors.js";
import type { ComponentType } from "../component-type.js";
import {
  backendChanged,
  prepareTerraform,
  STATE_CHANGES,
  TERRAFORM_ACTIONS,
  terraformCommands,
  varfileName,
  type TerraformAction,
} from "./driver.js";

/** OpenTofu (or Terraform) root modules: a varfile and a backend file, then the tool's own commands. */
export const terraformType: ComponentType = {
  name: "terraform",
  // An atmos.yaml keeps Atmos's default; slipway's own default is OpenTofu.
  defaultCommand: (flavour) => (flavour === "atmos" ? "terraform" : "tofu"),
  actions: TERRAFORM_ACTIONS,
  stackActions: { plan: "plan", apply: "deploy" },
  changes: ["apply", "deploy", "destroy", "import", "taint", "untaint", "force-unlock", "refresh"],
  noVariableCheck: ["clean"],
  folder: { required: true, hint: "create the OpenTofu root module there" },
  builtins: async () => ({}),
  prepare(c, action, { dir, extra }) {
    if (action === "clean")
      return {
        files: [],
        commands: [],
        removes: [join(dir, varfileName(c)), join(dir, "backend.tf.json"), join(dir, ".terraform")],
      };
    if (action === "state" && STATE_CHANGES.has(extra[0] ?? "") && c.metadata.locked === true)
      throw new SlipwayError({
        code: "validation",
        message: `component "${c.atmos_component}" in stack "${c.atmos_stack}" is locked: state ${extra[0]} would change its state`,
        hint: "unlock it (metadata.locked: false) to change it; state list / show / pull still work",
      });
    const files = prepareTerraform(c, dir);
    const reconfigure = backendChanged(files, dir);
    return { files, commands: terraformCommands(c, action as TerraformAction, dir, extra, { reconfigure }) };
  },
};
