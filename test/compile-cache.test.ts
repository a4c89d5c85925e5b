// The V8 code cache of the CLI bundle (bin/compile-cache.js), on the built CLI: written after a run that
// had none, reused as is, replaced when damaged, and never needed for a correct answer.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const homelab = join(repoRoot, "examples", "homelab");

function slipway(args: string[], cache: string, cwd = homelab) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", SLIPWAY_COMPILE_CACHE: cache },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `cache` (Node version / build / chunk files), with its modification time. */
function cacheFiles(cache: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of readdirSync(cache, { recursive: true, encoding: "utf8" })) {
    const st = statSync(join(cache, f));
    if (st.isFile()) out.set(join(cache, f), st.mtimeMs);
  }
  return out;
}

describe("compile cache of the CLI bundle", () => {
  const args = ["describe", "component", "k3s-cluster", "-s", "pve-prod", "--format", "json"];

  it("is written by the first run, read unchanged by the next, and gives the same answer", () => {
    const cache = tempDir("slipway-cc-");
    const first = slipway(args, cache);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const written = cacheFiles(cache);
    expect([...written.keys()].some((f) => /main\.cjs\.[0-9a-f]+\.v8$/.test(f))).toBe(true);
    expect([...written.keys()].every((f) => /\.cjs\.[0-9a-f]+\.v8$/.test(f))).toBe(true);

    const second = slipway(args, cache);
    expect(second.stdout).toBe(first.stdout);
    expect(second.code).toBe(0);
    // Accepted bytes are not written again: the files are the same files.
    expect(cacheFiles(cache)).toEqual(written);
  });

  it("replaces a damaged cache file and still answers correctly", () => {
    const cache = tempDir("slipway-cc-");
    const good = slipway(args, cache);
    const main = [...cacheFiles(cache).keys()].find((f) => /main\.cjs\.[0-9a-f]+\.v8$/.test(f))!;
    writeFileSync(main, "not V8 code cache bytes");
    const r = slipway(args, cache);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(good.stdout);
    expect(readFileSync(main, "utf8")).not.toBe("not V8 code cache bytes");
  });

  it("keeps import() working in a cached run (the HCL parser is loaded that way)", () => {
    // A fresh repository each run, so the variable check really loads @cdktf/hcl2json both times.
    const repo = () =>
      writeRepo({
        "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
        "stacks/deploy/prod.yaml": "components:\n  terraform:\n    app:\n      vars: {replicas: 2}\n",
        "components/terraform/app/variables.tf": 'variable "replicas" {}\nvariable "name" {}\n',
      });
    const cache = tempDir("slipway-cc-");
    for (let run = 0; run < 2; run++) {
      const r = slipway(["validate", "component", "app", "-s", "deploy/prod"], cache, repo());
      expect(r.stderr).toContain('variables.tf:2:1: error: required variable "name" (no default) is not set');
      expect(r.code).toBe(1);
    }
    expect(cacheFiles(cache).size).toBeGreaterThan(0);
  });

  it("a rebuilt chunk of the same length is compiled anew, never run from the old build's cache", () => {
    // V8 itself checks only the length of the source: a copy of the CLI whose entry changes text but not size.
    const copy = tempDir("slipway-cc-build-");
    cpSync(join(repoRoot, "bin"), join(copy, "bin"), { recursive: true });
    mkdirSync(join(copy, "dist"));
    cpSync(join(repoRoot, "dist", "bundle"), join(copy, "dist", "bundle"), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules"), join(copy, "node_modules"));
    const main = join(copy, "dist", "bundle", "main.cjs");
    const original = "Show a component's resolved configuration in a stack";
    const cache = tempDir("slipway-cc-");
    const help = () =>
      spawnSync(process.execPath, [join(copy, "bin", "slipway.js"), "--help"], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", SLIPWAY_COMPILE_CACHE: cache },
      }).stdout;
    expect(help()).toContain(original);
    expect(help()).toContain(original); // now from the cache
    const rebuilt = original.replace("resolved", "RESOLVED");
    writeFileSync(main, readFileSync(main, "utf8").replace(original, rebuilt));
    expect(help()).toContain(rebuilt);
    // One build's cache is kept: the old build's folder is gone.
    expect(readdirSync(join(cache, readdirSync(cache)[0]!))).toHaveLength(1);
  });

  it("writes nothing when turned off, and nothing with --debug", () => {
    const off = slipway(["list", "stacks"], "off");
    expect(off.stdout).toBe("pve-dev\npve-prod\n");
    // "off" is a switch, not a folder name: nothing appears under the working folder.
    expect(existsSync(join(homelab, "off"))).toBe(false);
    const cache = tempDir("slipway-cc-");
    const debug = slipway(["list", "stacks", "--debug"], cache);
    expect(debug.stdout).toBe("pve-dev\npve-prod\n");
    expect(readdirSync(cache)).toEqual([]);
  });
});
