import { existsSync, rmSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
import { assertInside, isInside } from "../core/paths.js";
import { SlipwayError } from "../core/errors.js";
import { writeFileAtomic, makeDirs } from "../core/fs-atomic.js";
import { installHint, onPath, tooOld } from "../core/tools.js";
import type { Warning } from "../core/place.js";
import type { ComponentTypeName } from "../schema/cli-config.js";
import type { StackEngine } from "../stack/engine.js";
import type { ResolvedComponent } from "../stack/types.js";
import {
  checkRunnable,
  dryRunText,
  type ComponentType,
  type PreparedRun,
  type ToolCommand,
} from "./component-type.js";
import { componentDir, componentType } from "./registry.js";
import { checkComponentVariables } from "./variables.js";
import { holdsSecrets } from "./secret-values.js";
import { stripVTControlCharacters } from "node:util";
import { spawnGroup } from "../exec/spawn.js";

/** One action of one component, to be prepared and run: `slipway <type> …`, `plan`/`apply` and workflows. */
export interface RunRequest {
  engine: StackEngine;
  component: ResolvedComponent;
  action: string;
  env: Record<string, string | undefined>;
  /** Arguments after `--`, for the tool. */
  extra?: string[];
  /** The type's own options (ansible: limit, tags, check, diff, playbook). */
  options?: Record<string, unknown>;
}

/** A run ready to go: what it writes and runs, and what the variable check found. */
export interface ReadyRun {
  type: ComponentType;
  component: ResolvedComponent;
  action: string;
  dir: string;
  run: PreparedRun;
  /** Variables the stack sets that the module does not declare. */
  warnings: Warning[];
  /** Required variables the stack does not set: the run must not start. */
  errors: SlipwayError[];
}

/**
 * Checks and prepares one action: the action known to the type, the component runnable (not abstract,
 * disabled, or locked for a change), its folder there, its variables checked against the module, and its
 * files and commands worked out. Throws a SlipwayError for what stops it.
 */
export async function prepareRun(req: RunRequest): Promise<ReadyRun> {
  const { engine, component: c, action } = req;
  const type = checkedType(c, action);
  refuseSecretsOutsideVars(c);
  const dir = componentDir(engine.config.components, c);
  if (type.folder.required && !existsSync(dir)) {
    throw new SlipwayError({
      code: "validation",
      message: `component folder ${relative(engine.config.basePath, dir) || "."} does not exist (component "${c.atmos_component}" in stack "${c.atmos_stack}")`,
      hint: `${type.folder.hint}, or fix metadata.component`,
    });
  }
  const report = type.noVariableCheck.includes(action)
    ? undefined
    : await checkComponentVariables(engine, c, dir);
  const run = type.prepare(c, action, {
    engine,
    dir,
    extra: req.extra ?? [],
    env: req.env,
    options: req.options ?? {},
  });
  // Files written from stack data stay in the repository (or the type's own base path, when configured
  // outside it): a metadata.component of `../../x` must not make a run write there.
  const roots = [engine.config.basePath, engine.config.components[type.name]!.basePath];
  for (const f of run.files) {
    if (!roots.some((root) => isInside(root, f.path)))
      assertInside(
        roots[0]!,
        f.path,
        `the ${basename(f.path)} of ${type.name} component "${c.atmos_component}"`,
        {},
        "fix metadata.component: it names a folder under the component type's base path",
      );
  }
  return {
    type,
    component: c,
    action,
    dir,
    run,
    warnings: report?.warnings ?? [],
    errors: report?.errors ?? [],
  };
}

/**
 * A `!secret` reaches a tool only through terraform vars (as TF_VAR_…, never a file): anywhere else it would
 * be written out, so it is refused, naming where it is.
 */
function refuseSecretsOutsideVars(c: ResolvedComponent): void {
  for (const [section, value] of Object.entries(c)) {
    if (section === "vars" && c.component_type === "terraform") continue;
    if (!holdsSecrets(value)) continue;
    throw new SlipwayError({
      code: "validation",
      message: `component "${c.atmos_component}" (stack "${c.atmos_stack}") uses !secret in ${section}: slipway passes secrets to terraform vars only (as TF_VAR_…), so it never writes one to a file`,
      hint: "move the !secret to a terraform component's vars, or read the value in the tool itself (sops exec-env)",
    });
  }
}

/** The type of a component, once the action is one it accepts and the component may do it. */
function checkedType(c: ResolvedComponent, action: string): ComponentType {
  const type = componentType(c.component_type as ComponentTypeName);
  if (!type.actions.includes(action)) {
    throw new SlipwayError({
      code: "usage",
      message: `unknown ${type.name} action "${action}"`,
      hint: type.actions.length ? `actions: ${type.actions.join(", ")}` : type.folder.hint,
    });
  }
  checkRunnable(c, action, type.changes);
  return type;
}

/**
 * What a data action shows (ansible `inventory`), or undefined when `action` runs the tool instead. The
 * same checks as a run: the action known, the component not abstract or disabled.
 */
export function dataOf(c: ResolvedComponent, action: string): { data: unknown } | undefined {
  const show = componentType(c.component_type as ComponentTypeName).dataActions?.[action];
  if (!show) return undefined;
  checkedType(c, action);
  return { data: show(c) };
}

/** How a run went. `done` means every command ran and exited 0 and the tool reported no failure. */
export interface RunOutcome {
  status: "done" | "failed" | "dry-run";
  /** Whether any command started: false for a dry run and for a tool that is missing or too old. */
  started: boolean;
  /** The first non-zero exit code (127 when a command could not start). */
  exitCode?: number;
  /** Why it failed, in one line. */
  reason?: string;
  /** Per host and task (ansible), or the tool that could not run. */
  failures: string[];
  /** What the tool reported besides failures (the ansible recap). */
  notes: string[];
  /** The signal that stopped the run (Ctrl-C, SIGTERM): the caller starts nothing more. */
  interrupted?: NodeJS.Signals;
}

export interface ExecuteOptions {
  env: Record<string, string | undefined>;
  dryRun: boolean;
  /** Where the tool's output goes: this terminal, or a log stream (written without colour codes). */
  output: "inherit" | NodeJS.WritableStream;
  /** Dry-run text: what it would write and run, with paths as `show` prints them. */
  onDryRun: (text: string) => void;
  show?: (path: string) => string;
}

/**
 * Runs a prepared action for real — or, on a dry run, shows it and runs nothing. A tool that is missing or
 * too old is a failure, never a skip: nothing ran, so nothing may look done.
 */
export async function executeRun(ready: ReadyRun, opts: ExecuteOptions): Promise<RunOutcome> {
  const { run, type } = ready;
  if (opts.dryRun) {
    opts.onDryRun(dryRunText(run.files, run.commands, opts.show, run.removes));
    return { status: "dry-run", started: false, failures: [], notes: [] };
  }
  const graceMs = toolGraceMs(opts.env);
  const tool = run.commands[0]?.argv[0];
  const unusable =
    tool === undefined
      ? undefined
      : onPath(tool, opts.env, run.commands[0]!.cwd)
        ? tooOld(tool, opts.env, minimumFor(type, ready.action), run.commands[0]!.cwd)
        : `${tool} is not on PATH`;
  if (unusable !== undefined) {
    const what = `${type.name} ${ready.action} ${ready.component.atmos_component}`;
    return {
      status: "failed",
      started: false,
      reason: `${unusable} (install it, or add --dry-run)`,
      failures: [`${unusable}; nothing ran (${what} needs it; ${installHint(tool!)})`],
      notes: [],
    };
  }
  for (const f of run.files) {
    makeDirs(dirname(f.path));
    writeFileAtomic(f.path, f.content);
  }
  for (const r of run.reports ?? []) rmSync(r, { force: true });
  const secrets = (await run.secrets?.()) ?? {};
  let exitCode = 0;
  let failedCommand: ToolCommand | undefined;
  let interrupted: NodeJS.Signals | undefined;
  const log = opts.output === "inherit" ? undefined : opts.output;
  for (const cmd of run.commands) {
    log?.write(`$ ${cmd.argv.join(" ")}\n`);
    const r = await spawnGroup(cmd.argv, {
      cwd: cmd.cwd,
      env: { ...opts.env, ...secrets, ...cmd.env },
      output: log ? (chunk) => log.write(stripVTControlCharacters(chunk)) : "inherit",
      graceMs,
    });
    if (r.startError) log?.write(`${cmd.argv[0]}: ${r.startError}\n`);
    exitCode = r.code;
    if (r.interrupted) {
      interrupted = r.interrupted;
      const how = r.killed
        ? `did not stop within ${graceMs / 1000} s and was killed${type.name === "terraform" ? "; its state lock may still be held (tofu force-unlock)" : ""}`
        : "stopped";
      return {
        status: "failed",
        started: true,
        exitCode,
        reason: `interrupted by ${r.interrupted}: ${cmd.argv.slice(0, 2).join(" ")} ${how}`,
        failures: [],
        notes: [],
        interrupted,
      };
    }
    if (exitCode !== 0) {
      failedCommand = cmd;
      break;
    }
  }
  if (exitCode === 0) for (const p of run.removes ?? []) rmSync(p, { recursive: true, force: true });
  const reported = run.outcome?.() ?? { failures: [], notes: [] };
  if (exitCode === 0 && reported.failures.length === 0)
    return { status: "done", started: true, exitCode, ...reported };
  return {
    status: "failed",
    started: true,
    exitCode: exitCode || 1,
    reason:
      reported.failures.length > 0
        ? reported.failures.join("; ")
        : `${failedCommand!.argv.join(" ")} failed (exit ${exitCode})`,
    ...reported,
  };
}

const minimumFor = (type: ComponentType, action: string) =>
  type.minimumVersion?.for.includes(action) ? type.minimumVersion.version : undefined;

/**
 * How long a tool gets to stop after Ctrl-C or SIGTERM before it is killed: tofu uses it to finish the
 * resource in flight and release its state lock. `SLIPWAY_KILL_GRACE` (seconds) changes it.
 */
function toolGraceMs(env: Record<string, string | undefined>): number {
  const v = env.SLIPWAY_KILL_GRACE;
  if (v === undefined || v === "") return 30_000;
  const s = Number(v);
  // A typo would otherwise leave the default in force without a word: refused before anything runs.
  if (!/^\s*\d+(\.\d+)?\s*$/.test(v) || !Number.isFinite(s))
    throw new SlipwayError({
      code: "usage",
      message: `SLIPWAY_KILL_GRACE must be a number of seconds (0 or more), not "${v}"`,
      hint: "unset it for the default of 30 s, or set e.g. SLIPWAY_KILL_GRACE=60",
    });
  return s * 1000;
}
