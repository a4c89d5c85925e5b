// `describe affected` on real git histories made in temp folders: what each kind of change marks, and the
// git-backed reading of the other revision (no checkout). The differential test against the real Atmos is
// test/affected-parity.test.ts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStacks } from "../src/repo/open-stacks.js";
import { describeAffected, type DescribeAffectedOptions } from "../src/repo/describe-affected.js";
import { RevisionInputs } from "../src/repo/git-revision.js";
import { AFFECTED_REPO, replaced } from "./affected-repo.js";
import { commit, edit, git, gitRepo } from "./git-repo.js";
import { repoRoot } from "./helpers.js";
import { SlipwayError } from "../src/core/errors.js";

const CATALOG = "stacks/catalog/network.yaml";

async function run(dir: string, opts: Partial<DescribeAffectedOptions> = {}) {
  const { engine } = openStacks({ cwd: dir, env: {} });
  return describeAffected({ engine, env: {}, ...opts });
}

/** `stack component reasons` per affected entry, in output order. */
async function lines(dir: string, opts: Partial<DescribeAffectedOptions> = {}): Promise<string[]> {
  return (await run(dir, opts)).affected.map((a) => `${a.stack} ${a.component} ${a.affected_all.join(",")}`);
}

/** The SlipwayError a promise rejects with; fails the test when it resolves or rejects with anything else. */
async function rejection(p: Promise<unknown>): Promise<SlipwayError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SlipwayError) return e;
    throw e;
  }
  throw new Error("expected a SlipwayError, but it resolved");
}

/** A repository whose feature branch starts at the first commit on main. */
function branched() {
  const repo = gitRepo(AFFECTED_REPO);
  git(repo.dir, "checkout", "-q", "-b", "feature");
  return repo;
}

