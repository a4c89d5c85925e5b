import type { ComponentType } from "../component-type.js";
import { packerCommands, PACKER_ACTIONS, preparePacker, type PackerAction } from "./driver.js";

/** Packer templates: a JSON varfile, then `packer <action>` in the template's folder. */
export const packerType: ComponentType = {
  name: "packer",
  defaultCommand: () => "packer",
  actions: PACKER_ACTIONS,
  stackActions: { plan: "validate", apply: "build" },
  changes: ["build"],
  noVariableCheck: [],
  folder: { required: true, hint: "create the Packer template there" },
  builtins: async () => ({}),
  // Packer before 1.7 cannot load the plugins an HCL2 template's required_plugins names (fmt never does).
  minimumVersion: { version: [1, 7], for: ["init", "validate", "build"] },
  prepare: (c, action, { dir, extra }) => ({
    files: preparePacker(c, dir),
    commands: packerCommands(c, action as PackerAction, dir, extra),
  }),
};
