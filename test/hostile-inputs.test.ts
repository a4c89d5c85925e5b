// Hostile and large inputs: each of these hung, grew past gigabytes or printed a 70 KB message before.
import { spawnSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const slipway = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", SLIPWAY_CACHE: "off", ...env },
    timeout: 60_000,
  });

const config = "stacks: {included_paths: ['deploy/*']}\n";

/** Nine lists of nine aliases of the level below: 9^9 leaves from about 500 bytes. */
function billionLaughs(levels: number): string {
  const lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return "vars:\n" + lines.map((l) => `  ${l}`).join("\n") + "\n";
}

describe("hostile and large inputs fail early, with the file and the limit", () => {
  it.each([
    ["validate stacks", 8],
    ["describe stacks", 6],
  ])("a billion-laughs manifest: %s stops at the alias limit", (command, levels) => {
    const dir = writeRepo({ "slipway.yaml": config, "stacks/deploy/x.yaml": billionLaughs(levels) });
    const r = slipway(dir, command.split(" "));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'stacks/deploy/x.yaml: error: aliases here expand past 1000 nodes (the limit that stops a "billion laughs" file)',
    );
  });

  it("aliases within the limit still resolve", () => {
    const dir = writeRepo({
      "slipway.yaml": config,
      "stacks/deploy/x.yaml":
        "vars:\n  base: &b {size: small}\n  copy: *b\ncomponents:\n  terraform:\n    app: {vars: {again: *b}}\n",
    });
    const r = slipway(dir, ["describe", "stacks", "--format", "json"]);
    const stack = JSON.parse(r.stdout) as Record<
      string,
      { components: { terraform: { app: { vars: object } } } }
    >;
    expect(stack["deploy/x"]!.components.terraform.app.vars).toEqual({
      base: { size: "small" },
      copy: { size: "small" },
      again: { size: "small" },
    });
  });

  it("!include of a FIFO or a device is refused without reading it; a manifest linked to /dev/zero too", () => {
    const dir = writeRepo({
      "slipway.yaml": config,
      "stacks/deploy/x.yaml": "vars:\n  a: !include ./pipe\n",
    });
    expect(spawnSync("mkfifo", [join(dir, "stacks/deploy/pipe")]).status).toBe(0);
    const fifo = slipway(dir, ["validate", "stacks"]);
    expect(fifo.status).toBe(1);
    expect(fifo.stderr).toMatch(
      /stacks\/deploy\/x\.yaml:2:\d+: .*stacks\/deploy\/pipe is a FIFO; slipway reads only regular files/,
    );
    writeFileSync(join(dir, "stacks/deploy/x.yaml"), "vars:\n  a: !include /dev/zero\n");
    const zero = slipway(dir, ["validate", "stacks"]);
    expect(zero.status).toBe(1);
    expect(zero.stderr).toMatch(/\/dev\/zero is a character device; slipway reads only regular files/);
    writeFileSync(join(dir, "stacks/deploy/x.yaml"), "vars: {a: 1}\n");
    symlinkSync("/dev/urandom", join(dir, "stacks/deploy/y.yaml"));
    const linked = slipway(dir, ["describe", "stacks", "-s", "y"]);
    expect(linked.status).toBe(1);
    expect(linked.stderr).toMatch(
      /stacks\/deploy\/y\.yaml is a character device; slipway reads only regular files/,
    );
  });

  it("a file past the size limit is refused, naming the limit and how to raise it", () => {
    const big =
      "vars:\n" + Array.from({ length: 200 }, (_, i) => `  k${i}: ${"x".repeat(20)}`).join("\n") + "\n";
    const dir = writeRepo({ "slipway.yaml": config, "stacks/deploy/x.yaml": big });
    const r = slipway(dir, ["describe", "stacks"], { SLIPWAY_MAX_FILE_SIZE: "2k" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /stacks\/deploy\/x\.yaml is larger than 2048 bytes, the most slipway reads from one file/,
    );
    expect(r.stderr).toContain("raise SLIPWAY_MAX_FILE_SIZE");
    expect(slipway(dir, ["describe", "stacks"]).status).toBe(0);
  });

  it("!include recursion is an include cycle with the chain, in a short message", () => {
    const dir = writeRepo({
      "slipway.yaml": config,
      "stacks/deploy/x.yaml": "vars:\n  a: !include ../catalog/a.yaml\n",
      "stacks/catalog/a.yaml": "b: !include ./b.yaml\n",
      "stacks/catalog/b.yaml": "a: !include ./a.yaml\n",
    });
    const r = slipway(dir, ["validate", "stacks"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "!include cycle: stacks/deploy/x.yaml → stacks/catalog/a.yaml → stacks/catalog/b.yaml → stacks/catalog/a.yaml",
    );
    expect(r.stderr.length).toBeLessThan(2000);
  });
});
