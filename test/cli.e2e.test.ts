// End-to-end: the built CLI (npm test builds first) on examples/homelab and on broken repositories.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { makeDirs } from "../src/core/fs-atomic.js";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { repoRoot, tempDir, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const homelab = join(repoRoot, "examples", "homelab");

// describe stacks keeps its output in a cache folder: this file's runs use their own, removed afterwards.
const outputCache = tempDir("slipway-e2e-cache-");

function slipway(args: string[], cwd = homelab, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", SLIPWAY_CACHE: outputCache, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("slipway CLI on examples/homelab", () => {
  it("is built", () => {
    expect(existsSync(join(repoRoot, "dist", "cli", "main.js"))).toBe(true);
  });

  it("validates every stack", () => {
    const r = slipway(["validate", "stacks"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^ok: \d+ files, 2 stacks, 16 components checked\n$/);
    expect(r.code).toBe(0);
  });

  it("lists stacks and components, abstract ones marked", () => {
    expect(slipway(["list", "stacks"]).stdout).toBe("pve-dev\npve-prod\n");
    const comps = slipway(["list", "components", "-s", "pve-prod"]).stdout;
    expect(comps).toMatch(/pve-prod\s+k3s-cluster\/defaults\s+terraform\s+k3s-cluster\s+abstract/);
    expect(comps).toMatch(/pve-prod\s+alma9-k3s-optimized\s+packer/);
  });

  it("describes a component with Atmos's field names, in YAML and JSON", () => {
    const json = JSON.parse(
      slipway(["describe", "component", "k3s-cluster", "-s", "pve-prod", "--format", "json"]).stdout,
    );
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        "atmos_component",
        "atmos_stack",
        "atmos_stack_file",
        "stack",
        "component",
        "component_type",
        "metadata",
        "vars",
        "settings",
        "env",
        "backend_type",
        "backend",
        "providers",
        "overrides",
        "imports",
        "inheritance",
        "workspace",
        "command",
      ]),
    );
    expect(json.vars.servers).toEqual({ count: 3, cores: 2, memory_mb: 8192, disk_gb: 40 });
    expect(json.vars.cluster_name).toBe("pve-prod");
    expect(json.vars.tags).toEqual(["k3s", "prod"]);
    expect(json.backend).toMatchObject({ bucket: "homelab-tofu-state", key: "pve-prod/terraform.tfstate" });
    expect([json.workspace, json.command, json.inheritance]).toEqual([
      "pve-prod",
      "tofu",
      ["k3s-cluster/defaults"],
    ]);
    const yaml = slipway(["describe", "component", "k3s-cluster", "-s", "pve-dev"]).stdout;
    expect(yaml).toMatch(/^atmos_component: k3s-cluster\n/);
    expect(yaml).toMatch(/\n {4}node: pve2\n/);
  });

  it("shows provenance next to each value", () => {
    const out = slipway(["describe", "component", "k3s-cluster", "-s", "pve-prod", "--provenance"]).stdout;
    expect(out).toMatch(/count: 3 # deploy\/pve-prod:\d+ \(component\)/);
    expect(out).toMatch(
      /disk_gb: 40 # catalog\/proxmox:\d+ \(base k3s-cluster\/defaults\) ← deploy\/pve-prod/,
    );
    expect(out).toMatch(/stage: prod # deploy\/pve-prod:\d+ \(global\)/);
    const json = JSON.parse(
      slipway(["describe", "component", "k3s-cluster", "-s", "pve-prod", "--provenance", "--format", "json"])
        .stdout,
    );
    expect(json.provenance["vars.network.gateway"]).toMatchObject({
      file: "catalog/proxmox",
      chain: ["deploy/pve-prod", "catalog/proxmox"],
      level: "global",
    });
  });

  it("describes stacks with filters", () => {
    const out = JSON.parse(
      slipway([
        "describe",
        "stacks",
        "-s",
        "pve-dev",
        "--components",
        "k3s-cluster",
        "--sections",
        "vars,workspace",
        "--format",
        "json",
      ]).stdout,
    );
    expect(Object.keys(out)).toEqual(["pve-dev"]);
    expect(Object.keys(out["pve-dev"].components.terraform["k3s-cluster"])).toEqual(["vars", "workspace"]);
    expect(out["pve-dev"].components.packer).toBeUndefined();
  });

  it("is byte-identical run to run, computed or from the output cache", () => {
    const args = ["describe", "stacks", "--format", "json"];
    const a = slipway(args, homelab, { SLIPWAY_CACHE: "off" }).stdout;
    expect(a.length).toBeGreaterThan(1000);
    expect(slipway(args, homelab, { SLIPWAY_CACHE: "off" }).stdout).toBe(a);
    expect(slipway(args).stdout).toBe(a);
    expect(slipway(args).stdout).toBe(a);
  });

  it("a reader that goes away early is not an error: no trace, exit 0", () => {
    // `true` exits at once, so every write meets a closed pipe (EPIPE).
    const r = spawnSync(
      "bash",
      [
        "-c",
        `"${process.execPath}" "${bin}" describe stacks --format json | true; echo "exit=\${PIPESTATUS[0]}"`,
      ],
      {
        cwd: homelab,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", SLIPWAY_CACHE: "off" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("exit=0\n");
  });

  it("prints the version and help", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    expect(slipway(["--version"]).stdout).toBe(`slipway ${pkg.version}\n`);
    expect(slipway(["--help"]).stdout).toMatch(/describe component/);
    expect(slipway(["describe", "component", "--help"]).stdout).toMatch(/--provenance/);
  });
});

describe("slipway CLI errors", () => {
  it("validate stacks warns about an unknown key with its place; --strict fails on it", () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/a.yaml": "vars: {a: 1}\nvar: {b: 2}\n",
    });
    const lax = slipway(["validate", "stacks"], dir);
    expect([lax.code, lax.stderr]).toEqual([
      0,
      'stacks/deploy/a.yaml:2:1: warning: unknown key var (did you mean "vars"?); it is ignored\n',
    ]);
    const strict = slipway(["validate", "stacks", "--strict"], dir);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      'stacks/deploy/a.yaml:2:1: error: unknown key var (did you mean "vars"?)',
    );
  });

  it("an unknown flag is a usage error with the closest flag the command has; a group's --help lists it", () => {
    const typo = slipway(["render", "-s", "pve-prod", "--outdir", "x"]);
    expect([typo.code, typo.stderr.split("\n")[0]]).toEqual([
      2,
      "error: unknown flag --outdir (did you mean --out?)",
    ]);
    expect(slipway(["describe", "stacks", "--stak", "pve-prod"]).stderr).toContain("(did you mean --stack?)");
    expect(slipway(["plan", "-s", "pve-prod", "--zzzz"]).stderr.split("\n")[0]).toBe(
      "error: unknown flag --zzzz",
    );
    const group = slipway(["node", "--help"]);
    expect(group.code).toBe(0);
    const listed = group.stdout.split("\n").filter((l) => l.startsWith("  slipway node "));
    expect(listed.map((l) => l.split(/\s+/)[3])).toEqual([
      "list",
      "add",
      "remove",
      "rebuild",
      "cordon",
      "uncordon",
      "drain",
    ]);
  });

  it("a path that does not exist is a usage error, never an unexpected failure", () => {
    const r = slipway(["validate", "manifests", "/nonexistent"]);
    expect([r.code, r.stderr]).toEqual([
      2,
      "error: /nonexistent: no such file or folder\n  hint: give the files or folders of the GitOps tree (default: the current folder)\n",
    ]);
  });

  it("secrets keygen --out into a folder that does not exist makes it, for the user only", () => {
    const out = join(tempDir(), "keys", "sub", "age.txt");
    const r = slipway(["secrets", "keygen", "--out", out]);
    expect([r.code, r.stderr.includes("unexpected failure")]).toEqual([0, false]);
    expect(statSync(join(out, "..")).mode & 0o777).toBe(0o700);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, "utf8")).toContain(r.stdout.trim());
  });

  it("an unknown stack exits 1 with a suggestion and no stack trace", () => {
    const r = slipway(["describe", "component", "k3s-cluster", "-s", "pve-prd"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: stack "pve-prd" not found\n  hint: did you mean "pve-prod" or "pve-dev"? (`slipway list stacks` lists them)\n',
    );
  });

  it("usage errors exit 2", () => {
    expect(slipway(["describe", "component"]).code).toBe(2);
    expect(slipway(["describe", "component", "x", "-s", "pve-dev", "--bogus"]).code).toBe(2);
    const r = slipway(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it("bad input prints file:line:col, the message and a hint, exit 1; --debug adds the trace", () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks:\n  included_paths: ['deploy/*']\n",
      "stacks/deploy/a.yaml": "import:\n  - catalog/a\n",
      "stacks/catalog/a.yaml": "import:\n  - deploy/a\n",
    });
    const r = slipway(["validate", "stacks"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "stacks/catalog/a.yaml:2:5: error: import cycle: deploy/a.yaml → catalog/a.yaml → deploy/a.yaml\n" +
        "  hint: remove one of these imports; shared settings belong in a file both can import\n",
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(slipway(["describe", "stacks", "--debug"], dir).stderr).toMatch(/at .*\.js:\d+/);
  });

  it("validate --format json lists every error as data", () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks:\n  included_paths: ['deploy/*']\n",
      "stacks/deploy/a.yaml": "vars: [1]\n",
      "stacks/deploy/b.yaml": "vars:\n  a: [1, 2\n",
    });
    const r = slipway(["validate", "stacks", "--format", "json"], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(false);
    expect(out.errors.map((e: { code: string; line: number }) => `${e.code}:${e.line}`).sort()).toEqual([
      "schema:1",
      "yaml:3",
    ]);
  });
});

