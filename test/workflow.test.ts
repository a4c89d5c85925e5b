import { spawn, spawnSync } from "node:child_process";
import { createServer as httpServer } from "node:http";
import { createServer as tcpServer, type AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../src/workflow/duration.js";
import { runSlipway } from "../src/cli/main.js";
import { runWorkflow, splitArgs, stackFor } from "../src/workflow/runner.js";
import { loadWorkflows, type Workflow } from "../src/workflow/workflow-file.js";
import { repoRoot, slipwayErrorOf, twoSleeps, writeRepo } from "./helpers.js";

function workflowsFrom(yaml: string) {
  const dir = writeRepo({ "wf.yaml": yaml });
  return { dir, all: loadWorkflows(join(dir, "wf.yaml")) };
}

async function run(w: Workflow, opts: { dir: string; stack?: string; fromStep?: string; dryRun?: boolean }) {
  let out = "";
  const r = await runWorkflow(
    w,
    {
      env: { PATH: process.env.PATH },
      cwd: opts.dir,
      out: (s) => (out += s),
      stack: opts.stack,
      fromStep: opts.fromStep,
      dryRun: opts.dryRun,
      slipway: runSlipway,
    },
    "wf",
  );
  return { r, out };
}

describe("workflows", () => {
  it("parses durations", () => {
    expect([
      parseDuration("20s"),
      parseDuration("5m"),
      parseDuration("1h"),
      parseDuration("500ms"),
      parseDuration("1m30s"),
      parseDuration("soon"),
    ]).toEqual([20_000, 300_000, 3_600_000, 500, 90_000, undefined]);
  });

  it("takes the stack by precedence: command < workflow < step < -s flag", () => {
    const w = { name: "w", file: "f", steps: [], stack: "from-workflow" } as Workflow;
    const step = { name: "s", type: "slipway" as const, command: "" };
    const argv = splitArgs("terraform plan vpc -s from-command -- -target='a b'");
    expect(argv).toEqual(["terraform", "plan", "vpc", "-s", "from-command", "--", "-target=a b"]);
    expect(stackFor(argv, { ...w, stack: undefined }, step).stack).toBe("from-command");
    expect(stackFor(argv, w, step).stack).toBe("from-workflow");
    expect(stackFor(argv, w, { ...step, stack: "from-step" }).stack).toBe("from-step");
    expect(stackFor(argv, w, { ...step, stack: "from-step" }, "from-flag")).toEqual({
      argv: ["terraform", "plan", "vpc", "-s", "from-flag", "--", "-target=a b"],
      stack: "from-flag",
    });
  });

  it("runs shell steps for real, names unnamed steps, and waits on tcp and http checks", async () => {
    const tcp = tcpServer((s) => s.end()).listen(0, "127.0.0.1");
    const http = httpServer((_q, res) => res.writeHead(401).end()).listen(0, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 50));
    const tp = (tcp.address() as AddressInfo).port;
    const hp = (http.address() as AddressInfo).port;
    try {
      const { dir, all } = workflowsFrom(
        `workflows:\n  go:\n    steps:\n      - {type: shell, command: "echo hello > out.txt"}\n      - {type: check, command: "tcp://127.0.0.1:${tp}", timeout: 5s, interval: 100ms}\n      - {type: check, command: "http://127.0.0.1:${hp}/readyz", expect_status: 401, timeout: 5s, interval: 100ms}\n      - {type: check, command: "test -f out.txt", timeout: 2s, interval: 100ms}\n`,
      );
      const { r } = await run(all.get("go")!, { dir });
      expect(r.steps.map((s) => [s.name, s.status])).toEqual([
        ["step1", "ok"],
        ["step2", "ok"],
        ["step3", "ok"],
        ["step4", "ok"],
      ]);
      expect(r.resume).toBeUndefined();
    } finally {
      tcp.close();
      http.close();
    }
  });

  it("stops at a failing step with its exit code and the command to resume from it; --from-step resumes", async () => {
    const { dir, all } = workflowsFrom(
      `workflows:\n  w:\n    stack: pve-dev\n    steps:\n      - {name: first, type: shell, command: "true"}\n      - {name: breaks, type: shell, command: "exit 7"}\n      - {name: never, type: shell, command: "true"}\n`,
    );
    const { r } = await run(all.get("w")!, { dir, stack: "pve-prod" });
    expect(r.steps.map((s) => [s.name, s.status, s.exitCode])).toEqual([
      ["first", "ok", 0],
      ["breaks", "failed", 7],
    ]);
    expect(r.resume).toBe("slipway workflow w -f wf --from-step breaks -s pve-prod");
    const again = await run(all.get("w")!, { dir, fromStep: "never" });
    expect(again.r.steps.map((s) => s.name)).toEqual(["never"]);
  });

  it("runs slipway steps in this process, as library calls, with their output and exit codes", async () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/lab.yaml": "components:\n  terraform:\n    vpc:\n      vars: {cidr: 10.0.0.0/16}\n",
      "wf.yaml":
        "workflows:\n  w:\n    stack: deploy/lab\n    steps:\n      - {name: show, command: describe component vpc --format json}\n      - {name: missing, command: describe component nope}\n",
    });
    const { r, out } = await run(loadWorkflows(join(dir, "wf.yaml")).get("w")!, { dir });
    expect(r.steps.map((s) => [s.name, s.status, s.exitCode])).toEqual([
      ["show", "ok", 0],
      ["missing", "failed", 1],
    ]);
    // The first step's data and the second's error (with its did-you-mean) reached the workflow's output.
    expect(out).toContain('"cidr": "10.0.0.0/16"');
    expect(out).toMatch(/error: component "nope" is not defined in stack "deploy\/lab"/);
  });

  it("a check whose probe never returns ends at its timeout, and a shell step's timeout stops it", async () => {
    const { dir, all } = workflowsFrom(
      `workflows:\n  w:\n    steps:\n      - {name: probe, type: check, command: "sleep 100000", timeout: 1s, interval: 200ms}\n  s:\n    steps:\n      - {name: slow, type: shell, command: "sleep 100001 & sleep 100002", timeout: 500ms}\n`,
    );
    const t0 = Date.now();
    const { r } = await run(all.get("w")!, { dir });
    expect(r.steps[0]).toMatchObject({
      status: "failed",
      message: "did not pass within 1s: the command was still running",
    });
    const shell = await run(all.get("s")!, { dir });
    expect(shell.r.steps[0]).toMatchObject({
      status: "failed",
      exitCode: 124,
      message: "did not finish within 500ms; stopped",
    });
    expect(Date.now() - t0).toBeLessThan(20_000);
    // Nothing the commands started is left running.
    expect(spawnSync("pgrep", ["-f", "^sleep 10000[012]$"]).status).toBe(1);
  });

  it("a check that never passes fails after its timeout, saying why", async () => {
    const { dir, all } = workflowsFrom(
      `workflows:\n  w:\n    steps:\n      - {type: check, command: "tcp://127.0.0.1:1", timeout: 300ms, interval: 100ms}\n`,
    );
    const { r } = await run(all.get("w")!, { dir });
    expect(r.steps[0]).toMatchObject({
      status: "failed",
      message: expect.stringMatching(/^did not pass within 300ms: /),
    });
  });

  it("--dry-run prints every step with its resolved command and runs nothing", async () => {
    const { dir, all } = workflowsFrom(
      `workflows:\n  w:\n    steps:\n      - command: terraform deploy vpc\n      - {type: shell, command: "kubectl apply -k clusters/{{ .stack }}"}\n      - {type: shell, command: "touch ran.txt"}\n`,
    );
    const { r, out } = await run(all.get("w")!, { dir, stack: "pve-prod", dryRun: true });
    expect(out).toBe(
      "[step1] slipway: slipway terraform deploy vpc -s pve-prod\n[step2] shell: kubectl apply -k clusters/pve-prod\n[step3] shell: touch ran.txt\n",
    );
    expect(r.steps.every((s) => s.status === "dry-run")).toBe(true);
  });

  it.each([
    [
      "an invalid step type",
      "workflows:\n  w:\n    steps:\n      - {type: ssh, command: x}\n",
      /workflows\.w\.steps\.0\.type: Invalid option/,
      4,
    ],
    ["a workflow without steps", "workflows:\n  w:\n    steps: []\n", /workflow "w" has no steps/, 2],
    [
      "a bad duration",
      "workflows:\n  w:\n    steps:\n      - {type: check, command: x, timeout: soon}\n",
      /timeout: a duration such as 20s/,
      4,
    ],
  ])("%s is a clear error with its place", (_what, yaml, message, line) => {
    const e = slipwayErrorOf(() => workflowsFrom(yaml));
    expect(e.message).toMatch(message);
    expect(e.line).toBe(line);
  });

  it("an unknown --from-step lists the steps", async () => {
    const { dir, all } = workflowsFrom(
      "workflows:\n  w:\n    steps:\n      - {name: a, type: shell, command: 'true'}\n",
    );
    await expect(run(all.get("w")!, { dir, fromStep: "b" })).rejects.toThrow(/workflow "w" has no step "b"/);
    // An empty one (an unset shell variable) is refused too, never a rerun of every step.
    await expect(run(all.get("w")!, { dir, fromStep: "" })).rejects.toMatchObject({
      code: "usage",
      message: 'workflow "w" has no step ""',
    });
  });
});

