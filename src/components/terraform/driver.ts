import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { toolEnv, type PreparedFile, type ToolCommand } from "../component-type.js";
import type { ResolvedComponent } from "../../stack/types.js";

export const TERRAFORM_ACTIONS = [
  "init",
  "plan",
  "apply",
  "deploy",
  "destroy",
  "output",
  "validate",
  "workspace",
  "clean",
  // The tool's other subcommands, passed through with what each reads prepared.
  "show",
  "state",
  "import",
  "console",
  "providers",
  "fmt",
  "force-unlock",
  "taint",
  "untaint",
  "refresh",
  "graph",
  "test",
] as const;
export type TerraformAction = (typeof TERRAFORM_ACTIONS)[number];

/** The varfile name Atmos uses, so existing .gitignore rules keep working. */
export function varfileName(c: ResolvedComponent): string {
  return `${c.atmos_stack.replace(/\//g, "-")}-${c.atmos_component.replace(/\//g, "-")}.terraform.tfvars.json`;
}

/** The varfile and backend file for a component, as JSON (OpenTofu and Terraform read both). */
export function prepareTerraform(c: ResolvedComponent, dir: string): PreparedFile[] {
  const files: PreparedFile[] = [
    { path: join(dir, varfileName(c)), content: JSON.stringify(c.vars, null, 2) + "\n" },
  ];
  if (c.backend_type) {
    files.push({
      path: join(dir, "backend.tf.json"),
      content: JSON.stringify({ terraform: { backend: { [c.backend_type]: c.backend } } }, null, 2) + "\n",
    });
  }
  return files;
}

/**
 * Whether `init` needs `-reconfigure`: the folder was never initialised, or the backend file about to be
 * written differs from the one it was initialised with. Re-running `init -reconfigure` on an unchanged local
 * backend makes OpenTofu offer to migrate every workspace onto itself, which fails without a terminal.
 */
export function backendChanged(files: PreparedFile[], dir: string): boolean {
  if (!existsSync(join(dir, ".terraform", "terraform.tfstate"))) return true;
  const file = join(dir, "backend.tf.json");
  const next = files.find((f) => f.path === file)?.content;
  const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  return next !== current;
}

/**
 * The commands one action runs, in order (deploy = init, workspace, apply -auto-approve). `init` runs with
 * `-reconfigure` unless `reconfigure: false` says the backend is the one the folder already uses.
 */
export function terraformCommands(
  c: ResolvedComponent,
  action: TerraformAction,
  dir: string,
  extra: string[],
  opts: { reconfigure?: boolean } = {},
): ToolCommand[] {
  const tool = c.command;
  const env = toolEnv(c);
  const cmd = (...argv: string[]): ToolCommand => ({ argv: [tool, ...argv], env, cwd: dir });
  const varfile = `-var-file=${varfileName(c)}`;
  const workspace = c.workspace ? [cmd("workspace", "select", "-or-create", c.workspace)] : [];
  const init = opts.reconfigure === false ? cmd("init") : cmd("init", "-reconfigure");
  switch (action) {
    case "init":
      return [{ ...init, argv: [...init.argv, ...extra] }];
    case "workspace":
      return workspace;
    case "plan":
      return [init, ...workspace, cmd("plan", varfile, ...extra)];
    case "apply":
      return [init, ...workspace, cmd("apply", varfile, ...extra)];
    case "deploy":
      return [init, ...workspace, cmd("apply", varfile, "-auto-approve", ...extra)];
    case "destroy":
      return [init, ...workspace, cmd("destroy", varfile, ...extra)];
    case "output":
      return [...workspace, cmd("output", ...extra)];
    case "validate":
      return [cmd("init", "-backend=false"), cmd("validate", ...extra)];
    case "clean":
      return [];
    // Read the state: the backend and the workspace.
    case "show":
    case "state":
    case "force-unlock":
    case "taint":
    case "untaint":
      return [init, ...workspace, cmd(action, ...extra)];
    // Read the variables too.
    case "import":
    case "console":
    case "refresh":
      return [init, ...workspace, cmd(action, varfile, ...extra)];
    case "test":
      return [init, cmd("test", varfile, ...extra)];
    // The configuration only (providers and graph need the providers installed).
    case "providers":
    case "graph":
      return [init, cmd(action, ...extra)];
    case "fmt":
      return [cmd("fmt", ...extra)];
  }
}

/** `state` subcommands that change the state: refused on a locked component, like apply. */
export const STATE_CHANGES = new Set(["mv", "rm", "push", "replace-provider"]);
