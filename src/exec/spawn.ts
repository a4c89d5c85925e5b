import { spawn } from "node:child_process";

/** Signals slipway passes on to what it runs, and the exit code each gives (128 + the signal, as a shell reports). */
export const INTERRUPTED: Partial<Record<NodeJS.Signals, number>> = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
};

/** The exit code of a command that ran out of time, as coreutils' `timeout` gives. */
export const TIMED_OUT = 124;

export interface SpawnOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** This terminal (`inherit`: the tool may prompt), or a sink for its stdout and stderr. */
  output: "inherit" | ((chunk: string) => void);
  /** Ends the command (and everything it started) after this long. */
  timeoutMs?: number;
  /** How long the command gets to stop after the signal before its process group is killed. */
  graceMs: number;
}

export interface SpawnResult {
  /** The exit code: 127 when it could not start, TIMED_OUT, 128 + the signal when slipway was interrupted. */
  code: number;
  timedOut: boolean;
  /** The signal slipway received while the command ran. */
  interrupted?: NodeJS.Signals;
  /** The command outlived its grace period and was killed. */
  killed: boolean;
  /** Why it could not start, when it could not. */
  startError?: string;
}

/**
 * Runs one command so that nothing it starts outlives slipway. Piped output (a log, a workflow step) runs it
 * in a process group of its own: a timeout or a SIGINT/SIGTERM/SIGHUP to slipway goes to the whole group
 * (`sh -c 'sleep 1 & sleep 2'` leaves nothing behind), and what has not stopped after the grace period is
 * killed; a second signal kills at once. On a terminal (`inherit`, stdin a TTY) the command stays in the
 * terminal's foreground group so it can prompt — Ctrl-C reaches it from the terminal, and slipway passes
 * on only the signals the terminal does not deliver — and slipway waits for it instead of exiting first.
 */
export function spawnGroup(argv: string[], opts: SpawnOptions): Promise<SpawnResult> {
  const foreground = opts.output === "inherit" && process.stdin.isTTY === true;
  return new Promise((resolve) => {
    const p = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env as NodeJS.ProcessEnv,
      stdio: opts.output === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
      detached: !foreground,
    });
    let timedOut = false;
    let killed = false;
    let interrupted: NodeJS.Signals | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const send = (signal: NodeJS.Signals) => {
      try {
        if (p.pid) process.kill(foreground ? p.pid : -p.pid, signal);
      } catch {
        /* gone already */
      }
    };
    const stop = (signal: NodeJS.Signals) => {
      if (graceTimer) {
        // Asked twice: no more waiting.
        killed = true;
        send("SIGKILL");
        return;
      }
      if (!(foreground && signal === "SIGINT")) send(signal);
      graceTimer = setTimeout(() => {
        killed = true;
        send("SIGKILL");
      }, opts.graceMs);
      graceTimer.unref();
    };
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop("SIGTERM");
          }, opts.timeoutMs);
    const onSignal = (signal: NodeJS.Signals) => {
      interrupted ??= signal;
      stop(signal);
    };
    const signals = Object.keys(INTERRUPTED) as NodeJS.Signals[];
    for (const sig of signals) process.on(sig, onSignal);
    let startError: string | undefined;
    const finish = (code: number) => {
      if (timer) clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      for (const sig of signals) process.off(sig, onSignal);
      resolve({
        code: startError ? 127 : interrupted ? INTERRUPTED[interrupted]! : timedOut ? TIMED_OUT : code,
        timedOut,
        killed,
        ...(interrupted ? { interrupted } : {}),
        ...(startError ? { startError } : {}),
      });
    };
    if (opts.output !== "inherit") {
      const sink = opts.output;
      p.stdout!.on("data", (d: Buffer) => sink(d.toString()));
      p.stderr!.on("data", (d: Buffer) => sink(d.toString()));
    }
    p.on("error", (e) => {
      startError = e.message;
      finish(127);
    });
    p.on("close", (code, signal) => {
      if (startError === undefined) finish(code ?? (signal ? 128 : 1));
    });
  });
}
