import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import {
  packerCommands,
  PACKER_ACTIONS,
  preparePacker,
  type PackerAction,
} from "../components/packer/driver.js";
import { ANSIBLE_ACTIONS, inventoryOf, recapLines } from "../components/ansible/driver.js";
import { preparePlaybook, runPlaybook, type PlaybookRun } from "../components/ansible/run.js";
import {
  backendChanged,
  checkRunnable,
  componentDir,
  dryRunText,
  prepareTerraform,
  TERRAFORM_ACTIONS,
  terraformCommands,
  varfileName,
  type PreparedFile,
  type TerraformAction,
  type ToolCommand,
} from "../components/terraform/driver.js";
import type { StackEngine } from "../stack/engine.js";
import type { ResolvedComponent } from "../stack/types.js";
import { SlipwayError } from "../core/errors.js";
import { checkComponentVariables } from "../components/variables.js";
import { requireTool } from "../core/tools.js";
import { writeFileAtomic } from "../core/fs-atomic.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack } from "./open-engine.js";
import { formatError, formatWarning } from "./output.js";

/**
 * The parts every driver command shares: the action checked, the component resolved, runnable, its folder
 * there, and its variables checked against the module's `variable` blocks (errors stop the run).
 */
async function openComponent(
  c: CommandContext,
  type: "terraform" | "packer" | "ansible",
  actions: readonly string[],
  folderHint: string,
): Promise<
  | { blocked: CommandResult }
  | {
      action: string;
      component: string;
      resolved: ResolvedComponent;
      dir: string;
      notes: string[];
      engine: StackEngine;
    }
> {
  const [action, component] = c.args as [string, string];
  if (!actions.includes(action)) {
    throw new SlipwayError({
      code: "usage",
      message: `unknown ${type} action "${action}"`,
      hint: `actions: ${actions.join(", ")}`,
    });
  }
  const { engine, notes } = openEngine(c);
  const resolved = engine.resolveComponent(requireStack(c), component, type);
  checkRunnable(resolved, action);
  const dir = componentDir(engine.config.components, resolved);
  if (!existsSync(dir)) {
    throw new SlipwayError({
      code: "validation",
      message: `component folder ${relative(c.cwd, dir)} does not exist`,
      hint: `${folderHint}, or fix metadata.component`,
    });
  }
  const report =
    action === "clean" || action === "inventory"
      ? undefined
      : await checkComponentVariables(engine, resolved, dir);
  const warnings = (report?.warnings ?? []).map((w) => formatWarning(w, c.cwd));
  if (report && report.errors.length > 0) {
    const errors = report.errors.map((e) => formatError(e, c.cwd));
    return { blocked: { notes: [...notes, ...warnings, ...errors], exitCode: 1 } };
  }
  return { action, component, resolved, dir, notes: [...notes, ...warnings], engine };
}

/** `slipway terraform <action> <component> -s <stack> [--dry-run] [-- extra args]` */
export async function terraformCommand(c: CommandContext): Promise<CommandResult> {
  const opened = await openComponent(
    c,
    "terraform",
    TERRAFORM_ACTIONS,
    "create the OpenTofu root module there",
  );
  if ("blocked" in opened) return opened.blocked;
  const { action, component, resolved, dir, notes } = opened;
  if (action === "clean" && !c.flags["dry-run"]) {
    for (const p of [join(dir, varfileName(resolved)), join(dir, "backend.tf.json"), join(dir, ".terraform")])
      rmSync(p, { recursive: true, force: true });
    return { text: `cleaned ${relative(c.cwd, dir) || "."}\n`, notes };
  }
  const files = prepareTerraform(resolved, dir);
  const reconfigure = backendChanged(files, dir);
  const commands = terraformCommands(resolved, action as TerraformAction, dir, c.extra ?? [], {
    reconfigure,
  });
  return execute(c, resolved, files, commands, `terraform ${action} ${component}`, notes);
}

/** `slipway packer <init|validate|build|fmt|inspect> <component> -s <stack> [--dry-run] [-- extra args]` */
export async function packerCommand(c: CommandContext): Promise<CommandResult> {
  const opened = await openComponent(c, "packer", PACKER_ACTIONS, "create the Packer template there");
  if ("blocked" in opened) return opened.blocked;
  const { action, component, resolved, dir, notes } = opened;
  const commands = packerCommands(resolved, action as PackerAction, dir, c.extra ?? []);
  return execute(c, resolved, preparePacker(resolved, dir), commands, `packer ${action} ${component}`, notes);
}

/** `slipway ansible <run|inventory> <component> -s <stack> [--limit H] [--tags T] [--check] [--diff]` */
export async function ansibleCommand(c: CommandContext): Promise<CommandResult> {
  const opened = await openComponent(c, "ansible", ANSIBLE_ACTIONS, "create the playbook folder there");
  if ("blocked" in opened) return opened.blocked;
  const { action, component, resolved, notes, engine } = opened;
  if (action === "inventory") return { data: inventoryOf(resolved), notes };
  const flag = (n: string) => (typeof c.flags[n] === "string" ? (c.flags[n] as string) : undefined);
  const run = preparePlaybook(
    engine,
    resolved,
    { limit: flag("limit"), tags: flag("tags"), check: c.flags.check === true, diff: c.flags.diff === true },
    c.extra ?? [],
    c.env,
  );
  return playbookCommand(c, engine, run, `ansible ${action} ${component}`, notes);
}

/**
 * A prepared playbook run as a command result: on --dry-run the files and argv; otherwise the run, with
 * failures per host and task and the recap as notes, and ansible-playbook's exit code.
 */
export async function playbookCommand(
  c: CommandContext,
  engine: StackEngine,
  run: PlaybookRun,
  what: string,
  notes: string[] = [],
): Promise<CommandResult> {
  if (c.flags["dry-run"])
    return { text: dryRunText(run.files, run.commands, (p) => relative(c.cwd, p) || "."), notes };
  const outcome = await runPlaybook(run, what, c.env, engine.config.basePath);
  return {
    notes: [
      ...notes,
      ...outcome.failures.map((f) => `error: ${f}`),
      ...recapLines(outcome.recap).map((l) => `recap: ${l}`),
      ...(outcome.exitCode !== 0 && outcome.failures.length === 0
        ? [`error: ${what}: ansible-playbook failed (exit ${outcome.exitCode})`]
        : []),
    ],
    exitCode: outcome.exitCode,
  };
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
  if (c.flags["dry-run"]) return { text: dryRunText(files, commands, show), notes };
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