describe("describe affected", () => {
  it("marks nothing when the work tree is the base revision", async () => {
    const { dir } = branched();
    expect(await lines(dir)).toEqual([]);
  });

  it("a var changed in a catalog file marks every stack importing it, with stack.vars", async () => {
    const { dir } = branched();
    commit(dir, { [CATALOG]: replaced(AFFECTED_REPO[CATALOG]!, "10.0.0.0/16", "10.1.0.0/16") });
    expect(await lines(dir)).toEqual(["dev vpc stack.vars", "prod vpc stack.vars", "stg vpc stack.vars"]);
  });

  it("an imported file changed marks only the stacks importing it (vars and env)", async () => {
    const { dir } = branched();
    commit(dir, {
      "stacks/mixins/region.yaml": "vars:\n  region: eu-central-1\nenv:\n  AWS_REGION: eu-central-1\n",
    });
    expect(await lines(dir)).toEqual([
      "prod image stack.vars,stack.env",
      "prod app stack.vars,stack.env",
      "prod old stack.vars,stack.env",
      "prod vpc stack.vars,stack.env",
      "prod worker stack.vars,stack.env",
    ]);
  });

  it("a file in a component folder marks every instance using that folder (metadata.component too)", async () => {
    const { dir } = branched();
    commit(dir, { "components/terraform/app/main.tf": 'variable "size" {}\nvariable "more" {}\n' });
    expect(await lines(dir, { stack: "dev" })).toEqual(["dev app component", "dev worker component"]);
  });

  it("a change in a local module a component calls is component.module (not in the component's folder)", async () => {
    const { dir } = branched();
    commit(dir, { "components/terraform/modules/label/main.tf": 'variable "name" {}\n' });
    expect(await lines(dir, { stack: "dev" })).toEqual(["dev vpc component.module"]);
  });

  it("a deleted component is reported as deleted, a deleted stack as deleted.stack", async () => {
    const { dir } = branched();
    commit(dir, {
      [CATALOG]: replaced(AFFECTED_REPO[CATALOG]!, "    old:\n      vars:\n        x: 1\n", ""),
      "stacks/deploy/stg.yaml": null,
    });
    const out = (await run(dir)).affected;
    expect(out.map((a) => `${a.stack} ${a.component} ${a.affected} ${a.deletion_type}`)).toEqual([
      "dev old deleted component",
      "prod old deleted component",
      "stg image deleted.stack stack",
      "stg app deleted.stack stack",
      "stg old deleted.stack stack",
      "stg vpc deleted.stack stack",
      "stg worker deleted.stack stack",
    ]);
    expect(out[0]).toMatchObject({ deleted: true, stage: "dev", component_path: "components/terraform/old" });
  });

  it("a settings.depends_on file or folder that changed marks the component, naming it", async () => {
    const { dir } = branched();
    commit(dir, { "config/app.json": '{"a": 1}\n', "config/shared/b.txt": "b\n" });
    const dev = (await run(dir, { stack: "dev" })).affected;
    expect(dev.map((a) => [a.component, a.affected, a.file, a.folder])).toEqual([
      ["app", "file", "config/app.json", undefined],
      ["worker", "folder", undefined, "config/shared"],
    ]);
  });

  it("--include-dependents adds who depends on each entry and marks entries already among them", async () => {
    const { dir } = branched();
    commit(dir, {
      [CATALOG]: replaced(AFFECTED_REPO[CATALOG]!, "size: 1", "size: 2").replace(
        "10.0.0.0/16",
        "10.2.0.0/16",
      ),
    });
    const out = (await run(dir, { stack: "dev", includeDependents: true })).affected;
    const shape = (d: {
      stack_slug: string;
      included_in_dependents: boolean;
      dependents: unknown[] | null;
    }): unknown => [d.stack_slug, d.included_in_dependents, (d.dependents as never[] | null)?.map(shape)];
    expect(out.map(shape)).toEqual([
      ["dev-app", true, [["dev-worker", false, []]]],
      ["dev-vpc", false, [["dev-app", false, [["dev-worker", false, []]]]]],
    ]);
  });

  it("uncommitted and untracked changes in the work tree count", async () => {
    const { dir } = branched();
    edit(dir, { "components/packer/image/extra.pkr.hcl": "# new\n" });
    expect(await lines(dir)).toEqual(["dev image component", "prod image component", "stg image component"]);
  });

  it("compares with --sha or --ref when given, else the merge base with the default branch", async () => {
    const { dir, first } = branched();
    const second = commit(dir, { [CATALOG]: replaced(AFFECTED_REPO[CATALOG]!, "debian-12", "debian-13") });
    git(dir, "checkout", "-q", "main");
    commit(dir, { "components/terraform/vpc/main.tf": "# main moved on\n" });
    git(dir, "checkout", "-q", "feature");
    // The merge base is the first commit: main's own later change is not the branch's.
    expect((await run(dir)).base).toEqual({ sha: first, from: "merge base of HEAD and main" });
    expect(await lines(dir, { stack: "dev" })).toEqual(["dev image stack.vars"]);
    // --ref main compares with main's tip, so its vpc change shows (from the branch's side).
    expect(await lines(dir, { stack: "dev", ref: "main" })).toEqual([
      "dev image stack.vars",
      "dev vpc component",
    ]);
    expect(await lines(dir, { sha: second })).toEqual([]);
  });

  it("an unknown revision is a usage error naming it", async () => {
    const { dir } = branched();
    const e = await rejection(run(dir, { sha: "no-such-commit" }));
    expect(e.code).toBe("usage");
    expect(e.message).toContain("--sha no-such-commit: no such commit");
  });

  it("-s with a stack in neither revision is an error, not an empty list", async () => {
    const { dir } = branched();
    const e = await rejection(run(dir, { stack: "nope" }));
    expect([e.code, e.message]).toEqual(["unknown-stack", expect.stringContaining("-s nope: no such stack")]);
  });

  it("a manifest broken in the base revision is reported as being in that revision", async () => {
    const { dir } = gitRepo({ ...AFFECTED_REPO, "stacks/deploy/dev.yaml": "import: [catalog/network\n" });
    git(dir, "checkout", "-q", "-b", "feature");
    commit(dir, { "stacks/deploy/dev.yaml": AFFECTED_REPO["stacks/deploy/dev.yaml"]! });
    const e = await rejection(run(dir));
    expect(e.message).toMatch(/^at [0-9a-f]{12} \(the revision compared with\): /);
    expect(e.file).toBe(join(dir, "stacks/deploy/dev.yaml"));
  });
});

