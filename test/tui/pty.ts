// Types for test/tui/pty-screen.mjs (the built CLI in a real pseudo-terminal, read through a headless xterm).
// @ts-expect-error plain ESM script without types
import { KEYS as keys, spawnUi as spawn } from "./pty-screen.mjs";

export interface PtyUi {
  /** The visible screen as text, one line per row (trailing blanks trimmed). */
  screen(): string;
  /** Every byte the CLI wrote so far (escape sequences included). */
  raw(): string;
  /** Waits until the screen matches, else throws with the screen seen last (early when the CLI exited). */
  waitFor(what: string | RegExp, ms?: number): Promise<string>;
  /** Sends keys: text as typed, or escape sequences (KEYS). */
  press(...keys: string[]): void;
  resize(cols: number, rows: number): void;
  exited: Promise<number>;
  kill(): void;
}

export const KEYS = keys as { up: string; down: string; enter: string; escape: string; backspace: string };

/** Spawns `node bin/slipway.js …args` in a pty of cols × rows. */
export const spawnUi = spawn as (
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; cols?: number; rows?: number },
) => PtyUi;
