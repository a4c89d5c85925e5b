import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planGraph } from "../src/exec/stack-run.js";
import { engineAt, hasTool, repoRoot, slipwayErrorOf, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");

function repo(components: string): string {
  return writeRepo({
    "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
    "components/terraform/a/main.tf": "",
    "components/terraform/b/main.tf": "",
    "components/terraform/c/main.tf": "",
    "components/terraform/d/main.tf": "",
    "stacks/deploy/prod.yaml": `name: prod\ncomponents:\n  terraform:\n${components}`,
  });
}

const chain =
  "    a: {}\n" +
  "    b: {settings: {depends_on: {1: {component: a}}}}\n" +
  "    c: {}\n" +
  "    d: {settings: {depends_on: [{component: b}]}}\n";

describe("plan / apply a whole stack", () => {
  it("runs in dependency order; a failure skips its dependents and lets independent work finish (test double: a recording tofu)", () => {
    const dir = repo(chain);
    const stub = writeRepo({});
    const log = join(stub, "order.log");
    // TEST DOUBLE: stands in for OpenTofu; records each plan and fails component b's.
    writeFileSync(
      join(stub, "tofu"),
      `#!/bin/sh\nc=$(basename "$PWD")\nif [ "$1" = plan ]; then echo "$c" >> ${log}; [ "$c" = b ] && { echo "b is broken" >&2; exit 3; }; fi\nexit 0\n`,
      { mode: 0o755 },
    );
    const r = spawnSync(process.execPath, [bin, "plan", "-s", "prod", "--parallelism", "2"], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: `${stub}:${process.env.PATH}` },
    });
    expect(r.status).toBe(3);
    const rows = Object.fromEntries(
      r.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(/\s{2,}/))
        .map((c) => [c[0], c[2]]),
    );
    expect(rows).toEqual({ a: "done", b: "failed", c: "done", d: "skipped" });
    const order = readFileSync(log, "utf8").trim().split("\n");
    expect(order.indexOf("a")).toBeLessThan(order.indexOf("b"));
    expect(order).not.toContain("d");
    expect(r.stderr).toMatch(/error: b failed \(exit 3\); see \.slipway\/logs\/prod\/b\.log/);
    expect(readFileSync(join(dir, ".slipway/logs/prod/b.log"), "utf8")).toMatch(
      /\$ tofu plan -var-file=prod-b\.terraform\.tfvars\.json\nb is broken/,
    );
  });

  it("runs as a dry run, saying so, when the tool is not on PATH", () => {
    const dir = repo(chain);
    const r = spawnSync(process.execPath, [bin, "plan", "-s", "prod"], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^a\s+terraform\s+dry-run\s+\S+ s\s+tofu is not on PATH$/m);
    expect(readFileSync(join(dir, ".slipway/logs/prod/d.log"), "utf8")).toMatch(
      /tofu plan -var-file=prod-d\.terraform\.tfvars\.json/,
    );
    expect(existsSync(join(dir, "components/terraform/a/prod-a.terraform.tfvars.json"))).toBe(false);
  });

  it("finds cycles and unknown dependencies before anything runs", () => {
    const cycle = repo(
      "    a: {settings: {depends_on: [{component: b}]}}\n    b: {settings: {depends_on: [{component: a}]}}\n",
    );
    expect(slipwayErrorOf(() => planGraph(engineAt(cycle), "prod")).message).toMatch(
      /^dependency cycle: (a → b → a|b → a → b)$/,
    );
    const unknown = repo("    a: {settings: {depends_on: [{component: zz}]}}\n");
    expect(slipwayErrorOf(() => planGraph(engineAt(unknown), "prod")).message).toBe(
      'component "a" depends on "zz", which stack "prod" does not deploy',
    );
  });
});

describe("plan on a terminal (a real pseudo-terminal from util-linux `script`)", () => {
  it.skipIf(!hasTool("script"))(
    "draws the live table with Ink from the CLI bundle, with and without the compile cache",
    () => {
      const dir = repo(chain);
      const cache = writeRepo({});
      for (const run of ["cold cache", "warm cache"]) {
        // `script` gives the CLI a terminal of 100 columns; no tofu on PATH, so every component is a dry run.
        const r = spawnSync(
          "script",
          ["-qec", `stty cols 100 rows 30; exec "${process.execPath}" "${bin}" plan -s prod`, "/dev/null"],
          {
            cwd: dir,
            encoding: "utf8",
            env: { PATH: "/usr/bin:/bin", TERM: "xterm", SLIPWAY_COMPILE_CACHE: cache },
          },
        );
        expect([run, r.status]).toEqual([run, 0]);
        expect(r.stdout).not.toContain("unexpected failure");
        expect(r.stdout).toContain("4 dry-run"); // the Ink table's count line
        expect(r.stdout).toMatch(/COMPONENT\s+TYPE\s+STATUS/); // the summary table after it
      }
    },
  );
});
