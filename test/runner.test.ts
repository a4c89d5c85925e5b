// The one runner (src/components/run.ts) every tool run goes through, and the registry it reads.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PreparedRun } from "../src/components/component-type.js";
import { COMPONENT_TYPES } from "../src/schema/cli-config.js";
import { builtinSchemas, defaultCommands, REGISTRY } from "../src/components/registry.js";
import { dataOf, executeRun, prepareRun, type ReadyRun } from "../src/components/run.js";
import { engineAt, writeRepo } from "./helpers.js";
import { tempDir } from "./temp.js";

const repo = () =>
  writeRepo({
    "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
    "stacks/deploy/a.yaml":
      "components:\n  terraform:\n    app: {vars: {n: 1}}\n    base: {metadata: {type: abstract}}\n    frozen: {metadata: {locked: true}}\n  ansible:\n    site: {vars: {nodes: [{name: h1, address: 10.0.0.1, role: server}]}}\n",
    "components/terraform/app/main.tf": 'variable "n" {}\n',
    "components/terraform/frozen/main.tf": "",
  });

/** A ready run of `app` whose commands are these (real /bin/sh) and whose tool reports `failures`. */
async function readyWith(commands: string[][], failures: string[] = []): Promise<ReadyRun> {
  const engine = engineAt(repo());
  const ready = await prepareRun({
    engine,
    component: engine.resolveComponent("deploy/a", "app"),
    action: "plan",
    env: { PATH: process.env.PATH },
  });
  const dir = tempDir();
  const run: PreparedRun = {
    files: [{ path: join(dir, "out", "written.txt"), content: "x\n" }],
    commands: commands.map((argv) => ({ argv, env: {}, cwd: dir })),
    outcome: () => ({ failures, notes: ["recap: h1: ok=1"] }),
  };
  return { ...ready, run };
}
const env = { PATH: process.env.PATH };
const opts = { env, dryRun: false, output: "inherit" as const, onDryRun: () => {} };

describe("the component-type registry", () => {
  it("has one definition per component type, and derives default commands and built-in schemas", async () => {
    expect(Object.keys(REGISTRY).sort()).toEqual([...COMPONENT_TYPES].sort());
    for (const [name, t] of Object.entries(REGISTRY)) expect(t.name).toBe(name);
    expect(defaultCommands("slipway")).toEqual({
      terraform: "tofu",
      packer: "packer",
      ansible: "ansible-playbook",
      kubernetes: "kubectl",
    });
    expect((await builtinSchemas()).map(([n]) => n)).toEqual([
      "ansible/k3s",
      "kubernetes/addons",
      "kubernetes/apps",
      "kubernetes/gitops",
      "kubernetes/tenants",
    ]);
  });
});

describe("the runner", () => {
  it("is done only when every command exited 0 and the tool reported no failure", async () => {
    const ok = await executeRun(await readyWith([["/bin/sh", "-c", "exit 0"]]), opts);
    expect([ok.status, ok.started, ok.exitCode]).toEqual(["done", true, 0]);
    const exit = await executeRun(
      await readyWith([
        ["/bin/sh", "-c", "exit 3"],
        ["/bin/sh", "-c", "exit 0"],
      ]),
      opts,
    );
    expect([exit.status, exit.exitCode, exit.reason]).toEqual([
      "failed",
      3,
      "/bin/sh -c exit 3 failed (exit 3)",
    ]);
    const reported = await executeRun(
      await readyWith([["/bin/sh", "-c", "exit 0"]], ["node h1: task x failed"]),
      opts,
    );
    expect([reported.status, reported.reason]).toEqual(["failed", "node h1: task x failed"]);
  });

  it("a tool that is not there is a failure with nothing written; a dry run shows and writes nothing", async () => {
    const missing = await readyWith([["no-such-tool-here", "plan"]]);
    const r = await executeRun(missing, opts);
    expect([r.status, r.started]).toEqual(["failed", false]);
    expect(r.failures[0]).toMatch(
      /^no-such-tool-here is not on PATH; nothing ran \(terraform plan app needs it; /,
    );
    expect(existsSync(missing.run.files[0]!.path)).toBe(false);
    let shown = "";
    const dry = await executeRun(await readyWith([["no-such-tool-here"]]), {
      ...opts,
      dryRun: true,
      onDryRun: (t) => (shown = t),
    });
    expect(dry.status).toBe("dry-run");
    expect(shown).toContain("# would write ");
    expect(shown).toContain("no-such-tool-here");
  });

  it("writes the prepared files before the first command runs", async () => {
    const ready = await readyWith([["/bin/sh", "-c", "test -f out/written.txt"]]);
    expect((await executeRun(ready, opts)).status).toBe("done");
    expect(readFileSync(ready.run.files[0]!.path, "utf8")).toBe("x\n");
  });

  it("refuses abstract components, changes to locked ones, and unknown actions before preparing anything", async () => {
    const engine = engineAt(repo());
    const run = (name: string, action: string) =>
      prepareRun({ engine, component: engine.resolveComponent("deploy/a", name), action, env });
    await expect(run("base", "plan")).rejects.toThrow(/is abstract/);
    await expect(run("frozen", "deploy")).rejects.toThrow(/is locked \(metadata\.locked: true\): deploy/);
    await expect(run("frozen", "plan")).resolves.toMatchObject({ action: "plan" });
    await expect(run("app", "explode")).rejects.toThrow(/unknown terraform action "explode"/);
  });

  it("data actions show data and run nothing (the ansible inventory)", () => {
    const engine = engineAt(repo());
    const site = engine.resolveComponent("deploy/a", "site");
    expect(dataOf(site, "inventory")).toEqual({
      data: expect.objectContaining({ all: expect.objectContaining({ children: expect.any(Object) }) }),
    });
    expect(dataOf(site, "run")).toBeUndefined();
    // Another type has no such data action: the name is left to prepareRun, which refuses it.
    expect(dataOf(engine.resolveComponent("deploy/a", "app"), "inventory")).toBeUndefined();
  });
});
