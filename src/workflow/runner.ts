import { createConnection } from "node:net";
import { SlipwayError } from "../core/errors.js";
import { INTERRUPTED, spawnGroup, TIMED_OUT } from "../exec/spawn.js";
import { renderTemplate } from "../template/index.js";
import { parseDuration } from "./duration.js";
import type { Workflow, WorkflowStep } from "./workflow-file.js";

export interface RunOptions {
  stack?: string;
  fromStep?: string;
  dryRun?: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where the step output goes (the CLI passes stdout/stderr). */
  out: (s: string) => void;
  /**
   * Runs a `slipway` (or `atmos`) step's argv in this process and resolves to its exit code: the CLI passes
   * its own entry point, so steps are library calls that see the step's folder, environment and output.
   */
  slipway: (
    argv: string[],
    io: { out: (s: string) => void; cwd: string; env: Record<string, string | undefined> },
  ) => Promise<number>;
  /**
   * A component of a stack, resolved (what `describe component` shows): step commands read it with
   * Atmos's `{{ (atmos.Component "k3s" .stack).vars.cluster.api_endpoint }}`, so a check waits on the
   * stack's own address.
   */
  component?: (component: string, stack: string) => unknown;
}

export interface StepResult {
  name: string;
  type: WorkflowStep["type"];
  command: string;
  status: "ok" | "failed" | "dry-run";
  exitCode?: number;
  ms: number;
  message?: string;
}

export interface WorkflowResult {
  workflow: string;
  steps: StepResult[];
  /** Set when a step failed: what to run to start again from it. */
  resume?: string;
}

/** Splits a command line into words, honouring single and double quotes. */
export function splitArgs(cmd: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | undefined;
  let has = false;
  for (const ch of cmd) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

/** Stack precedence: the command's own `-s` < workflow `stack` < step `stack` < the `-s` flag. */
export function stackFor(
  argv: string[],
  w: Workflow,
  step: WorkflowStep,
  flag?: string,
): { argv: string[]; stack?: string } {
  const i = argv.findIndex((a) => a === "-s" || a === "--stack");
  const own = i >= 0 ? argv[i + 1] : undefined;
  const stack = flag ?? step.stack ?? w.stack ?? own;
  if (!stack) return { argv };
  const rest = i >= 0 ? [...argv.slice(0, i), ...argv.slice(i + 2)] : argv;
  // Extra tool arguments after `--` stay last.
  const dash = rest.indexOf("--");
  return {
    argv: dash >= 0 ? [...rest.slice(0, dash), "-s", stack, ...rest.slice(dash)] : [...rest, "-s", stack],
    stack,
  };
}

/** How long a timed-out or interrupted step's processes get between the signal and SIGKILL. */
const GRACE_MS = 2_000;

/** Runs a shell step or check probe so that a timeout or a signal to slipway ends it and everything it started. */
async function run(
  cmd: string,
  args: string[],
  opts: RunOptions,
  env?: Record<string, string>,
  timeoutMs?: number,
): Promise<number> {
  const r = await spawnGroup([cmd, ...args], {
    cwd: opts.cwd,
    env: { ...opts.env, ...env },
    output: opts.out,
    graceMs: GRACE_MS,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  if (r.startError) opts.out(`${r.startError}\n`);
  return r.code;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tcpOnce(host: string, port: number, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    const done = (err?: string) => {
      s.destroy();
      resolve(err);
    };
    s.setTimeout(ms, () => done(`no answer within ${ms} ms`));
    s.once("connect", () => done());
    s.once("error", (e) => done(e.message));
  });
}

async function httpOnce(url: string, expect: number | undefined, ms: number): Promise<string | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(ms), redirect: "manual" });
    const ok = expect !== undefined ? r.status === expect : r.status >= 200 && r.status < 300;
    return ok ? undefined : `answered ${r.status}${expect !== undefined ? `, expected ${expect}` : ""}`;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A `check` step: try until it passes or the timeout runs out. */
