import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readAnsibleEvents } from "../components/ansible/driver.js";
import { preparePlaybook, secretEnv, type PlaybookRun } from "../components/ansible/run.js";
import { packerCommands, preparePacker } from "../components/packer/driver.js";
import {
  backendChanged,
  checkRunnable,
  componentDir,
  dryRunText,
  prepareTerraform,
  terraformCommands,
  type PreparedFile,
  type ToolCommand,
} from "../components/terraform/driver.js";
import { SlipwayError } from "../core/errors.js";
import { placed } from "../core/place.js";
import type { StackEngine } from "../stack/engine.js";
import type { ResolvedComponent, Warning } from "../stack/types.js";
import { checkComponentVariables } from "../components/variables.js";
import { onPath, tooOld } from "../core/tools.js";

export type StackAction = "plan" | "apply";

export interface StackRunOptions {
  parallelism: number;
  dryRun: boolean;
  env: Record<string, string | undefined>;
  logDir: string;
  /** State changes, for the live display or plain lines. */
  progress: (e: ProgressEvent) => void;
}

/** One component's state change: every component starts `waiting`; `note` says why (dry run, failure). */
export interface ProgressEvent {
  component: string;
  type: string;
  state: "waiting" | "running" | "done" | "dry-run" | "failed" | "skipped";
  note?: string;
  /** Milliseconds the component has run, for finished states. */
  ms?: number;
}

export interface ComponentRun {
  component: string;
  type: string;
  status: "done" | "failed" | "skipped" | "dry-run";
  ms: number;
  log: string;
  exitCode?: number;
  reason?: string;
  /** Variable-check warnings (vars the module does not declare), already formatted with file:line. */
  warnings: Warning[];
}

interface Node {
  c: ResolvedComponent;
  deps: string[];
}

/** `settings.depends_on` in Atmos's form: a map (or list) of `{component: name}`; other stacks are not ours to order. */
function dependsOn(c: ResolvedComponent): string[] {
  const raw = c.settings.depends_on;
  const items = Array.isArray(raw) ? raw : raw && typeof raw === "object" ? Object.values(raw) : [];
  return items.flatMap((d) => {
    const o = d as Record<string, unknown>;
    if (typeof d === "string") return [d];
    if (typeof o?.component !== "string") return [];
    if (typeof o.stack === "string" && o.stack !== c.atmos_stack) return [];
    return [o.component];
  });
}

/** The stack's runnable components with their dependencies, checked: unknown targets and cycles are errors before anything runs. */
export function planGraph(engine: StackEngine, stack: string): Node[] {
  const entry = engine.stack(stack);
  const nodes: Node[] = [];
  for (const type of ["packer", "terraform", "ansible"] as const) {
    for (const name of entry.componentNames(type)) {
      const c = engine.resolveComponent(entry.name, name, type);
      if (c.metadata.type === "abstract" || c.metadata.enabled === false) continue;
      nodes.push({ c, deps: dependsOn(c) });
    }
  }
  const names = new Set(nodes.map((n) => n.c.atmos_component));
  for (const n of nodes) {
    for (const d of n.deps) {
      if (!names.has(d)) {
        throw new SlipwayError({
          code: "validation",
          message: `component "${n.c.atmos_component}" depends on "${d}", which stack "${entry.name}" does not deploy`,
          hint: "fix settings.depends_on, or enable the component it names",
        });
      }
    }
  }
  const seen = new Map<string, "visiting" | "done">();
  const byName = new Map(nodes.map((n) => [n.c.atmos_component, n]));
  const visit = (name: string, path: string[]) => {
    if (seen.get(name) === "done") return;
    if (seen.get(name) === "visiting")
      throw new SlipwayError({
        code: "validation",
        message: `dependency cycle: ${[...path, name].join(" → ")}`,
        hint: "remove one of these settings.depends_on entries",
      });
    seen.set(name, "visiting");
    for (const d of byName.get(name)!.deps) visit(d, [...path, name]);
    seen.set(name, "done");
  };
  for (const n of nodes) visit(n.c.atmos_component, []);
  return nodes;
}

function driverFor(
  engine: StackEngine,
  c: ResolvedComponent,
  action: StackAction,
  dir: string,
  env: Record<string, string | undefined>,
): { files: PreparedFile[]; commands: ToolCommand[]; playbook?: PlaybookRun } {
  if (c.component_type === "ansible") {
    // plan = a syntax check: it reads the playbook and the inventory and touches no host.
    const playbook = preparePlaybook(engine, c, { syntaxCheck: action === "plan" }, [], env);
    return { files: playbook.files, commands: playbook.commands, playbook };
  }
  if (c.component_type === "packer")
    return {
      files: preparePacker(c, dir),
      commands: packerCommands(c, action === "plan" ? "validate" : "build", dir, []),
    };
  const files = prepareTerraform(c, dir);
  const reconfigure = backendChanged(files, dir);
  return {
    files,
    commands: terraformCommands(c, action === "plan" ? "plan" : "deploy", dir, [], { reconfigure }),
  };
}

const placedError = (e: SlipwayError) => placed(e, e.message);

function runLogged(
  cmd: ToolCommand,
  env: Record<string, string | undefined>,
  log: NodeJS.WritableStream,
): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(cmd.argv[0]!, cmd.argv.slice(1), {
      cwd: cmd.cwd,
      env: { ...env, ...cmd.env } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    p.stdout.pipe(log, { end: false });
    p.stderr.pipe(log, { end: false });
    p.on("error", () => resolve(127));
    p.on("close", (code) => resolve(code ?? 1));
  });
}

