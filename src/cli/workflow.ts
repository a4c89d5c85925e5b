import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { runWorkflow } from "../workflow/runner.js";
import { findWorkflowFile, loadWorkflows } from "../workflow/workflow-file.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openStacks } from "../repo/open-stacks.js";
import type { StackEngine } from "../stack/engine.js";

function workflowsDir(c: CommandContext): string {
  return openStacks({ cwd: c.cwd, env: c.env, config: c.flags.config as string | undefined }).config
    .workflowsBasePath;
}

/** `slipway workflow <name> -f <file> [-s stack] [--from-step NAME] [--dry-run]` */
export async function workflowCommand(c: CommandContext): Promise<CommandResult> {
  const ref = c.flags.file;
  if (typeof ref !== "string")
    throw new SlipwayError({
      code: "usage",
      message: "missing -f <file>",
      hint: "`slipway workflow list` lists the workflow files",
    });
  const file = findWorkflowFile(ref, c.cwd, workflowsDir(c));
  const all = loadWorkflows(file);
  const name = c.args[0]!;
  const w = all.get(name);
  if (!w)
    throw new SlipwayError({
      code: "usage",
      message: `no workflow "${name}" in ${relative(c.cwd, file)}`,
      file,
      hint: `workflows there: ${[...all.keys()].join(", ")}`,
    });
  let engine: StackEngine | undefined;
  const result = await runWorkflow(
    w,
    {
      stack: c.flags.stack as string | undefined,
      fromStep: c.flags["from-step"] as string | undefined,
      dryRun: c.flags["dry-run"] === true,
      env: c.env,
      cwd: c.cwd,
      out: (s) => process.stdout.write(s),
      component: (component, stack) =>
        (engine ??= openStacks({
          cwd: c.cwd,
          env: c.env,
          config: c.flags.config as string | undefined,
        }).engine).resolveComponent(stack, component),
      slipway: (argv, io) => {
        if (!c.runSlipway) throw new Error("workflow steps need the CLI's in-process runner");
        return c.runSlipway(argv, io);
      },
    },
    ref,
  );
  const failed = result.steps.find((s) => s.status === "failed");
  if (!failed)
    return {
      text: `workflow ${name}: ${result.steps.length} step(s) ${c.flags["dry-run"] ? "planned (dry run)" : "done"}\n`,
    };
  return {
    notes: [
      `error: workflow ${name} failed at step "${failed.name}": ${failed.command} exited ${failed.exitCode}${failed.message ? ` (${failed.message})` : ""}`,
      `  resume with: ${result.resume}`,
    ],
    exitCode: failed.exitCode || 1,
  };
}

/** `slipway workflow list` */
export function workflowListCommand(c: CommandContext): CommandResult {
  const dir = workflowsDir(c);
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch {
    throw new SlipwayError({
      code: "config",
      message: `workflows folder ${dir} does not exist`,
      hint: "set workflows.base_path in slipway.yaml",
    });
  }
  const rows = files.flatMap((f) =>
    [...loadWorkflows(join(dir, f)).values()].map((w) => ({
      file: f.replace(/\.ya?ml$/, ""),
      workflow: w.name,
      steps: w.steps.length,
      description: w.description ?? "",
    })),
  );
  if (c.flags.format) return { data: rows };
  return {
    text: rows
      .map(
        (r) =>
          `${r.file.padEnd(16)} ${r.workflow.padEnd(18)} ${String(r.steps).padStart(2)} steps  ${r.description}\n`,
      )
      .join(""),
  };
}
