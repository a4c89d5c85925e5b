import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { makeDirs } from "../core/fs-atomic.js";
import { join } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { placed } from "../core/place.js";
import { bareDependencies, componentDependencies } from "../stack/dependencies.js";
import type { StackEngine } from "../stack/engine.js";
import type { ResolvedComponent, Warning } from "../stack/types.js";
import { INTERRUPTED } from "../exec/spawn.js";
import { checkComponent } from "./check-component.js";
import { dryRunText } from "./component-type.js";
import { REGISTRY } from "./registry.js";
import { executeRun, prepareRun, type ReadyRun } from "./run.js";
import { parseTerraformRef } from "../stack/function-args.js";
import { functionsIn } from "../stack/yaml-functions.js";

export type StackAction = "plan" | "apply";

export interface StackRunOptions {
  parallelism: number;
  dryRun: boolean;
  env: Record<string, string | undefined>;
  logDir: string;
  /** State changes, for the live display or plain lines. */
  progress: (e: ProgressEvent) => void;
  /**
   * Only these components (`plan --affected`), in the same dependency order; a dependency left out is
   * taken as it is (it did not change), so it neither runs nor holds its dependents back.
   */
  only?: ReadonlySet<string>;
}

/** One component's state change: every component starts `waiting`; `note` says why (dry run, failure). */
export interface ProgressEvent {
  component: string;
  type: string;
  state: "waiting" | "running" | "done" | "checked" | "dry-run" | "failed" | "skipped";
  note?: string;
  /** Milliseconds the component has run, for finished states. */
  ms?: number;
}

export interface ComponentRun {
  component: string;
  type: string;
  /** `checked`: the action only checked the component (a syntax check), so it did not run for real. */
  status: "done" | "checked" | "failed" | "skipped" | "dry-run";
  ms: number;
  log: string;
  exitCode?: number;
  reason?: string;
  /** For a failed run: the first line of its log that reads as the error. */
  firstError?: string;
  /** For `checked`: what runs the real thing. */
  instead?: string;
  /** The signal that stopped the run; components not started then are skipped. */
  interrupted?: NodeJS.Signals;
  /** Variable-check warnings (vars the module does not declare), already formatted with file:line. */
  warnings: Warning[];
}

interface Node {
  c: ResolvedComponent;
  deps: string[];
}

/**
 * What a component needs first, in the same stack: `dependencies.components` and `settings.depends_on`
 * (src/stack/dependencies.ts reads both). Other stacks are not ours to order.
 */
export function dependsOn(c: ResolvedComponent): string[] {
  const named = componentDependencies(c)
    .filter((d) => d.stack === undefined || d.stack === c.atmos_stack)
    .map((d) => d.component);
  return [...new Set([...bareDependencies(c), ...named])];
}

/**
 * The components of the same stack whose outputs `c` reads (`!terraform.output` / `!terraform.state`):
 * they must be applied first, as if `settings.depends_on` named them.
 */
function impliedDependsOn(c: ResolvedComponent): string[] {
  return functionsIn(c).flatMap(({ fn }) => {
    if (fn.tag !== "!terraform.output" && fn.tag !== "!terraform.state") return [];
    try {
      const ref = parseTerraformRef(fn.arg);
      return (ref.stack ?? c.atmos_stack) === c.atmos_stack && ref.component !== c.atmos_component
        ? [ref.component]
        : [];
    } catch {
      return []; // a malformed call is reported, at its place, when the component is resolved to run
    }
  });
}

