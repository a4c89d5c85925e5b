import { join } from "node:path";
import type { ComponentType } from "../component-type.js";
import {
  backendChanged,
  prepareTerraform,
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
  changes: ["apply", "deploy", "destroy"],
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
    const files = prepareTerraform(c, dir);
    const reconfigure = backendChanged(files, dir);
    return { files, commands: terraformCommands(c, action as TerraformAction, dir, extra, { reconfigure }) };
  },
};