describe("slipway validate manifests (CLI)", () => {
  it("prints findings as data with paths as given, and exits 1 on errors", () => {
    const cwd = join(repoRoot, "test", "fixtures", "manifests");
    const r = slipway(["validate", "manifests", "bad", "--format", "json", "--no-build"], cwd);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings[0]).toEqual({
      severity: "error",
      rule: "tenant-default-deny",
      file: "bad/namespace.yaml",
      line: 1,
      object: { apiVersion: "v1", kind: "Namespace", name: "org-b-dev" },
      message:
        "tenant namespace org-b-dev has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)",
    });
    // The fifth error: HelmRelease helm.toolkit.fluxcd.io/v2beta2, which Flux 2.9 no longer serves.
    expect(out.summary).toMatchObject({ errors: 5, warnings: 6, objects: 7 });
    const ok = slipway(["validate", "manifests", "./good"], cwd);
    expect([ok.code, ok.stdout]).toEqual([
      0,
      "0 error(s), 0 warning(s): 7 files, 8 objects, 1 kustomizations" +
        ok.stdout.slice(ok.stdout.indexOf(" kustomizations") + 15),
    ]);
  });

  it("--exclude (repeatable) leaves files out; skipped files are counted and noted with their reason", () => {
    const cwd = join(repoRoot, "test", "fixtures", "manifests");
    const args = ["validate", "manifests", "flux-tree/charts", "--no-build"];
    const all = slipway(args, cwd);
    expect(all.stdout).toMatch(/1 objects, 0 kustomizations, 2 skipped/);
    expect(all.stderr).toMatch(
      /flux-tree\/charts\/demo\/templates\/: note: 1 document\(s\) skipped, not validated: Helm chart template/,
    );
    const some = slipway([...args, "--exclude", "demo/**", "--exclude", "scaffold.yaml"], cwd);
    expect(some.stdout).toMatch(/0 objects, 0 kustomizations, 3 skipped/);
    expect(some.stderr).toMatch(/note: 1 document\(s\) skipped, not validated: excluded \(--exclude\)/);
  });
});