/** Runs every component of a stack in dependency order, independent ones in parallel; a failure stops only its dependents. */
export async function runStack(
  engine: StackEngine,
  stack: string,
  action: StackAction,
  opts: StackRunOptions,
): Promise<ComponentRun[]> {
  const nodes = planGraph(engine, stack);
  const entry = engine.stack(stack);
  const logDir = join(opts.logDir, entry.name.replace(/\//g, "-"));
  mkdirSync(logDir, { recursive: true });
  const results = new Map<string, ComponentRun>();
  const running = new Set<string>();
  const pending = new Set(nodes.map((n) => n.c.atmos_component));
  for (const n of nodes)
    opts.progress({ component: n.c.atmos_component, type: n.c.component_type, state: "waiting" });
  return new Promise((resolveAll) => {
    const tick = () => {
      for (const n of nodes) {
        const name = n.c.atmos_component;
        if (!pending.has(name)) continue;
        const failedDep = n.deps.find(
          (d) => results.get(d) && !["done", "dry-run"].includes(results.get(d)!.status),
        );
        if (failedDep) {
          pending.delete(name);
          results.set(name, {
            component: name,
            type: n.c.component_type,
            status: "skipped",
            ms: 0,
            log: "",
            reason: `${failedDep} did not succeed`,
            warnings: [],
          });
          opts.progress({
            component: name,
            type: n.c.component_type,
            state: "skipped",
            note: `${failedDep} did not succeed`,
          });
          continue;
        }
        if (running.size >= opts.parallelism || !n.deps.every((d) => results.has(d))) continue;
        pending.delete(name);
        running.add(name);
        void start(n).then((r) => {
          running.delete(name);
          results.set(name, r);
          tick();
        });
      }
      if (pending.size === 0 && running.size === 0)
        resolveAll(nodes.map((n) => results.get(n.c.atmos_component)!));
    };
    const start = async (n: Node): Promise<ComponentRun> => {
      const c = n.c;
      const t0 = Date.now();
      const log = join(logDir, `${c.atmos_component.replace(/\//g, "-")}.log`);
      const dir = componentDir(engine.config.components, c);
      const about = { component: c.atmos_component, type: c.component_type };
      let warnings: Warning[] = [];
      const ended = (status: ComponentRun["status"], more: Partial<ComponentRun> = {}): ComponentRun => ({
        component: c.atmos_component,
        type: c.component_type,
        status,
        ms: Date.now() - t0,
        log,
        warnings,
        ...more,
      });
      const fail = (lines: string[], reason: string) => {
        writeFileSync(log, lines.join("\n") + "\n");
        const run = ended("failed", { reason });
        opts.progress({ ...about, state: "failed", note: reason, ms: run.ms });
        return run;
      };
      let prepared: ReturnType<typeof driverFor>;
      try {
        prepared = driverFor(engine, c, action, dir, opts.env);
        // The variable check runs before anything, dry run included: a required variable the stack does
        // not set fails the component here instead of in the tool.
        const report = await checkComponentVariables(engine, c, dir);
        warnings = report?.warnings ?? [];
        if (report && report.errors.length > 0) {
          return fail(
            report.errors.map((e) => `${placedError(e)}${e.hint ? `\n  hint: ${e.hint}` : ""}`),
            `variable check: ${report.errors.map((e) => e.message).join("; ")}`,
          );
        }
      } catch (e) {
        if (!(e instanceof SlipwayError)) throw e;
        return fail([placedError(e)], placedError(e));
      }
      const { files, commands, playbook } = prepared;
      const unusable = onPath(c.command, opts.env)
        ? tooOld(c.command, opts.env)
        : `${c.command} is not on PATH`;
      // A tool that is missing or too old is a failure: nothing ran, so nothing may look done. A dry run is
      // only what --dry-run asks for.
      if (unusable !== undefined && !opts.dryRun) {
        return fail(
          [`${unusable}; nothing ran. It would have:`, dryRunText(files, commands).trimEnd()],
          `${unusable} (install it, or add --dry-run)`,
        );
      }
      opts.progress({ ...about, state: "running", ...(opts.dryRun ? { note: "dry run" } : {}) });
      if (opts.dryRun) {
        writeFileSync(log, dryRunText(files, commands));
        const run = ended("dry-run", {});
        opts.progress({ ...about, state: "dry-run", ms: run.ms });
        return run;
      }
      try {
        checkRunnable(c, action === "plan" ? "plan" : "apply");
      } catch (e) {
        return fail([(e as Error).message], (e as Error).message);
      }
      for (const f of files) {
        mkdirSync(dirname(f.path), { recursive: true });
        writeFileSync(f.path, f.content);
      }
      if (playbook) rmSync(playbook.events, { force: true });
      // The playbook's secrets (the k3s join token) reach its environment, never a file.
      let secrets: Record<string, string> = {};
      if (playbook && action === "apply") {
        try {
          secrets = await secretEnv(playbook, engine.config.basePath, opts.env);
        } catch (e) {
          if (!(e instanceof SlipwayError)) throw e;
          return fail([placedError(e)], placedError(e));
        }
      }
      const stream = createWriteStream(log);
      let code = 0;
      for (const cmd of commands) {
        stream.write(`$ ${cmd.argv.join(" ")}\n`);
        code = await runLogged(cmd, { ...opts.env, ...secrets }, stream);
        if (code !== 0) break;
      }
      await new Promise((r) => stream.end(r));
      const failures = playbook ? readAnsibleEvents(playbook.events).failures : [];
      const run = ended(code === 0 ? "done" : "failed", {
        exitCode: code,
        ...(failures.length ? { reason: failures.join("; ") } : {}),
      });
      opts.progress({
        ...about,
        state: code === 0 ? "done" : "failed",
        ms: run.ms,
        ...(code === 0 ? {} : { note: run.reason ?? `exit ${code}` }),
      });
      return run;
    };
    tick();
  });
}
