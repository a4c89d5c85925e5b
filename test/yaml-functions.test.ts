// Atmos's YAML functions (!exec, !template, !include.raw, !include of HCL, !repo-root, !git.*, …) through slipway
// and through the real Atmos on the same repository — a temp git repository, so the git functions have
// something to read. Where slipway differs on purpose (docs/atmos-differences.md), the test says so.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, writeRepo } from "./helpers.js";
import { atmosEnv, havePeers, peer } from "./peers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const atmosReady = havePeers("Atmos YAML-function differential tests (test/yaml-functions.test.ts)", "atmos");

const ATMOS_YAML = `base_path: "."
components:
  terraform:
    base_path: components/terraform
stacks:
  base_path: stacks
  included_paths: ["**/*"]
  name_pattern: "{stage}"
templates:
  settings:
    enabled: true
`;

const STACK = `vars:
  stage: dev
components:
  terraform:
    app:
      vars:
        root: !repo-root
        sha: !git.sha
        branch: !git.branch
        json: !exec "echo '{\\"a\\": [1, 2]}'"
        text: !exec echo hi there
        number: !exec echo 42
        templated: !exec echo {{ .vars.stage }}-x
        tpl: !template '{"k": {{ printf "%q" .vars.stage }} }'
        tpl_text: !template 'plain {{ .vars.stage }}'
        raw: !include.raw raw.txt
        tfvars: !include vars.tfvars
        hcl: !include settings.hcl
        picked: !include settings.hcl .nested.deep.v[0]
        cwd: !cwd
        port: !random 1024 2048
        literal: !literal "{{ .vars.stage }} \${x}"
`;

function gitRepo(files: Record<string, string>): string {
  const dir = writeRepo(files);
  const git = (...args: string[]) => {
    const r = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git("init", "-q", "-b", "feature-x");
  git("add", "-A");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init");
  return dir;
}

function functionsRepo(): string {
  return gitRepo({
    "atmos.yaml": ATMOS_YAML,
    "stacks/dev.yaml": STACK,
    "components/terraform/app/main.tf": "",
    "raw.txt": "hello {{ .vars.stage }}\n",
    "vars.tfvars": 'region = "us-east-1"\ncount  = 3\ntags   = { a = "b" }\nlist   = [1, 2]\nflag   = true\n',
    "settings.hcl": 'name = "x"\nnested = { deep = { v = [ "a" ] } }\n',
  });
}

type Vars = Record<string, unknown>;

function slipway(dir: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: dir, SLIPWAY_CACHE: "off", ...env },
  });
}

function slipwayVars(dir: string, extra: string[] = []): Vars {
  const r = slipway(dir, ["describe", "component", "app", "-s", "dev", "--format", "json", ...extra]);
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { vars: Vars }).vars;
}

