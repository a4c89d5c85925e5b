import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { onPath } from "../src/core/tools.js";
import { loadStacksConfig } from "../src/repo/open-stacks.js";
import { SlipwayError } from "../src/core/errors.js";
import { StackEngine } from "../src/stack/engine.js";
import { tempDir } from "./temp.js";

export { tempDir } from "./temp.js";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Whether this machine has `tool` on PATH; tests of the real tool run only then (vitest lists them as skipped otherwise). */
export const hasTool = (tool: string) => onPath(tool, process.env);
export const fixture = (...parts: string[]) => join(repoRoot, "test", "fixtures", ...parts);

/** A stack engine on a folder holding slipway.yaml (or atmos.yaml). */
export function engineAt(
  dir: string,
  env: Record<string, string | undefined> = {},
  configName = "slipway.yaml",
): StackEngine {
  return new StackEngine({ config: loadStacksConfig(join(dir, configName), env), env });
}

/** Writes a repository of files into a fresh temp folder and returns it. */
export function writeRepo(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** Text without terminal colour codes (tools such as tofu colour their logs). */
export const stripAnsi = (s: string) =>
  s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");

/** Runs `fn` and returns the SlipwayError it throws; fails the test when it throws nothing else. */
export function slipwayErrorOf(fn: () => unknown): SlipwayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SlipwayError) return e;
    throw e;
  }
  throw new Error("expected a SlipwayError, but nothing was thrown");
}

/**
 * Two sleeps no other process runs (random durations), for tests that check a command's processes are
 * gone: `script` is a shell line starting both, `running()` the pids of those still alive.
 */
export function twoSleeps(base: number): { script: string; running: () => string[] } {
  const [a, b] = [
    base + Math.floor(Math.random() * 99_999),
    base + 100_000 + Math.floor(Math.random() * 99_999),
  ];
  return {
    script: `sleep ${a} & sleep ${b}`,
    running: () =>
      spawnSync("pgrep", ["-f", `^sleep (${a}|${b})$`])
        .stdout.toString()
        .trim()
        .split("\n")
        .filter(Boolean),
  };
}
