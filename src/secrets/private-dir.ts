import { spawn } from "node:child_process";
import { accessSync, constants, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Where plaintext for `edit` and `exec-file` goes: memory-backed `/dev/shm` when there is one (the plaintext
 * never reaches a disk), else the temp folder.
 */
export function privateRoots(env: Record<string, string | undefined>): string[] {
  const roots = [];
  try {
    if (statSync("/dev/shm").isDirectory()) {
      accessSync("/dev/shm", constants.W_OK);
      roots.push("/dev/shm");
    }
  } catch {
    /* no /dev/shm here */
  }
  roots.push(env.TMPDIR || tmpdir());
  return roots;
}

/** Folder names: `slipway-edit-<pid>-…` (edit) and `slipway-exec-<pid>-…` (exec-file). */
export type PrivateUse = "edit" | "exec";
const NAME = /^slipway-(?:edit|exec)-(\d+)-/;

/** Signals that may end slipway while a child runs on plaintext: each is caught so the plaintext is removed first. */
export const HELD_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/** A new private (0700) folder for plaintext, on the first root (memory-backed where there is one). */
export function makePrivateDir(roots: string[], use: PrivateUse): string {
  return mkdtempSync(join(roots[0]!, `slipway-${use}-${process.pid}-`));
}

/**
 * Removes plaintext folders of this user whose slipway is gone (killed with -9, or before this cleanup was
 * there): `slipway-edit-<pid>-…` / `slipway-exec-<pid>-…` with no such process. Returns what it removed.
 */
export function removeStaleDirs(roots: string[]): string[] {
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const root of new Set(roots)) {
    let names: string[];
    try {
      names = readdirSync(root).filter((n) => n.startsWith("slipway-edit-") || n.startsWith("slipway-exec-"));
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = join(root, name);
      try {
        if (uid !== undefined && lstatSync(dir).uid !== uid) continue;
        const pid = Number(NAME.exec(name)?.[1]);
        if (pid && alive(pid)) continue;
        // An old-style folder (no pid) is stale once it is a day old.
        if (!pid && Date.now() - lstatSync(dir).mtimeMs < 86_400_000) continue;
        rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      } catch {
        /* not ours to remove */
      }
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `fn` with the signals of HELD_SIGNALS held (noted, not acted on), so slipway outlives them while a
 * child works on plaintext and `fn`'s cleanup runs; `received` tells which came first.
 */
export async function withHeldSignals<T>(
  fn: (received: () => NodeJS.Signals | undefined) => Promise<T>,
): Promise<T> {
  let first: NodeJS.Signals | undefined;
  const hold = (sig: NodeJS.Signals) => (first ??= sig);
  for (const sig of HELD_SIGNALS) process.on(sig, hold);
  try {
    return await fn(() => first);
  } finally {
    for (const sig of HELD_SIGNALS) process.off(sig, hold);
  }
}

/**
 * Runs `/bin/sh -c script` with the terminal and resolves to how it ended. Asynchronous, so a signal that
 * comes while it runs is handled at once.
 */
export function runShell(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ status: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((done) => {
    const p = spawn("/bin/sh", ["-c", script, ...args], { stdio: "inherit", env: env as NodeJS.ProcessEnv });
    p.on("error", () => done({ status: 127, signal: null }));
    p.on("close", (status, signal) => done({ status, signal }));
  });
}
