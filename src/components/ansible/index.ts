import { existsSync } from "node:fs";
import { join } from "node:path";
import { assetsDir } from "../../core/assets.js";
import type { ComponentType } from "../component-type.js";
import { inventoryOf, readAnsibleEvents, recapLines } from "./driver.js";
import { preparePlaybook, secretEnv } from "./run.js";

const flag = (o: Record<string, unknown>, name: string) =>
  typeof o[name] === "string" ? (o[name] as string) : undefined;

/** Ansible playbooks: a generated inventory and extra vars, `ansible-playbook`, and its event stream read back. */
export const ansibleType: ComponentType = {
  name: "ansible",
  defaultCommand: () => "ansible-playbook",
  actions: ["run", "inventory", "syntax-check"],
  // plan = a syntax check: it reads the playbook and the inventory and touches no host.
  stackActions: { plan: "syntax-check", apply: "run" },
  checksOnly: { "syntax-check": "slipway ansible run <component> -s <stack> --check --diff" },
  changes: ["run"],
  noVariableCheck: ["inventory"],
  folder: { required: false, hint: "create the playbook folder there" },
  builtins: async () => ({ k3s: (await import("./k3s-vars.js")).NodesVars }),
  // The built-in k3s component runs the playbooks shipped in assets/ansible unless the repository has
  // its own folder for it.
  folderOf: (c, dir) => (c.component === "k3s" && !existsSync(dir) ? join(assetsDir(), "ansible") : dir),
  dataActions: { inventory: inventoryOf },
  prepare(c, action, { engine, dir, extra, env, options }) {
    const run = preparePlaybook(
      engine,
      c,
      dir,
      {
        syntaxCheck: action === "syntax-check",
        limit: flag(options, "limit"),
        tags: flag(options, "tags"),
        check: options.check === true,
        diff: options.diff === true,
        playbook: flag(options, "playbook"),
      },
      extra,
      env,
    );
    return {
      files: run.files,
      commands: run.commands,
      // The playbook's secrets (the k3s join token) reach its environment, never a file.
      secrets: () => secretEnv(run, engine.config.basePath, env),
      reports: [run.events],
      outcome: () => {
        const o = readAnsibleEvents(run.events);
        return { failures: o.failures, notes: recapLines(o.recap).map((l) => `recap: ${l}`) };
      },
    };
  },
};
