import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import {
  packerCommands,
  PACKER_ACTIONS,
  preparePacker,
  type PackerAction,
} from "../components/packer/driver.js";
import {
  checkRunnable,
  prepareTerraform,
  TERRAFORM_ACTIONS,
  terraformCommands,
  varfileName,
  type PreparedFile,
  type TerraformAction,
  type ToolCommand,
} from "../components/terraform/driver.js";
import type { ResolvedComponent } from "../stack/types.js";
import { SlipwayError } from "../errors.js";
import { requireTool } from "../exec/tools.js";
import { writeFileAtomic } from "../fs-atomic.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack } from "./open-engine.js";

/** `slipway terraform <action> <component> -s <stack> [--dry-run] [-- extra args]` */
export function terraformCommand(c: CommandContext): CommandResult {
  const [action, component] = c.args as [string, string];
  if (!(TERRAFORM_ACTIONS as readonly string[]).includes(action)) {
    throw new SlipwayError({
      code: "usage",
      message: `unknown terraform action "${action}"`,
      hint: `actions: ${TERRAFORM_ACTIONS.join(", ")}`,
    });
  }
  const { engine, notes } = openEngine(c);
  const resolved = engine.resolveComponent(requireStack(c), component, "terraform");
  checkRunnable(resolved, action);
  const dir = join(engine.config.components.terraform.basePath, resolved.component);
  if (!existsSync(dir)) {
    throw new SlipwayError({
      code: "validation",
      message: `component folder ${relative(c.cwd, dir)} does not exist`,
      hint: "create the OpenTofu root module there, or fix metadata.component",
    });
  }
  const files = prepareTerraform(resolved, dir);
  const commands = terraformCommands(resolved, action as TerraformAction, dir, c.extra ?? []);
  if (action === "clean" && !c.flags["dry-run"]) {
    for (const p of [join(dir, varfileName(resolved)), join(dir, "backend.tf.json"), join(dir, ".terraform")])
      rmSync(p, { recursive: true, force: true });
    return { text: `cleaned ${relative(c.cwd, dir) || "."}\n`, notes };
  }
  return execute(c, resolved, files, commands, `terraform ${action} ${component}`, notes);
}

/** `slipway packer <init|validate|build|fmt|inspect> <component> -s <stack> [--dry-run] [-- extra args]` */
export function packerCommand(c: CommandContext): CommandResult {
  const [action, component] = c.args as [string, string];
  if (!(PACKER_ACTIONS as readonly string[]).includes(action)) {
    throw new SlipwayError({
      code: "usage",
      message: `unknown packer action "${action}"`,
      hint: `actions: ${PACKER_ACTIONS.join(", ")}`,
    });
  }
  const { engine, notes } = openEngine(c);
  const resolved = engine.resolveComponent(requireStack(c), component, "packer");
  checkRunnable(resolved, action);
  const dir = join(engine.config.components.packer.basePath, resolved.component);
  if (!existsSync(dir)) {
    throw new SlipwayError({
      code: "validation",
      message: `component folder ${relative(c.cwd, dir)} does not exist`,
      hint: "create the Packer template there, or fix metadata.component",
    });
  }
  return execute(
    c,
    resolved,
    preparePacker(resolved, dir),
    packerCommands(resolved, action as PackerAction, dir, c.extra ?? []),
    `packer ${action} ${component}`,
    notes,
  );
}

/** Dry run: print files and argv; otherwise write the files and run the commands, stopping at a failure. */
function execute(
  c: CommandContext,
  resolved: ResolvedComponent,
  files: PreparedFile[],
  commands: ToolCommand[],
  what: string,
  notes: string[],
): CommandResult {
  const show = (p: string) => relative(c.cwd, p) || ".";
  if (c.flags["dry-run"]) {
    const lines = [
      ...files.flatMap((f) => [`# would write ${show(f.path)}`, f.content.trimEnd()]),
      ...commands.map(
        (cmd) =>
          `# would run in ${show(cmd.cwd)}${Object.keys(cmd.env).length ? ` with ${Object.keys(cmd.env).join(", ")}` : ""}\n${cmd.argv.join(" ")}`,
      ),
    ];
    return { text: lines.join("\n") + "\n", notes };
  }
  requireTool(resolved.command, what, c.env);
  for (const f of files) writeFileAtomic(f.path, f.content);
  for (const cmd of commands) {
    const r = spawnSync(cmd.argv[0]!, cmd.argv.slice(1), {
      cwd: cmd.cwd,
      env: { ...c.env, ...cmd.env } as NodeJS.ProcessEnv,
      stdio: "inherit",
    });
    if (r.status !== 0) {
      return {
        notes: [
          ...notes,
          `error: ${cmd.argv.join(" ")} failed (exit ${r.status ?? r.signal}) for component "${resolved.atmos_component}" in stack "${resolved.atmos_stack}"`,
        ],
        exitCode: r.status ?? 1,
      };
    }
  }
  return { notes };
}
