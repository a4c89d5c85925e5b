// The output cache of `describe stacks` (src/cli/describe-cache.ts), on the built CLI. A hit is made
// visible by overwriting the kept output with a marker: when the next run prints the marker, it answered
// from the cache; when it prints the real output, it computed it. Every change to an input must do the
// latter, and every answer must equal the answer of a run without the cache.
import { spawnSync } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { Inputs, newRecord, recordEnv, replays } from "../src/core/inputs.js";
import { repoRoot, tempDir, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const MARKER = "MARKER: answered from the cache\n";

function slipway(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A repository with an import, an extension-less import, an `!include` and a glob of top-level stacks. */
function repo(): string {
  return writeRepo({
    "slipway.yaml": "stacks:\n  included_paths: ['deploy/*']\n  name_pattern: '{stage}'\n",
    "stacks/catalog/base.yml": "vars:\n  size: small\n  extra: !include ./extra.json\n",
    "stacks/catalog/extra.json": '{"a": 1}\n',
    "stacks/deploy/dev.yaml":
      "import:\n  - catalog/base\nvars:\n  stage: dev\ncomponents:\n  terraform:\n    app:\n      vars:\n        n: 1\n",
  });
}

/** Runs describe stacks with a fresh cache folder; returns helpers to run again and to mark the entry. */
function cached(dir: string, args = ["describe", "stacks", "--format", "json"]) {
  const cache = tempDir("slipway-describe-cache-");
  // The describe cache's own folder under the cache root (src/cache/policy.ts).
  const entries = join(cache, "describe", "v1");
  const run = (env: Record<string, string> = {}) => slipway(args, dir, { SLIPWAY_CACHE: cache, ...env });
  const uncached = () => slipway(args, dir, { SLIPWAY_CACHE: "off" });
  const outputs = () => (existsSync(entries) ? readdirSync(entries) : []).filter((n) => n.endsWith(".out"));
  /** Overwrites every kept output with the marker. */
  const mark = () => {
    const outs = outputs();
    expect(outs.length).toBeGreaterThan(0);
    for (const n of outs) writeFileSync(join(entries, n), MARKER);
  };
  return { cache, entries, run, uncached, outputs, mark };
}

function edit(dir: string, rel: string, text: string) {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

describe("describe stacks output cache", () => {
  it("answers a repeated run from the cache, byte for byte, with files only the user can read", () => {
    const dir = repo();
    const c = cached(dir);
    const first = c.run();
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).dev.components.terraform.app.vars).toEqual({
      size: "small",
      extra: { a: 1 },
      stage: "dev",
      n: 1,
    });
    expect(first.stdout).toBe(c.uncached().stdout);
    const [out] = c.outputs();
    expect(statSync(join(c.entries, out!)).mode & 0o777).toBe(0o600);
    expect(statSync(c.entries).mode & 0o777).toBe(0o700);
    expect(c.run().stdout).toBe(first.stdout);
    c.mark();
    expect(c.run().stdout).toBe(MARKER);
  });

  const changes: [string, (dir: string) => void][] = [
    ["an imported file changes", (d) => edit(d, "stacks/catalog/base.yml", "vars:\n  size: large\n")],
    ["an !include'd file changes", (d) => edit(d, "stacks/catalog/extra.json", '{"a": 2}\n')],
    ["the config changes", (d) => edit(d, "slipway.yaml", "stacks:\n  included_paths: ['deploy/*']\n")],
    [
      "a new top-level manifest matches included_paths",
      (d) =>
        edit(d, "stacks/deploy/prod.yaml", "vars:\n  stage: prod\ncomponents:\n  terraform:\n    app: {}\n"),
    ],
    // `catalog/base` resolved to base.yml; a base.yaml now takes precedence.
    [
      "a file appears where an import looked first",
      (d) => edit(d, "stacks/catalog/base.yaml", "vars: {size: xl}\n"),
    ],
    [
      "a config file appears nearer the working folder",
      (d) => edit(d, "stacks/slipway.yaml", "stacks:\n  base_path: .\n  included_paths: ['deploy/*']\n"),
    ],
  ];
  for (const [what, change] of changes) {
    it(`computes again when ${what}`, () => {
      const dir = repo();
      const cwd = join(dir, "stacks");
      const c = cached(dir);
      // Run from stacks/ so that a config appearing there is found first.
      const run = () => slipway(["describe", "stacks", "--format", "json"], cwd, { SLIPWAY_CACHE: c.cache });
      expect(run().code).toBe(0);
      c.mark();
      expect(run().stdout).toBe(MARKER);
      change(dir);
      const after = run();
      expect(after.stdout).not.toBe(MARKER);
      expect(after.stdout).toBe(
        slipway(["describe", "stacks", "--format", "json"], cwd, { SLIPWAY_CACHE: "off" }).stdout,
      );
    });
  }

  it("computes again when an import goes missing, and reports the error", () => {
    const dir = repo();
    const c = cached(dir);
    c.run();
    c.mark();
    rmSync(join(dir, "stacks/catalog/base.yml"));
    const r = c.run();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/import "catalog\/base" not found/);
  });

  it("keeps one entry per set of flags", () => {
    const dir = repo();
    const c = cached(dir);
    c.run();
    c.mark();
    const vars = slipway(["describe", "stacks", "--sections", "vars"], dir, { SLIPWAY_CACHE: c.cache });
    expect(vars.stdout).not.toBe(MARKER);
    expect(vars.stdout).toMatch(/vars:/);
    expect(c.run().stdout).toBe(MARKER);
  });

  it("never keeps a run that read a set environment variable (it may be a secret)", () => {
    const dir = repo();
    edit(dir, "stacks/catalog/base.yml", "vars:\n  token: !env TOKEN\n");
    const c = cached(dir);
    const r = c.run({ TOKEN: "s3cret" });
    expect(JSON.parse(r.stdout).dev.components.terraform.app.vars.token).toBe("s3cret");
    expect(existsSync(c.entries) ? readdirSync(c.entries) : []).toEqual([]);
    // Unset, it is kept (the record says "unset"); setting it later is a change.
    expect(JSON.parse(c.run().stdout).dev.components.terraform.app.vars.token).toBe(""); // unset: "", as in Atmos
    c.mark();
    expect(c.run().stdout).toBe(MARKER);
    expect(JSON.parse(c.run({ TOKEN: "other" }).stdout).dev.components.terraform.app.vars.token).toBe(
      "other",
    );
  });

  it.each([
    ["the process environment (/proc/self/environ)", () => "/proc/self/environ"],
    [
      "an age identity",
      (dir: string) => (
        edit(
          dir,
          "stacks/catalog/key.txt",
          "# created: 2026-01-01\nAGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n",
        ),
        "./key.txt"
      ),
    ],
  ])("never keeps a run that read %s", (_what, target) => {
    const dir = repo();
    edit(dir, "stacks/catalog/base.yml", `vars:\n  leak: !include ${target(dir)}\n`);
    const c = cached(dir);
    const r = c.run({ SECRET_IN_ENV: "hunter2" });
    expect(r.code).toBe(0);
    expect(c.outputs()).toEqual([]);
    // Nothing under the cache root holds what was read.
    const all = (d: string): string[] =>
      existsSync(d)
        ? readdirSync(d, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? all(join(d, e.name)) : [readFileSync(join(d, e.name), "utf8")],
          )
        : [];
    expect(all(c.cache).join("\n")).not.toMatch(/hunter2|AGE-SECRET-KEY/);
  });

  it("is off with SLIPWAY_CACHE=off and bypassed with --debug", () => {
    const dir = repo();
    const cache = tempDir("slipway-describe-cache-");
    const kept = join(cache, "slipway", "describe", "v1");
    const off = slipway(["describe", "stacks"], dir, { SLIPWAY_CACHE: "off", XDG_CACHE_HOME: cache });
    expect(off.code).toBe(0);
    expect(existsSync(kept)).toBe(false);
    slipway(["describe", "stacks", "--debug"], dir, { XDG_CACHE_HOME: cache });
    expect(existsSync(kept)).toBe(false);
    slipway(["describe", "stacks"], dir, { XDG_CACHE_HOME: cache });
    expect(readdirSync(kept).length).toBe(2);
  });

  // Changing a file's owner needs root (CI runs as root); elsewhere this is skipped, and says why.
  it.skipIf(process.getuid?.() !== 0)("ignores entries another user wrote (needs root to chown)", () => {
    const dir = repo();
    const c = cached(dir);
    c.run();
    c.mark();
    expect(c.run().stdout).toBe(MARKER);
    for (const n of readdirSync(c.entries)) chownSync(join(c.entries, n), 65534, 65534);
    expect(c.run().stdout).toBe(c.uncached().stdout);
  });

  it("removes temp files a killed run left behind, once they are an hour old", () => {
    const dir = repo();
    const c = cached(dir);
    const old = join(c.entries, "0123.abcd.out.tmp");
    const fresh = join(c.entries, "4567.ef01.out.tmp");
    mkdirSync(c.entries, { recursive: true });
    writeFileSync(old, "half an output");
    writeFileSync(fresh, "a concurrent run's output");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    expect(c.run().code).toBe(0);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it("answers correctly when its entry is damaged", () => {
    const dir = repo();
    const c = cached(dir);
    const first = c.run().stdout;
    for (const n of readdirSync(c.entries)) writeFileSync(join(c.entries, n), "{not json");
    expect(c.run().stdout).toBe(first);
  });
});

describe("input records", () => {
  it("write down reads, checks and globs, and replay them", () => {
    const dir = writeRepo({ "a.yaml": "x: 1\n", "b/c.yaml": "y: 2\n" });
    const record = newRecord();
    const inputs = new Inputs(record);
    expect(inputs.read(join(dir, "a.yaml"))).toBe("x: 1\n");
    expect(() => inputs.read(join(dir, "none.yaml"))).toThrow();
    expect(inputs.isFile(join(dir, "b"))).toBe(false);
    expect(inputs.exists(join(dir, "b"))).toBe(true);
    expect(inputs.glob("**/*.yaml", dir)).toEqual([join(dir, "a.yaml"), join(dir, "b/c.yaml")]);
    expect(record.reads[join(dir, "none.yaml")]).toBeNull();
    expect(replays(record, {})).toBe(true);
    writeFileSync(join(dir, "b/d.yaml"), "z: 3\n");
    expect(replays(record, {})).toBe(false);
    rmSync(join(dir, "b/d.yaml"));
    expect(replays(record, {})).toBe(true);
    writeFileSync(join(dir, "a.yaml"), "x: 2\n");
    expect(replays(record, {})).toBe(false);
  });

  it("record unset variables and config paths, and refuse set ones", () => {
    const record = newRecord();
    const env = recordEnv({ SLIPWAY_CONFIG: "/x/slipway.yaml", TOKEN: "t" }, record);
    expect(env.NOPE).toBeUndefined();
    expect(env.SLIPWAY_CONFIG).toBe("/x/slipway.yaml");
    expect(record.env).toEqual({ NOPE: null, SLIPWAY_CONFIG: "/x/slipway.yaml" });
    expect(record.unreplayable).toBeUndefined();
    expect(replays(record, { SLIPWAY_CONFIG: "/x/slipway.yaml" })).toBe(true);
    expect(replays(record, { SLIPWAY_CONFIG: "/y/slipway.yaml" })).toBe(false);
    expect(replays(record, { NOPE: "now set" })).toBe(false);
    expect(env.TOKEN).toBe("t");
    expect(record.unreplayable).toMatch(/TOKEN/);
    expect(JSON.stringify(record)).not.toMatch(/"t"/);
    expect(replays(record, {})).toBe(false);
  });
});
