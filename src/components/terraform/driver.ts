import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assetsDir } from "../../core/assets.js";
import { SlipwayError } from "../../core/errors.js";
import type { ResolvedComponent } from "../../stack/types.js";

/** A file a driver writes before running the tool. */
export interface PreparedFile {
  path: string;
  content: string;
}

/** One tool invocation: argv, extra env, working folder. */
export interface ToolCommand {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

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
] as const;
export type TerraformAction = (typeof TERRAFORM_ACTIONS)[number];
const CHANGES = new Set<TerraformAction>(["apply", "deploy", "destroy"]);

/** The varfile name Atmos uses, so existing .gitignore rules keep working. */
export function varfileName(c: ResolvedComponent): string {
  return `${c.atmos_stack.replace(/\//g, "-")}-${c.atmos_component.replace(/\//g, "-")}.terraform.tfvars.json`;
}

/** Refuses what must not run: abstract or disabled components always, locked ones for changes. */
export function checkRunnable(c: ResolvedComponent, action: string): void {
  const what = `${c.component_type} component "${c.atmos_component}" in stack "${c.atmos_stack}"`;
  if (c.metadata.type === "abstract")
    throw new SlipwayError({
      code: "validation",
      message: `${what} is abstract: a base for other components, never deployed`,
      hint: "run the components that inherit from it",
    });
  if (c.metadata.enabled === false)
    throw new SlipwayError({
      code: "validation",
      message: `${what} is disabled (metadata.enabled: false)`,
      hint: "enable it in the stack to run it",
    });
  if (c.metadata.locked === true && CHANGES.has(action as TerraformAction)) {
    throw new SlipwayError({
      code: "validation",
      message: `${what} is locked (metadata.locked: true): ${action} would change it`,
      hint: "plan still works; unlock it in the stack to change it",
    });
  }
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
  const env = Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, String(v)]));
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
  }
}

/**
 * The component's folder under its type's base path. The built-in k3s ansible component runs the playbooks
 * shipped in assets/ansible unless the repository has its own folder for it.
 */
export function componentDir(basePaths: Record<string, { basePath: string }>, c: ResolvedComponent): string {
  const dir = join(basePaths[c.component_type]!.basePath, c.component);
  if (c.component_type === "ansible" && c.component === "k3s" && !existsSync(dir))
    return join(assetsDir(), "ansible");
  return dir;
}

/** What a dry run shows: each file with its content, each command with its folder and extra env. */
export function dryRunText(
  files: PreparedFile[],
  commands: ToolCommand[],
  show: (p: string) => string = (p) => p,
): string {
  return (
    [
      ...files.flatMap((f) => [`# would write ${show(f.path)}`, f.content.trimEnd()]),
      ...commands.map(
        (cmd) =>
          `# would run in ${show(cmd.cwd)}${Object.keys(cmd.env).length ? ` with ${Object.keys(cmd.env).join(", ")}` : ""}\n${cmd.argv.join(" ")}`,
      ),
    ].join("\n") + "\n"
  );
}
