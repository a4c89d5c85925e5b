// The one cache policy (src/cache/policy.ts) and the caches that follow it, on the built CLI where it
// matters: where each cache lives, the one switch, file modes, and that no cache changes an answer.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import module from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDir, cacheRoot, ensureCacheDir, readCacheFile, writeCacheFile } from "../src/cache/policy.js";
import { repoRoot, writeRepo } from "./helpers.js";
import { tempDir } from "./temp.js";

const bin = join(repoRoot, "bin", "slipway.js");

function slipway(args: string[], cwd: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: tempDir("slipway-home-"), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, relative. */
const filesUnder = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => statSync(join(dir, f)).isFile())
    : [];

describe("the cache policy", () => {
  it("puts every cache under one per-user root, a folder per cache and format version", () => {
    expect(cacheRoot({ XDG_CACHE_HOME: "/x" })).toBe("/x/slipway");
    expect(cacheRoot({})).toBe(join(homedir(), ".cache", "slipway"));
    expect(cacheDir({ XDG_CACHE_HOME: "/x" }, "describe", 3)).toBe("/x/slipway/describe/v3");
    expect(cacheDir({ SLIPWAY_CACHE: "/elsewhere", XDG_CACHE_HOME: "/x" }, "variables", 1)).toBe(
      "/elsewhere/variables/v1",
    );
    for (const off of ["off", "0", "false"])
      expect(cacheDir({ SLIPWAY_CACHE: off }, "compile", 1)).toBeUndefined();
  });

  it("writes files only the user can read, in folders only the user can enter, and reads them back", () => {
    const dir = join(tempDir(), "a", "b");
    expect(ensureCacheDir(dir)).toBe(true);
    writeCacheFile(join(dir, "entry.json"), "[1]\n");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "entry.json")).mode & 0o777).toBe(0o600);
    expect(readCacheFile(join(dir, "entry.json"))).toBe("[1]\n");
    expect(readCacheFile(join(dir, "missing.json"))).toBeUndefined();
    // A write that cannot happen is a miss, never an error.
    expect(() => writeCacheFile(join(dir, "no", "such", "folder.json"), "x")).not.toThrow();
    expect(readdirSync(dir)).toEqual(["entry.json"]);
  });
});

describe("the module-variables cache", () => {
  // A component whose module declares a variable the stack does not set: the check parses variables.tf.
  const repo = () =>
    writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/prod.yaml": "components:\n  terraform:\n    app:\n      vars: {replicas: 2}\n",
      "components/terraform/app/variables.tf": 'variable "replicas" {}\nvariable "name" {}\n',
    });
  const check = ["validate", "component", "app", "-s", "deploy/prod"];

  it("lives under the cache root, not in the repository, and gives the same answer as no cache", () => {
    const cache = tempDir("slipway-cache-");
    const dir = repo();
    const runs = [0, 1].map(() => slipway(check, dir, { SLIPWAY_CACHE: cache }));
    const off = slipway(check, repo(), { SLIPWAY_CACHE: "off" });
    for (const r of [...runs, off]) {
      expect(r.stderr).toContain('variables.tf:2:1: error: required variable "name" (no default) is not set');
      expect(r.code).toBe(1);
    }
    expect(filesUnder(join(cache, "variables", "v1"))).toHaveLength(1);
    expect(existsSync(join(dir, ".slipway", "cache"))).toBe(false);
  });

  it("SLIPWAY_CACHE=off keeps nothing anywhere", () => {
    const xdg = tempDir("slipway-xdg-");
    expect(slipway(check, repo(), { SLIPWAY_CACHE: "off", XDG_CACHE_HOME: xdg }).code).toBe(1);
    expect(filesUnder(xdg)).toEqual([]);
  });
});

describe("Node's compile cache of the CLI", () => {
  const args = ["describe", "component", "k3s-cluster", "-s", "pve-prod", "--format", "json"];
  const homelab = join(repoRoot, "examples", "homelab");
  const hasIt = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === "function";

  it(`is ${hasIt ? "kept under the cache root" : "absent on this Node, and nothing is written for it"} (Node ${process.version})`, () => {
    const cache = tempDir("slipway-cache-");
    const first = slipway(args, homelab, { SLIPWAY_CACHE: cache });
    const second = slipway(args, homelab, { SLIPWAY_CACHE: cache });
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const compiled = filesUnder(join(cache, "compile", "v1"));
    if (hasIt) expect(compiled.length).toBeGreaterThan(0);
    else expect(compiled).toEqual([]);
  });
});