describe("slipway render (CLI)", () => {
  it("writes the tree (secrets sealed), then --check passes until a file drifts", () => {
    // Inside the example's gitops/ folder, so its .sops.yaml creation rule covers the rendered Secrets.
    mkdirSync(join(homelab, "gitops"), { recursive: true });
    const out = mkdtempSync(join(homelab, "gitops", ".test-cli-"));
    // Inside the test, a hook must be onTestFinished: an afterAll registered here never ran, and every
    // `npm test` left a rendered tree behind in examples/homelab/gitops (which the README's example validates).
    onTestFinished(() => rmSync(out, { recursive: true, force: true }));
    const r = slipway(["render", "-s", "pve-prod", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rendered stack "pve-prod": 63 files under .* \(63 changed\)\n$/);
    // With the example's key the sealed Secrets are compared too (without one they are "not checked").
    const ok = slipway(["render", "-s", "pve-prod", "--out", out, "--check"], homelab, {
      SOPS_AGE_KEY_FILE: join(homelab, "example-age-key.txt"),
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 63 files under .* match stack "pve-prod"\n$/);
    const file = join(out, "clusters/pve-prod/flux-system/sync.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("interval: 10m", "interval: 1m"));
    const bad = slipway(["render", "-s", "pve-prod", "--out", out, "--check"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/clusters\/pve-prod\/flux-system\/sync\.yaml: differs from the stack\n/);
    expect(slipway(["render", "-s", "pve-prod", "--out", out]).stdout).toMatch(
      /\(1 changed; 2 sealed Secret\(s\) not checked/,
    );
    const secret = readFileSync(join(out, "clusters/pve-prod/apps/whoami/prod/secret.sops.yaml"), "utf8");
    expect(secret).toMatch(/API_TOKEN: ENC\[AES256_GCM/);
    expect(slipway(["validate", "manifests", out]).code).toBe(0);
  });
});

describe("slipway workflow (CLI)", () => {
  it("lists the example's workflows and dry-runs the end-to-end deploy", () => {
    const list = slipway(["workflow", "list"]);
    expect(list.stdout).toMatch(/^e2e\s+deploy-all\s+3 steps/m);
    expect(list.stdout).toMatch(/^kubernetes\s+k8s-bootstrap\s+3 steps/m);
    const dry = slipway(["workflow", "k8s-bootstrap", "-f", "kubernetes", "-s", "pve-prod", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      "[k3s] slipway: slipway ansible run k3s -s pve-prod\n" +
        "[api-ready] check: https://192.168.10.20:6443/readyz (every 10s, up to 5m)\n" +
        "[gitops] shell: kubectl apply -k gitops/clusters/pve-prod\n" +
        "workflow k8s-bootstrap: 3 step(s) planned (dry run)\n",
    );
    const bad = slipway(["workflow", "nope", "-f", "e2e"]);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      expect.stringMatching(/no workflow "nope" in .*e2e\.yaml\n {2}hint: workflows there: deploy-all\n/),
    ]);
  });
});

describe("user input never meets an 'unexpected failure'", () => {
  // Each of these once ended in "unexpected failure … report it", or hung (mkdir -p under /proc).
  const cases: [string[], number, RegExp][] = [
    [["validate", "manifests", "/nonexistent"], 2, /\/nonexistent: no such file or folder/],
    [["workflow", "deploy-all", "-f", "emptydir"], 2, /workflow file "emptydir" not found/],
    [["render", "-s", "pve-prod", "--out", "afile", "--check"], 1, /afile/],
    [["discover", "--from-file", "nope.json"], 1, /nope\.json does not exist/],
    [
      ["discover", "--from-file", "bad.json"],
      1,
      /bad\.json: error: this file is not `tailscale status --json` output/,
    ],
    [
      ["validate", "manifests", "gitops", "--disable", "shema"],
      2,
      /--disable shema: no such rule \(did you mean schema\?\)/,
    ],
    [["plan", "-s", "pve-prod", "--parallelism", "0"], 2, /--parallelism must be a whole number/],
    [["describe", "component", "nope", "-s", "pve-prod"], 1, /component "nope" is not defined/],
    [
      ["describe", "stacks", "--sections", "var"],
      2,
      /--sections var: no such section \(did you mean vars\?\)/,
    ],
    [
      ["terraform", "plan", "k3s", "-s", "pve-prod", "--dry-run"],
      1,
      /"k3s" in stack "pve-prod" is an ansible component, not terraform/,
    ],
    [["discover", "--from-file", "/etc/passwd"], 1, /is not `tailscale status --json` output/],
    [
      ["validate", "stacks", "--config", "twodocs.yaml"],
      1,
      /holds one YAML document, and this one holds several/,
    ],
    // This one hung, spinning: Node's mkdir -p under /proc.
    [["secrets", "keygen", "--out", "/proc/slipway-x/key"], 1, /\/proc\/slipway-x does not exist \(mkdir\)/],
  ];
  it.each(cases)("slipway %j", (args, code, message) => {
    const dir = tempDir("slipway-sweep-");
    cpSync(homelab, dir, { recursive: true, filter: (p) => !p.includes(".slipway") });
    mkdirSync(join(dir, "emptydir"));
    writeFileSync(join(dir, "afile"), "x\n");
    writeFileSync(join(dir, "bad.json"), "{x");
    writeFileSync(join(dir, "twodocs.yaml"), "stacks: {base_path: stacks}\n---\na: 1\n");
    const r = slipway(args, dir);
    expect(r.stderr).not.toMatch(/unexpected failure|\n\s+at /);
    // Never a file's content in an error (/etc/passwd here).
    expect(r.stderr).not.toContain("root:x:");
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
  });

  it("mkdir -p under /proc fails at once instead of spinning (Node's recursive mkdir never returns there)", () => {
    expect(() => makeDirs("/proc/slipway-no-such/dir")).toThrow(/ENOENT/);
    const made = join(tempDir(), "a", "b", "c");
    makeDirs(made, 0o700);
    expect(statSync(made).isDirectory()).toBe(true);
    expect(statSync(made).mode & 0o777).toBe(0o700);
  });

  it("commands that print a table by default say so in their help (docs/commands.md is made from it)", () => {
    const r = slipway(["node", "list", "--help"]);
    expect(r.stdout).toContain(
      "Output is a table (or summary) by default; `--format yaml` or `--format json` gives data.",
    );
    expect(slipway(["describe", "stacks", "--help"]).stdout).toContain(
      "Output is data: `--format yaml` (default) or `--format json`.",
    );
    expect(slipway(["node", "list", "-s", "pve-prod"]).stdout).toMatch(/^NAME\s+ROLE/);
  });
});

describe("the new user's findings: nothing quietly wrong", () => {
  const copy = (example: string) => {
    const dir = tempDir("slipway-findings-");
    cpSync(join(repoRoot, "examples", example), dir, {
      recursive: true,
      filter: (p) => !p.includes(".slipway"),
    });
    return dir;
  };

  it("render --check without an age identity says which sealed Secrets it could not check, never 'ok'", () => {
    const dir = copy("homelab");
    const r = slipway(["render", "-s", "pve-prod", "--check"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^ok:/);
    expect(r.stdout).toMatch(
      /^61 of 63 files under gitops match stack "pve-prod"; 2 sealed Secret\(s\) not checked \(no age identity\)$/m,
    );
    expect(r.stderr).toMatch(/secret\.sops\.yaml: warning: not checked — no age identity here opens it/);
    const keyed = slipway(["render", "-s", "pve-prod", "--check"], dir, {
      SOPS_AGE_KEY_FILE: join(dir, "example-age-key.txt"),
    });
    expect(keyed.stdout).toMatch(/^ok: 63 files/);
  });

  it("render --out outside the repository warns that Flux and Argo CD cannot follow the paths", () => {
    const dir = copy("org-platform");
    const out = tempDir("slipway-outside-");
    const r = slipway(["render", "-s", "acme-prod", "--out", out], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: --out .* is outside the repository .*: the paths Flux and Argo CD follow cannot point at it/,
    );
  });

  it("plan of a stack whose components are all kubernetes ones says they are rendered, not planned", () => {
    const r = slipway(["plan", "-s", "acme-prod"], copy("org-platform"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'note: the 3 kubernetes component(s) of stack "acme-prod" are not part of plan: `slipway render -s acme-prod` writes them into the GitOps tree',
    );
  });

  it("a plaintext Secret in a .json file is found by validate manifests and secrets check", () => {
    const dir = writeRepo({
      "t/s.json": JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "z", namespace: "a" },
        data: { p: "aHVudGVy" },
      }),
      "t/kustomization.yaml": "resources: [s.json]\n",
    });
    const v = slipway(["validate", "manifests", "t"], dir);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/t\/s\.json:1: error: \[plaintext-secret\]/);
    const c = slipway(["secrets", "check", "t"], dir);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/t\/s\.json:1: error: \[plaintext-secret\] Secret z has plaintext data/);
  });

  it("a size limit that is not a size is an error, not the default", () => {
    const r = slipway(["describe", "stacks", "-s", "pve-prod"], homelab, { SLIPWAY_MAX_FILE_SIZE: "1.5k" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: SLIPWAY_MAX_FILE_SIZE=1.5k is not a size");
  });
});