async function check(
  step: WorkflowStep,
  command: string,
  opts: RunOptions,
): Promise<{ ok: boolean; message?: string; code?: number }> {
  const timeout = parseDuration(step.timeout ?? "5m")!;
  const interval = parseDuration(step.interval ?? "10s")!;
  const deadline = Date.now() + timeout;
  for (;;) {
    const left = Math.max(1, deadline - Date.now());
    const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(command);
    let err: string | undefined;
    if (tcp) err = await tcpOnce(tcp[1]!, Number(tcp[2]), Math.min(interval, left));
    else if (/^https?:\/\//.test(command))
      err = await httpOnce(command, step.expect_status, Math.min(interval, left));
    else {
      // The probe itself is held to the time left: a command that never returns ends the check.
      const code = await run("sh", ["-c", command], { ...opts, out: () => {} }, step.env, left);
      const signal = Object.entries(INTERRUPTED).find(([, n]) => n === code)?.[0];
      if (signal) return { ok: false, code, message: `interrupted by ${signal}; its processes were stopped` };
      err =
        code === 0
          ? undefined
          : code === TIMED_OUT
            ? "the command was still running"
            : "the command did not exit 0";
    }
    if (err === undefined) return { ok: true };
    if (Date.now() + interval > deadline)
      return { ok: false, message: `did not pass within ${step.timeout ?? "5m"}: ${err}` };
    await sleep(interval);
  }
}

/** Runs a workflow's steps in order; stops at the first failure and says how to resume from it. */
export async function runWorkflow(w: Workflow, opts: RunOptions, fileRef: string): Promise<WorkflowResult> {
  let start = 0;
  // `--from-step ""` (an unset shell variable) must not quietly run every step again.
  if (opts.fromStep !== undefined) {
    start = w.steps.findIndex((s) => s.name === opts.fromStep);
    if (start < 0) {
      throw new SlipwayError({
        code: "usage",
        message: `workflow "${w.name}" has no step "${opts.fromStep}"`,
        file: w.file,
        hint: `its steps: ${w.steps.map((s) => s.name).join(", ")}`,
      });
    }
  }
  const results: StepResult[] = [];
  for (const step of w.steps.slice(start)) {
    const t0 = Date.now();
    const stackGuess = opts.stack ?? step.stack ?? w.stack ?? "";
    const text = step.command.includes("{{")
      ? renderTemplate(
          step.command,
          { stack: stackGuess, workflow: w.name },
          {
            funcs: {
              "atmos.Component": (component, stack) => {
                if (!opts.component) throw new Error("atmos.Component needs the stacks");
                if (stack === "" || stack === undefined)
                  throw new SlipwayError({
                    code: "usage",
                    message: `step "${step.name}" of workflow "${w.name}" reads atmos.Component "${String(component)}" of a stack, and no stack is set`,
                    hint: `run it with -s <stack>, or set \`stack:\` on the workflow or the step`,
                  });
                return opts.component(String(component), String(stack));
              },
            },
          },
        )
      : step.command;
    const isSlipway = step.type === "slipway" || step.type === "atmos";
    const { argv } = isSlipway ? stackFor(splitArgs(text), w, step, opts.stack) : { argv: [] };
    const shown = isSlipway ? `slipway ${argv.join(" ")}` : text;
    if (opts.dryRun) {
      opts.out(
        `[${step.name}] ${step.type}: ${shown}${step.type === "check" ? ` (every ${step.interval ?? "10s"}, up to ${step.timeout ?? "5m"})` : ""}\n`,
      );
      results.push({ name: step.name, type: step.type, command: shown, status: "dry-run", ms: 0 });
      continue;
    }
    opts.out(`[${step.name}] ${shown}\n`);
    const attempts = typeof step.retry === "number" ? step.retry + 1 : (step.retry?.max_attempts ?? 1);
    const delay = typeof step.retry === "object" ? parseDuration(step.retry.delay)! : 5000;
    let code = 0;
    let message: string | undefined;
    for (let a = 1; a <= attempts; a++) {
      if (step.type === "check") {
        const r = await check(step, text, opts);
        code = r.ok ? 0 : (r.code ?? 1);
        message = r.message;
      } else if (isSlipway)
        code = await opts.slipway(argv, { out: opts.out, cwd: opts.cwd, env: { ...opts.env, ...step.env } });
      else {
        const limit = step.timeout === undefined ? undefined : parseDuration(step.timeout)!;
        code = await run("sh", ["-c", text], opts, step.env, limit);
        if (code === TIMED_OUT) message = `did not finish within ${step.timeout}; stopped`;
      }
      const signal = Object.entries(INTERRUPTED).find(([, n]) => n === code)?.[0];
      if (signal && step.type !== "slipway" && step.type !== "atmos") {
        // Interrupted: no retry; the step's processes are stopped, and the resume command says where to go on.
        message ??= `interrupted by ${signal}; its processes were stopped`;
        break;
      }
      if (code === 0 || a === attempts) break;
      opts.out(
        `[${step.name}] attempt ${a} of ${attempts} failed (exit ${code}); retrying in ${delay / 1000} s\n`,
      );
      await sleep(delay);
    }
    results.push({
      name: step.name,
      type: step.type,
      command: shown,
      status: code === 0 ? "ok" : "failed",
      exitCode: code,
      ms: Date.now() - t0,
      ...(message ? { message } : {}),
    });
    if (code !== 0) {
      const resume = `slipway workflow ${w.name} -f ${fileRef} --from-step ${step.name}${opts.stack ? ` -s ${opts.stack}` : ""}`;
      return { workflow: w.name, steps: results, resume };
    }
  }
  return { workflow: w.name, steps: results };
}
