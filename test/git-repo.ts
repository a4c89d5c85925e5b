// Real git histories in temp folders, for the change-detection tests: the real git is the oracle for
// what each revision holds.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeRepo } from "./helpers.js";

/** Runs git in `dir` (a fixed identity, no user config) and returns its stdout; throws on failure. */
export function git(dir: string, ...args: string[]): string {
  const r = spawnSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A repository holding `files` as its first commit on `main`; returns the folder and that commit. */
export function gitRepo(files: Record<string, string>): { dir: string; first: string } {
  const dir = writeRepo(files);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "first");
  return { dir, first: git(dir, "rev-parse", "HEAD") };
}

/** Writes (a string) or deletes (null) files in the work tree, without committing. */
export function edit(dir: string, changes: Record<string, string | null>): void {
  for (const [rel, text] of Object.entries(changes)) {
    const path = join(dir, rel);
    if (text === null) rmSync(path, { recursive: true, force: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
}

/** Applies `changes` and commits them; returns the new commit. */
export function commit(dir: string, changes: Record<string, string | null>, message = "change"): string {
  edit(dir, changes);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "--allow-empty", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}