describe("describe affected: settings it does not implement", () => {
  it("describe.affected.sections in atmos.yaml is reported, not silently ignored", async () => {
    const { dir } = gitRepo({
      ...AFFECTED_REPO,
      "atmos.yaml": AFFECTED_REPO["atmos.yaml"] + "describe:\n  affected:\n    sections: [vars]\n",
    });
    expect((await run(dir)).warnings).toEqual([
      expect.stringContaining("atmos.yaml: describe.affected.sections is not implemented"),
    ]);
    expect((await run(branched().dir)).warnings).toEqual([]);
  });
});

describe("RevisionInputs (a commit read through git)", () => {
  it("reads, checks and globs the commit's files, not the work tree's", async () => {
    const { dir, first } = gitRepo(AFFECTED_REPO);
    edit(dir, {
      "stacks/deploy/dev.yaml": "changed\n",
      "stacks/deploy/new.yaml": "x: 1\n",
      "stacks/mixins/region.yaml": null,
    });
    const inputs = new RevisionInputs(git(dir, "rev-parse", "--show-toplevel"), first, [join(dir, "stacks")]);
    const top = git(dir, "rev-parse", "--show-toplevel");
    expect(inputs.read(join(top, "stacks/deploy/dev.yaml"))).toBe(AFFECTED_REPO["stacks/deploy/dev.yaml"]);
    expect(readFileSync(join(dir, "stacks/deploy/dev.yaml"), "utf8")).toBe("changed\n");
    expect(inputs.isFile(join(top, "stacks/mixins/region.yaml"))).toBe(true);
    expect(inputs.isFile(join(top, "stacks/deploy/new.yaml"))).toBe(false);
    expect(inputs.exists(join(top, "stacks/catalog"))).toBe(true);
    expect(inputs.isFile(join(top, "stacks/catalog"))).toBe(false);
    expect(inputs.glob(["deploy/**/*"], join(top, "stacks")).map((p) => p.slice(top.length + 1))).toEqual([
      "stacks/deploy/dev.yaml",
      "stacks/deploy/prod.yaml",
      "stacks/deploy/stg.yaml",
    ]);
    expect(inputs.glob(["**/*.yaml"], join(top, "stacks"), ["deploy/**"]).length).toBe(2);
    expect(() => inputs.read(join(top, "stacks/deploy/new.yaml"))).toThrow(/ENOENT/);
  });
});

describe("plan --affected and list affected (the built CLI)", () => {
  const cli = (dir: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(repoRoot, "bin", "slipway.js"), ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: dir, SLIPWAY_CACHE: "off" },
    });

  it("plan --affected --dry-run runs only the affected instances, stack by stack, and reports deleted ones", async () => {
    const { dir } = branched();
    commit(dir, {
      [CATALOG]: replaced(
        replaced(AFFECTED_REPO[CATALOG]!, "10.0.0.0/16", "10.1.0.0/16"),
        "    old:\n      vars:\n        x: 1\n",
        "",
      ),
    });
    const r = cli(dir, "plan", "--affected", "--dry-run", "-s", "dev");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^STACK +COMPONENT +TYPE +STATUS +TIME +LOG \/ NOTE\ndev +vpc +terraform +dry-run +[^\n]*\n\nplan: 1 component — 1 dry run\n$/,
    );
    expect(r.stderr).toContain("note: dev/old (terraform) is deleted: not run");
  });

  it("plan --affected --include-dependents adds the dependents, in dependency order", async () => {
    const { dir } = branched();
    commit(dir, { [CATALOG]: replaced(AFFECTED_REPO[CATALOG]!, "10.0.0.0/16", "10.1.0.0/16") });
    const r = cli(dir, "plan", "--affected", "--include-dependents", "--dry-run", "-s", "prod");
    expect([r.status, r.stderr]).toEqual([0, expect.any(String)]);
    const started = [...r.stderr.matchAll(/(\S+): running/g)].map((m) => m[1]);
    expect(started).toEqual(["prod/vpc", "prod/app", "prod/worker"]);
  });

  it("list affected prints one row per instance with every reason", async () => {
    const { dir } = branched();
    commit(dir, { "config/app.json": "[]\n", "stacks/deploy/stg.yaml": null });
    const r = cli(dir, "list", "affected", "-s", "dev");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "STACK  COMPONENT  TYPE       AFFECTED\ndev    app        terraform  file (config/app.json)\n",
    );
  });
});
