import { join } from "node:path";
import { SlipwayError } from "../../core/errors.js";
import type { ComponentType, PreparedRun } from "../component-type.js";
import { holdsSecrets, revealSecrets } from "../secret-values.js";
import type { ResolvedComponent } from "../../stack/types.js";
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
    const { plain, secrets } = splitSecretVars(c);
    const files = prepareTerraform(plain, dir);
    const reconfigure = backendChanged(files, dir);
    return {
      files,
      commands: terraformCommands(plain, action as TerraformAction, dir, extra, { reconfigure }),
      ...(secrets ? { secrets } : {}),
    };
  },
};

/**
 * Vars that hold a `!secret` stay out of the varfile (no plaintext secret on disk): they reach the tool as
 * TF_VAR_<name>, decrypted just before it starts — a string as it is, anything else as JSON (which HCL reads).
 */
function splitSecretVars(c: ResolvedComponent): {
  plain: ResolvedComponent;
  secrets?: PreparedRun["secrets"];
} {
  const names = Object.keys(c.vars).filter((k) => holdsSecrets(c.vars[k]));
  if (names.length === 0) return { plain: c };
  const vars = { ...c.vars };
  for (const k of names) delete vars[k];
  return {
    plain: { ...c, vars },
    secrets: async () => {
      const env: Record<string, string> = {};
      for (const k of names) {
        const v = await revealSecrets(c.vars[k]);
        env[`TF_VAR_${k}`] = typeof v === "string" ? v : JSON.stringify(v);
      }
      return env;
    },
  };
}