function atmosVars(dir: string, extra: string[] = []): Vars {
  const r = spawnSync(
    peer("atmos"),
    ["describe", "component", "app", "-s", "dev", "--format", "json", ...extra],
    {
      cwd: dir,
      encoding: "utf8",
      env: atmosEnv(dir),
    },
  );
  if (r.status !== 0) throw new Error(`atmos failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { vars: Vars }).vars;
}

/** Functions Atmos v1.225 does not evaluate in stack manifests (only in atmos.yaml) or evaluates differently. */
const DELIBERATE = ["cwd", "port", "literal"];
const without = (v: Vars, keys: string[]) =>
  Object.fromEntries(Object.entries(v).filter(([k]) => !keys.includes(k)));

describe("YAML functions, evaluated after the component is resolved", () => {
  it("give values of the types Atmos documents (slipway alone)", () => {
    const dir = functionsRepo();
    const v = slipwayVars(dir);
    expect(v.json).toEqual({ a: [1, 2] });
    expect(v.text).toBe("hi there");
    expect(v.number).toBe(42);
    expect(v.templated).toBe("dev-x");
    expect(v.tpl).toEqual({ k: "dev" });
    expect(v.tpl_text).toBe("plain dev");
    expect(v.raw).toBe("hello dev\n");
    expect(v.tfvars).toEqual({ region: "us-east-1", count: 3, tags: { a: "b" }, list: [1, 2], flag: true });
    expect(v.hcl).toEqual({ name: "x", nested: { deep: { v: ["a"] } } });
    expect(v.picked).toBe("a");
    expect(v.branch).toBe("feature-x");
    expect(v.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(v.root).toBe(
      spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8" }).stdout.trim(),
    );
    expect(v.cwd).toBe(spawnSync("pwd", ["-P"], { cwd: dir, encoding: "utf8" }).stdout.trim());
    // !random: an integer in the inclusive range; a second run draws again.
    expect(Number.isInteger(v.port)).toBe(true);
    expect(v.port).toBeGreaterThanOrEqual(1024);
    expect(v.port).toBeLessThanOrEqual(2048);
    // !literal keeps its text, templates and all.
    expect(v.literal).toBe("{{ .vars.stage }} ${x}");
  });

  it.runIf(atmosReady)("resolve as the real Atmos resolves them (differential)", () => {
    const dir = functionsRepo();
    const ours = slipwayVars(dir);
    const theirs = atmosVars(dir);
    expect(without(ours, DELIBERATE)).toEqual(without(theirs, DELIBERATE));
    // The listed differences, checked so the table stays true: Atmos leaves !cwd and !random as text in
    // stack manifests and renders templates inside !literal.
    expect(theirs.cwd).toBe("!cwd");
    expect(theirs.port).toBe("!random 1024 2048");
    expect(theirs.literal).toBe("dev ${x}");
  });

  it.runIf(atmosReady)("--process-functions=false shows each function as written, as Atmos does", () => {
    const dir = functionsRepo();
    const ours = slipwayVars(dir, ["--process-functions=false"]);
    const theirs = atmosVars(dir, ["--process-functions=false"]);
    expect(ours.templated).toBe("!exec echo dev-x");
    expect(ours.sha).toBe("!git.sha");
    expect(without(ours, ["literal"])).toEqual(without(theirs, ["literal"]));
  });

  it("SLIPWAY_EXEC=off refuses !exec at its place, running nothing", () => {
    const dir = gitRepo({
      "atmos.yaml": ATMOS_YAML,
      "stacks/dev.yaml":
        "vars:\n  stage: dev\ncomponents:\n  terraform:\n    app:\n      vars:\n        x: !exec touch ran\n",
      "components/terraform/app/main.tf": "",
    });
    const r = slipway(dir, ["describe", "component", "app", "-s", "dev"], { SLIPWAY_EXEC: "off" });
    expect(r.status).toBe(1);
    // The place is the function's argument.
    expect(r.stderr).toContain("stacks/dev.yaml:7:18");
    expect(r.stderr).toContain("!exec is switched off (SLIPWAY_EXEC=off)");
    expect(spawnSync("test", ["-e", join(dir, "ran")]).status).toBe(1);
    // --process-functions=false does not run it either.
    const shown = slipway(dir, [
      "describe",
      "component",
      "app",
      "-s",
      "dev",
      "--format",
      "json",
      "--process-functions=false",
    ]);
    expect((JSON.parse(shown.stdout) as { vars: Vars }).vars.x).toBe("!exec touch ran");
    expect(spawnSync("test", ["-e", join(dir, "ran")]).status).toBe(1);
  });

  it("validate stacks runs no function (as Atmos's validate stacks) and checks their arguments at their place", () => {
    const stack = (extra: string) =>
      `vars:\n  stage: dev\ncomponents:\n  terraform:\n    app:\n      vars:\n        x: !exec touch ran\n        y: !terraform.output vpc .id\n${extra}`;
    const dir = gitRepo({
      "atmos.yaml": ATMOS_YAML,
      "stacks/dev.yaml": stack(""),
      "components/terraform/app/main.tf": ["stage", "x", "y", "z", "w"]
        .map((v) => `variable "${v}" { default = null }\n`)
        .join(""),
    });
    const ran = () => spawnSync("test", ["-e", join(dir, "ran")]).status === 0;
    // Neither the shell nor another component's state (there is none: vpc was never applied) is reached.
    const ok = slipway(dir, ["validate", "stacks"]);
    expect(ok.stderr).not.toContain("error");
    expect(ok.status).toBe(0);
    expect(ran()).toBe(false);
    if (atmosReady) {
      const theirs = spawnSync(peer("atmos"), ["validate", "stacks"], {
        cwd: dir,
        encoding: "utf8",
        env: atmosEnv(dir),
      });
      expect(theirs.status, theirs.stderr).toBe(0);
      expect(ran(), "the oracle: atmos validate stacks runs no !exec either").toBe(false);
    }
    // A function that could never work is still an error, at its place.
    writeFileSync(
      join(dir, "stacks/dev.yaml"),
      stack("        z: !terraform.output\n        w: !random 9 1\n"),
    );
    const bad = slipway(dir, ["validate", "stacks"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /stacks\/dev\.yaml:9:\d+: error: !terraform\.output in vars\.z of component "app"/,
    );
    expect(bad.stderr).toMatch(/stacks\/dev\.yaml:10:\d+: error: !random in vars\.w of component "app"/);
    expect(ran()).toBe(false);
  });

  it("a failing !exec is an error at its place with the command's own message", () => {
    const dir = gitRepo({
      "atmos.yaml": ATMOS_YAML,
      "stacks/dev.yaml":
        "vars:\n  stage: dev\ncomponents:\n  terraform:\n    app:\n      vars:\n        x: !exec 'echo nope >&2; exit 3'\n",
      "components/terraform/app/main.tf": "",
    });
    const r = slipway(dir, ["describe", "component", "app", "-s", "dev"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /stacks\/dev\.yaml:7:18: error: !exec in vars\.x of component "app" \(stack "dev"\): `echo nope >&2; exit 3` exited 3: nope/,
    );
  });

  it("!include of HCL refuses blocks and expressions, naming them (Atmos refuses both)", () => {
    for (const [hcl, why] of [
      ['resource "a" "b" {\n  x = 1\n}\n', '"resource" is a block'],
      ["x = var.y\n", '"x" holds an expression (${var.y})'],
    ] as const) {
      const dir = gitRepo({
        "atmos.yaml": ATMOS_YAML,
        "stacks/dev.yaml":
          "vars:\n  stage: dev\ncomponents:\n  terraform:\n    app:\n      vars:\n        x: !include bad.tf\n",
        "components/terraform/app/main.tf": "",
        "bad.tf": hcl,
      });
      const r = slipway(dir, ["describe", "component", "app", "-s", "dev"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("stacks/dev.yaml:7:12");
      expect(r.stderr).toContain(why);
    }
  });

  it("describe stacks never answers a run that used !exec from its output cache", () => {
    const dir = gitRepo({
      "atmos.yaml": ATMOS_YAML,
      "stacks/dev.yaml":
        "vars:\n  stage: dev\ncomponents:\n  terraform:\n    app:\n      vars:\n        n: !exec 'echo x >> runs; wc -l < runs'\n",
      "components/terraform/app/main.tf": "",
    });
    const cache = join(dir, ".cache");
    const run = () => {
      const r = spawnSync(process.execPath, [bin, "describe", "stacks", "--format", "json"], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: dir, SLIPWAY_CACHE: cache },
      });
      if (r.status !== 0) throw new Error(r.stderr);
      return (JSON.parse(r.stdout) as { dev: { components: { terraform: { app: { vars: Vars } } } } }).dev
        .components.terraform.app.vars.n;
    };
    expect([run(), run(), run()]).toEqual([1, 2, 3]);
    writeFileSync(join(dir, "runs"), "");
  });
});
