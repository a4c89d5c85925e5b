import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planGraph } from "../src/components/stack-run.js";
import { engineAt, hasTool, repoRoot, slipwayErrorOf, twoSleeps, writeRepo } from "./helpers.js";
import { havePeers, peerEnv } from "./peers.js";

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
  it.runIf(havePeers("plan -s with the real OpenTofu (test/stack-run.test.ts)", "tofu", "tofurc"))(
    "runs in dependency order with the real tofu; a failure skips its dependents and lets independent work finish",
    () => {
      // b's plan fails in tofu itself (a variable validation), with tofu's exit code.
      const module =
        'variable "fail" {\n  type    = bool\n  default = false\n  validation {\n    condition     = !var.fail\n    error_message = "b is broken"\n  }\n}\noutput "ok" { value = true }\n';
      const dir = repo(chain.replace("    b: {settings:", "    b: {vars: {fail: true}, settings:"));
      for (const c of ["a", "b", "c", "d"])
        writeFileSync(join(dir, `components/terraform/${c}/main.tf`), module);
      const r = spawnSync(process.execPath, [bin, "plan", "-s", "prod", "--parallelism", "2"], {
        cwd: dir,
        encoding: "utf8",
        env: peerEnv(),
      });
      expect(r.status).toBe(1);
      const rows = Object.fromEntries(
        r.stdout
          .split("\n\n")[0]!
          .split("\n")
          .slice(1)
          .map((l) => l.split(/\s{2,}/))
          .map((c) => [c[0], c[2]]),
      );
      expect(rows).toEqual({ a: "done", b: "failed", c: "done", d: "skipped" });
      // The summary counts what ran for real, and the failure's own first error line is in it, not only in the log.
      expect(r.stdout).toContain("plan: 4 components — 2 ran for real, 1 failed, 1 skipped\n");
      expect(r.stderr).toMatch(
        /error: b failed \(exit 1\): Error: Invalid value for variable\n {2}log: \.slipway\/logs\/prod\/b\.log/,
      );
      // Logs are text: tofu's colour codes are not in them.
      const log = (c: string) => readFileSync(join(dir, `.slipway/logs/prod/${c}.log`), "utf8");
      expect(log("b")).toMatch(/Error: Invalid value for variable/);
      expect(log("b")).not.toContain("\u001b");
      expect(log("b")).toMatch(/\$ tofu plan -var-file=prod-b\.terraform\.tfvars\.json[\s\S]*b is broken/);
      expect(log("a")).toMatch(/No changes|Changes to Outputs/);
      // a finished before b started: b runs after its dependency, never beside it.
      const { mtimeMs: aDone } = statSync(join(dir, ".slipway/logs/prod/a.log"));
      const { birthtimeMs: bStart } = statSync(join(dir, ".slipway/logs/prod/b.log"));
      expect(bStart).toBeGreaterThanOrEqual(aDone);
      expect(existsSync(join(dir, "components/terraform/d/.terraform"))).toBe(false);
    },
  );

  it("fails, saying so, when the tool is not on PATH; --dry-run is a dry run", () => {
    const dir = repo(chain);
    const missing = spawnSync(process.execPath, [bin, "plan", "-s", "prod"], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(
      /^a\s+terraform\s+failed\s+\S+ s\s+tofu is not on PATH \(install it, or add --dry-run\)$/m,
    );
    expect(missing.stdout).toMatch(/^b\s+terraform\s+skipped/m);
    expect(readFileSync(join(dir, ".slipway/logs/prod/a.log"), "utf8")).toMatch(
      /tofu is not on PATH; nothing ran/,
    );
    const r = spawnSync(process.execPath, [bin, "plan", "-s", "prod", "--dry-run"], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^a\s+terraform\s+dry-run\s+\S+ s\s+\.slipway\/logs\/prod\/a\.log$/m);
    expect(readFileSync(join(dir, ".slipway/logs/prod/d.log"), "utf8")).toMatch(
      /tofu plan -var-file=prod-d\.terraform\.tfvars\.json/,
    );
    expect(existsSync(join(dir, "components/terraform/a/prod-a.terraform.tfvars.json"))).toBe(false);
  });

  it.runIf(hasTool("ansible-playbook"))(
    "an ansible plan is a syntax check only: not green — it says so, names the real run and exits 3",
    () => {
      const dir = writeRepo({
        "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
        "components/ansible/site/site.yml":
          "- hosts: all\n  gather_facts: false\n  tasks: [{ansible.builtin.ping: {}}]\n",
        "components/terraform/after/main.tf": "",
        // `after` depends on the play; its command is a test double (`true` exits 0 for any argv).
        "stacks/deploy/prod.yaml":
          'name: prod\ncomponents:\n  ansible:\n    site: {vars: {nodes: [{name: n1, address: 192.0.2.1, role: server}]}}\n  terraform:\n    after: {command: "true", settings: {depends_on: [{component: site}]}}\n',
      });
      const r = spawnSync(process.execPath, [bin, "plan", "-s", "prod"], { cwd: dir, encoding: "utf8" });
      expect(r.stdout).toMatch(/^site\s+ansible\s+checked\s+\S+ s\s+syntax-check only$/m);
      expect(r.stdout).toContain("plan: 2 components — 1 ran for real, 1 checked only\n");
      // A checked dependency does not stop its dependents.
      expect(r.stdout).toMatch(/^after\s+terraform\s+done/m);
      expect(r.stderr).toContain(
        "note: site: syntax-check only, not run for real; to run it: slipway ansible run site -s prod --check --diff",
      );
      expect(r.status).toBe(3);
      const dry = spawnSync(process.execPath, [bin, "plan", "-s", "prod", "--dry-run"], { cwd: dir });
      expect(dry.status).toBe(0);
    },
  );

  it("Ctrl-C during apply stops the tool's whole process group and starts nothing more", async () => {
    // A test double for a long tofu run: a script, named as the component's command, that starts two
    // processes and waits. Durations no other process has, so pgrep finds only these.
    const { script, running } = twoSleeps(400_000);
    const dir = repo(
      "    a: {command: ./slow-tool}\n    b: {command: ./slow-tool, settings: {depends_on: [{component: a}]}}\n",
    );
    for (const c of ["a", "b"]) {
      const tool = join(dir, `components/terraform/${c}/slow-tool`);
      writeFileSync(tool, `#!/bin/sh\n${script}\nwait\n`, { mode: 0o755 });
    }
    const p = spawn(process.execPath, [bin, "apply", "-s", "prod"], {
      cwd: dir,
      env: { ...process.env, CI: "1", SLIPWAY_KILL_GRACE: "2" },
    });
    let stderr = "";
    let stdout = "";
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    for (let i = 0; i < 150 && running().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toHaveLength(2);
    p.kill("SIGINT");
    const code = await new Promise<number | null>((r) => p.on("close", r));
    expect(code).toBe(130);
    expect(running()).toEqual([]);
    expect(stdout).toMatch(
      /^a\s+terraform\s+failed\s+\S+ s\s+interrupted by SIGINT: \.\/slow-tool init (stopped|did not stop within 2 s and was killed)/m,
    );
    expect(stdout).toMatch(/^b\s+terraform\s+skipped\s+\S+ s\s+not started: interrupted by SIGINT$/m);
    expect(stderr).toContain("run `slipway apply -s prod` again to go on");
  }, 30_000);

  it("refuses a SLIPWAY_KILL_GRACE that is not a number of seconds before anything runs", () => {
    const dir = repo("    a: {command: ./marker-tool}\n");
    // A test double for the component's tool: it leaves a file behind if it ever runs.
    writeFileSync(join(dir, "components/terraform/a/marker-tool"), "#!/bin/sh\ntouch ran\n", { mode: 0o755 });
    const r = spawnSync(process.execPath, [bin, "apply", "-s", "prod"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CI: "1", SLIPWAY_KILL_GRACE: "30s" },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('SLIPWAY_KILL_GRACE must be a number of seconds (0 or more), not "30s"');
    expect(r.stderr).not.toContain("    at ");
    expect(existsSync(join(dir, "components/terraform/a/ran"))).toBe(false);
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

describe("dependencies.components, Atmos's current dependency format", () => {
  it("orders the stack like settings.depends_on (both forms together, `name` as Atmos's alias), with the same errors", () => {
    const dir = repo(
      "    a: {}\n" +
        "    b: {dependencies: {components: [{component: a}]}}\n" +
        "    c: {dependencies: {components: [{name: b}, {component: other, stack: elsewhere}, {kind: file, path: x.json}]}}\n" +
        "    d: {settings: {depends_on: [{component: a}]}, dependencies: {components: [{component: c}]}}\n",
    );
    const graph = planGraph(engineAt(dir), "prod");
    expect(Object.fromEntries(graph.map((n) => [n.c.atmos_component, n.deps]))).toEqual({
      a: [],
      b: ["a"],
      c: ["b"],
      d: ["a", "c"],
    });
    const cycle = repo(
      "    a: {dependencies: {components: [{component: b}]}}\n    b: {settings: {depends_on: [{component: a}]}}\n",
    );
    expect(slipwayErrorOf(() => planGraph(engineAt(cycle), "prod")).message).toMatch(
      /^dependency cycle: (a → b → a|b → a → b)$/,
    );
    const unknown = repo("    a: {dependencies: {components: [{name: zz}]}}\n");
    const e = slipwayErrorOf(() => planGraph(engineAt(unknown), "prod"));
    expect(e.message).toBe('component "a" depends on "zz", which stack "prod" does not deploy');
    expect(e.hint).toMatch(/dependencies\.components/);
  });
});

describe("plan on a terminal (a real pseudo-terminal from util-linux `script`)", () => {
  it.skipIf(!hasTool("script"))(
    "draws the live table with Ink from the CLI bundle, with empty and with filled caches",
    () => {
      const dir = repo(chain);
      const cache = writeRepo({});
      for (const run of ["cold cache", "warm cache"]) {
        // `script` gives the CLI a terminal of 100 columns; --dry-run, so every component is a dry run.
        const r = spawnSync(
          "script",
          [
            "-qec",
            `stty cols 100 rows 30; exec "${process.execPath}" "${bin}" plan -s prod --dry-run`,
            "/dev/null",
          ],
          {
            cwd: dir,
            encoding: "utf8",
            env: { PATH: "/usr/bin:/bin", TERM: "xterm", SLIPWAY_CACHE: cache },
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