/** The stack's runnable components with their dependencies, checked: unknown targets and cycles are errors before anything runs. */
export function planGraph(engine: StackEngine, stack: string, only?: ReadonlySet<string>): Node[] {
  const entry = engine.stack(stack);
  const nodes: Node[] = [];
  for (const { name: type, stackActions } of Object.values(REGISTRY)) {
    if (!stackActions) continue;
    for (const name of entry.componentNames(type)) {
      const c = engine.resolveComponent(entry.name, name, type, { functions: false });
      if (c.metadata.type === "abstract" || c.metadata.enabled === false) continue;
      nodes.push({ c, deps: [...new Set([...dependsOn(c), ...impliedDependsOn(c)])] });
    }
  }
  const names = new Set(nodes.map((n) => n.c.atmos_component));
  for (const n of nodes) {
    for (const d of n.deps) {
      if (!names.has(d)) {
        throw new SlipwayError({
          code: "validation",
          message: `component "${n.c.atmos_component}" depends on "${d}", which stack "${entry.name}" does not deploy`,
          hint: "fix dependencies.components (or settings.depends_on), or enable the component it names",
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
        hint: "remove one of these dependencies (dependencies.components or settings.depends_on)",
      });
    seen.set(name, "visiting");
    for (const d of byName.get(name)!.deps) visit(d, [...path, name]);
    seen.set(name, "done");
  };
  for (const n of nodes) visit(n.c.atmos_component, []);
  if (!only) return nodes;
  return nodes
    .filter((n) => only.has(n.c.atmos_component))
    .map((n) => ({ ...n, deps: n.deps.filter((d) => only.has(d)) }));
}

const placedError = (e: SlipwayError) => placed(e, e.message);

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Runs every component of a stack in dependency order, independent ones in parallel; a failure stops only its dependents. */
export async function runStack(
  engine: StackEngine,
  stack: string,
  action: StackAction,
  opts: StackRunOptions,
): Promise<ComponentRun[]> {
  const nodes = planGraph(engine, stack, opts.only);
  const entry = engine.stack(stack);
  const logDir = join(opts.logDir, entry.name.replace(/\//g, "-"));
  makeDirs(logDir);
  const results = new Map<string, ComponentRun>();
  const running = new Set<string>();
  const pending = new Set(nodes.map((n) => n.c.atmos_component));
  for (const n of nodes)
    opts.progress({ component: n.c.atmos_component, type: n.c.component_type, state: "waiting" });
  // A signal stops what runs (spawnGroup passes it on) and starts nothing more.
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => (interrupted ??= sig);
  const signals = Object.keys(INTERRUPTED) as NodeJS.Signals[];
  for (const sig of signals) process.on(sig, onSignal);
  return new Promise<ComponentRun[]>((resolveAll) => {
    const tick = () => {
      for (const n of nodes) {
        const name = n.c.atmos_component;
        if (!pending.has(name)) continue;
        // A dependency that failed or was skipped skips its dependents; a checked one (ansible's syntax
        // check in a plan) lets them go on, as a dry run does.
        const failedDep = n.deps.find(
          (d) => results.get(d) && !["done", "checked", "dry-run"].includes(results.get(d)!.status),
        );
        const skipped = interrupted
          ? `not started: interrupted by ${interrupted}`
          : failedDep
            ? `${failedDep} did not succeed`
            : undefined;
        if (skipped) {
          pending.delete(name);
          results.set(name, {
            component: name,
            type: n.c.component_type,
            status: "skipped",
            ms: 0,
            log: "",
            reason: skipped,
            warnings: [],
            ...(interrupted ? { interrupted } : {}),
          });
          opts.progress({ component: name, type: n.c.component_type, state: "skipped", note: skipped });
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
      let c = n.c;
      const t0 = Date.now();
      const log = join(logDir, `${c.atmos_component.replace(/\//g, "-")}.log`);
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
      // Validate first, as Atmos does: settings.validation schemas and policies, the built-in schema.
      try {
        // Its YAML functions run now, after the components it reads have run.
        if (functionsIn(n.c).length)
          c = engine.resolveComponent(c.atmos_stack, c.atmos_component, c.component_type);
        const checked = await checkComponent(engine, c, opts.env, "run", { variables: false });
        warnings = checked.warnings;
        if (checked.errors.length > 0)
          return fail(
            checked.errors.map((e) => `${placedError(e)}${e.hint ? `\n  hint: ${e.hint}` : ""}`),
            `validation: ${checked.errors[0]!.message}`,
          );
      } catch (e) {
        if (!(e instanceof SlipwayError)) throw e;
        return fail([placedError(e)], placedError(e));
      }
      let ready: ReadyRun;
      try {
        ready = await prepareRun({
          engine,
          component: c,
          action: REGISTRY[c.component_type].stackActions![action],
          env: opts.env,
        });
      } catch (e) {
        if (!(e instanceof SlipwayError)) throw e;
        return fail([placedError(e)], placedError(e));
      }
      warnings = [...warnings, ...ready.warnings];
      // The variable check runs before anything, dry run included: a required variable the stack does
      // not set fails the component here instead of in the tool.
      if (ready.errors.length > 0) {
        return fail(
          ready.errors.map((e) => `${placedError(e)}${e.hint ? `\n  hint: ${e.hint}` : ""}`),
          `variable check: ${ready.errors.map((e) => e.message).join("; ")}`,
        );
      }
      opts.progress({ ...about, state: "running", ...(opts.dryRun ? { note: "dry run" } : {}) });
      const stream = opts.dryRun ? undefined : createWriteStream(log);
      let outcome;
      try {
        outcome = await executeRun(ready, {
          env: opts.env,
          dryRun: opts.dryRun,
          output: stream ?? "inherit",
          onDryRun: (text) => writeFileSync(log, text),
        });
      } catch (e) {
        if (!(e instanceof SlipwayError)) throw e;
        stream?.end();
        return fail([placedError(e)], placedError(e));
      }
      // A tool that could not start leaves in the log why, and what it would have done.
      if (stream && !outcome.started)
        stream.write(
          [
            ...outcome.failures,
            "It would have:",
            dryRunText(ready.run.files, ready.run.commands).trimEnd(),
          ].join("\n") + "\n",
        );
      if (stream) await new Promise((r) => stream.end(r));
      if (outcome.status === "dry-run") {
        const run = ended("dry-run", {});
        opts.progress({ ...about, state: "dry-run", ms: run.ms });
        return run;
      }
      const actionRun = REGISTRY[c.component_type].stackActions![action];
      const instead = ready.type.checksOnly?.[actionRun];
      if (outcome.status === "done" && instead !== undefined) {
        const note = `${actionRun} only`;
        const run = ended("checked", {
          exitCode: 0,
          reason: note,
          instead: instead.replace("<component>", c.atmos_component).replace("<stack>", entry.name),
        });
        opts.progress({ ...about, state: "checked", ms: run.ms, note });
        return run;
      }
      const failed = outcome.status === "failed";
      const firstError = failed && outcome.started ? firstErrorLine(readLog(log)) : undefined;
      const run = ended(outcome.status, {
        exitCode: outcome.exitCode,
        ...(failed && outcome.reason ? { reason: outcome.reason } : {}),
        ...(firstError ? { firstError } : {}),
        ...(outcome.interrupted ? { interrupted: outcome.interrupted } : {}),
      });
      if (outcome.interrupted) interrupted ??= outcome.interrupted;
      opts.progress({
        ...about,
        state: outcome.status,
        ms: run.ms,
        ...(outcome.status === "done" ? {} : { note: run.reason ?? `exit ${outcome.exitCode}` }),
      });
      return run;
    };
    tick();
  }).finally(() => {
    for (const sig of signals) process.off(sig, onSignal);
  });
}

/** The line of a failed tool's log that says what went wrong: the first that reads as an error, else the last. */
export function firstErrorLine(log: string): string | undefined {
  const lines = log
    .split("\n")
    .map((l) => l.replace(/^[\s│╷╵]+/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("$ "));
  return (
    lines.find((l) => /^(error|fatal)\b|\berror:|^Error |FAILED!|ERROR!/i.test(l)) ?? lines[lines.length - 1]
  )?.slice(0, 300);
}