describe("slipway workflow interrupted (the built CLI, a real SIGINT)", () => {
  it("Ctrl-C stops the running step and everything it started, and says how to resume", async () => {
    // Durations no other process has, so the check below finds only this step's processes.
    const { script, running } = twoSleeps(200_000);
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/a.yaml": "vars: {a: 1}\n",
      "stacks/workflows/w.yaml": `workflows:\n  w:\n    steps:\n      - {name: long, type: shell, command: '${script}'}\n      - {name: after, type: shell, command: 'touch ran.txt'}\n`,
    });
    const p = spawn(process.execPath, [join(repoRoot, "bin", "slipway.js"), "workflow", "w", "-f", "w"], {
      cwd: dir,
    });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; i < 100 && running().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toHaveLength(2);
    p.kill("SIGINT");
    const code = await new Promise<number | null>((r) => p.on("close", r));
    expect(code).toBe(130);
    expect(running()).toEqual([]);
    expect(stderr).toContain('failed at step "long"');
    expect(stderr).toContain("interrupted by SIGINT; its processes were stopped");
    expect(stderr).toContain("resume with: slipway workflow w -f w --from-step long");
    expect(existsSync(join(dir, "ran.txt"))).toBe(false);
  }, 30_000);
});

describe("workflow steps read the stack's own values (atmos.Component)", () => {
  const slipwayBin = join(repoRoot, "bin", "slipway.js");
  const dryRun = (stack?: string) =>
    spawnSync(
      process.execPath,
      [
        slipwayBin,
        "workflow",
        "k8s-bootstrap",
        "-f",
        "kubernetes",
        "--dry-run",
        ...(stack ? ["-s", stack] : []),
      ],
      { cwd: join(repoRoot, "examples", "homelab"), encoding: "utf8" },
    );

  it("the example's bootstrap waits on each stack's own API endpoint", () => {
    expect(dryRun("pve-dev").stdout).toContain("[api-ready] check: https://192.168.10.50:6443/readyz");
    expect(dryRun("pve-prod").stdout).toContain("[api-ready] check: https://192.168.10.20:6443/readyz");
  });

  it("without a stack it is a usage error that says how to give one", () => {
    const r = dryRun();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'error: step "api-ready" of workflow "k8s-bootstrap" reads atmos.Component "k3s" of a stack, and no stack is set',
    );
    expect(r.stderr).not.toContain("unexpected failure");
  });
});
