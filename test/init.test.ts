// `slipway init`, end to end: the built CLI writes each flavour's repository into a temp folder, and the
// commands it prints as next steps are run there as printed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identityToRecipient } from "age-encryption";
import { describe, expect, it } from "vitest";
import { SlipwayError } from "../src/core/errors.js";
import { FLAVOUR_INFO, FLAVOURS, initRepository } from "../src/repo/init.js";
import { hasTool, repoRoot, tempDir } from "./helpers.js";
import { havePeers, peer } from "./peers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const outputCache = tempDir("slipway-init-cache-");

function slipway(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: tempDir("slipway-init-home-"),
      SLIPWAY_CACHE: outputCache,
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort();
}

/** The lines under "next:" in init's output. */
const nextSteps = (stdout: string) =>
  stdout
    .split("\nnext:\n")[1]!
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => l.trim());

/** Splits a printed command into words (the commands init prints quote nothing but $PWD). */
const words = (line: string) => line.split(" ");

/** What each printed `slipway …` step must print to succeed, besides exit code 0. */
const EXPECTED: [RegExp, (stack: string) => RegExp][] = [
  [/^slipway validate stacks$/, () => /^ok: 1 files, 1 stacks, \d+ components checked\n$/],
  [/^slipway plan /, () => /\nplan: (\d+) components? — \1 dry run\n$/],
  [
    /^slipway render /,
    (s) => new RegExp(`^rendered stack "${s}": \\d+ files under gitops \\(\\d+ changed\\)\\n$`),
  ],
  [/^slipway validate manifests gitops$/, () => /^0 error\(s\), 0 warning\(s\): \d+ files, \d+ objects/],
];

describe.each(FLAVOURS)("slipway init --flavour %s", (flavour) => {
  const { stack, plans } = FLAVOUR_INFO[flavour];

  it("writes a repository whose printed next steps all run, as printed, from where init ran", () => {
    const cwd = tempDir();
    const init = slipway(["init", "--flavour", flavour, "platform"], cwd);
    expect([init.code, init.stderr]).toEqual([0, ""]);
    const steps = nextSteps(init.stdout);
    const slipwaySteps = steps.filter((s) => s.startsWith("slipway "));
    expect(slipwaySteps).toEqual([
      "slipway validate stacks",
      ...(plans ? [`slipway plan -s ${stack} --dry-run`] : []),
      `slipway render -s ${stack}`,
      "slipway validate manifests gitops",
    ]);
    let dir = cwd;
    const env: Record<string, string> = {};
    for (const step of steps) {
      const [cmd, ...rest] = words(step);
      if (cmd === "cd") dir = join(dir, rest[0]!);
      else if (cmd === "export") {
        const m = /^([A-Z_]+)="\$PWD\/(.+)"$/.exec(rest.join(" "));
        expect(m, step).not.toBeNull();
        env[m![1]!] = join(dir, m![2]!);
        expect(existsSync(env[m![1]!]!), step).toBe(true);
      } else {
        expect(cmd).toBe("slipway");
        const r = slipway(rest, dir, env);
        expect([step, r.code], r.stderr).toEqual([step, 0]);
        const want = EXPECTED.find(([p]) => p.test(step));
        expect(want, `no expectation for ${step}`).toBeDefined();
        expect(r.stdout).toMatch(want![1](stack));
      }
    }
    expect(dir).toBe(join(cwd, "platform"));
    expect(existsSync(join(dir, "gitops", "clusters", stack))).toBe(true);
  }, 60_000);

  it(`plans as a dry run (${plans ? "its components" : "no component: only renderers"}), exit 0`, () => {
    const dir = tempDir();
    expect(slipway(["init", "--flavour", flavour], dir).code).toBe(0);
    const r = slipway(["plan", "-s", stack, "--dry-run"], dir);
    expect([r.code, r.stdout.split("\n").filter(Boolean).at(-1)]).toEqual([
      0,
      plans ? expect.stringMatching(/^plan: [1-9]\d* components? — \d+ dry run$/) : "plan: 0 components",
    ]);
  });

  it("keeps the identity 0600 in a 0700 .slipway/, its recipient the one .sops.yaml encrypts for", async () => {
    const dir = tempDir();
    const init = slipway(["init", "--flavour", flavour], dir);
    expect(init.code).toBe(0);
    const keyFile = join(dir, ".slipway", "age-key.txt");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, ".slipway")).mode & 0o777).toBe(0o700);
    const secret = readFileSync(keyFile, "utf8")
      .split("\n")
      .find((l) => l.startsWith("AGE-SECRET-KEY-"))!;
    const recipient = await identityToRecipient(secret);
    const sops = readFileSync(join(dir, ".sops.yaml"), "utf8");
    expect([...sops.matchAll(/^\s+age: (\S+)$/gm)].map((m) => m[1])).toEqual([recipient, recipient]);
    expect(sops).toContain(
      "- path_regex: gitops/.*\\.sops\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n",
    );
    expect(sops).toContain("- path_regex: secrets/.*\\.enc\\.yaml$\n");
    expect(init.stdout).toContain(`its recipient, in .sops.yaml: ${recipient}\n`);
    // The identity is what slipway (and sops) read from SOPS_AGE_KEY_FILE: the join token opens with it.
    if (FLAVOUR_INFO[flavour].k3sToken) {
      const token = slipway(
        ["secrets", "decrypt", "secrets/k3s-token.enc.yaml", "--extract", '["token"]'],
        dir,
        {
          SOPS_AGE_KEY_FILE: keyFile,
        },
      );
      expect([token.code, token.stdout]).toEqual([0, expect.stringMatching(/^[0-9a-f]{64}$/)]);
    } else expect(existsSync(join(dir, "secrets"))).toBe(false);
  });
});

describe("slipway init", () => {
  it("is listed by slipway --help", () => {
    const r = slipway(["--help"], tempDir());
    expect(r.stdout).toMatch(/\n {2}init {4,}Write a minimal platform repository/);
  });

  it("defaults to the homelab flavour in the current folder; two repositories get different identities", () => {
    const a = tempDir();
    const b = tempDir();
    expect(slipway(["init"], a).code).toBe(0);
    expect(slipway(["init"], b).code).toBe(0);
    expect(tree(a)).toEqual([
      ".gitignore",
      ".slipway/age-key.txt",
      ".sops.yaml",
      "secrets/k3s-token.enc.yaml",
      "slipway.yaml",
      `stacks/deploy/${FLAVOUR_INFO.homelab.stack}.yaml`,
    ]);
    expect(readFileSync(join(a, ".sops.yaml"), "utf8")).not.toBe(readFileSync(join(b, ".sops.yaml"), "utf8"));
  });

  it("refuses when a file it would write exists, names it, and writes nothing", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "stacks", "deploy"), { recursive: true });
    writeFileSync(join(dir, "stacks", "deploy", "lab-prod.yaml"), "mine\n");
    const r = slipway(["init"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^stacks\/deploy\/lab-prod\.yaml: error: stacks\/deploy\/lab-prod\.yaml already exists/,
    );
    expect(r.stderr).toMatch(/\n {2}hint: .*slipway init my-platform\n$/);
    expect(r.stdout).toBe("");
    expect(tree(dir)).toEqual(["stacks/deploy/lab-prod.yaml"]);
    expect(readFileSync(join(dir, "stacks", "deploy", "lab-prod.yaml"), "utf8")).toBe("mine\n");
  });

  it("refuses a second init over its own repository, which stays byte for byte as it was", () => {
    const dir = tempDir();
    expect(slipway(["init", "--flavour", "proxmox"], dir).code).toBe(0);
    const before = tree(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]);
    const r = slipway(["init", "--flavour", "proxmox"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\.gitignore: error: \.gitignore already exists/);
    expect(tree(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")])).toEqual(before);
  });

  it("refuses a folder that already holds another config (atmos.yaml), pointing at the repository there", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "atmos.yaml"), "base_path: .\n");
    const r = slipway(["init"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atmos\.yaml: error: .*\n {2}hint: .*`slipway validate stacks`/);
    expect(tree(dir)).toEqual(["atmos.yaml"]);
  });

  it("refuses when a file sits where it needs a folder, writing nothing", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "secrets"), "not a folder\n");
    const r = slipway(["init"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^secrets: error: secrets in .* is not a folder/);
    expect(tree(dir)).toEqual(["secrets"]);
  });

  it("makes a missing folder, parents included, and says how to get there", () => {
    const cwd = tempDir();
    const r = slipway(["init", "--flavour", "pi", "a/b c"], cwd);
    expect(r.code).toBe(0);
    expect(existsSync(join(cwd, "a", "b c", "stacks", "deploy", "pi-prod.yaml"))).toBe(true);
    expect(nextSteps(r.stdout)[0]).toBe("cd 'a/b c'");
  });

  it("refuses an unknown flavour as a usage error, suggesting the closest", () => {
    const dir = tempDir();
    const r = slipway(["init", "--flavour", "raspberry"], dir);
    const near = slipway(["init", "--flavour", "proxmx"], dir);
    expect([r.code, near.code]).toEqual([2, 2]);
    expect(r.stderr).toMatch(
      /unknown flavour "raspberry"\n {2}hint: choose one of homelab, pi, proxmox, org/,
    );
    expect(near.stderr).toMatch(/unknown flavour "proxmx" \(did you mean proxmox\?\)/);
    expect(tree(dir)).toEqual([]);
  });

  it("ignores .slipway/ (the identity) and the tools' files in git, but not the rendered tree", () => {
    if (!hasTool("git")) {
      process.stderr.write("SKIPPED: .gitignore check: git is not on PATH\n");
      return;
    }
    const dir = tempDir();
    expect(slipway(["init", "--flavour", "proxmox"], dir).code).toBe(0);
    expect(slipway(["render", "-s", "pve-prod"], dir).code).toBe(0);
    expect(spawnSync("git", ["init", "-q"], { cwd: dir }).status).toBe(0);
    const ignored = (p: string) => spawnSync("git", ["check-ignore", "-q", p], { cwd: dir }).status === 0;
    expect(
      [
        ".slipway/age-key.txt",
        "components/terraform/k3s-cluster/pve-prod-k3s-cluster.terraform.tfvars.json",
        "components/terraform/k3s-cluster/backend.tf.json",
        "components/terraform/k3s-cluster/.terraform/x",
        "components/packer/alma9-k3s/pve-prod-alma9-k3s.pkrvars.json",
        "gitops/clusters/pve-prod/kustomization.yaml",
        ".sops.yaml",
        "secrets/k3s-token.enc.yaml",
      ].map((p) => [p, ignored(p)]),
    ).toEqual([
      [".slipway/age-key.txt", true],
      ["components/terraform/k3s-cluster/pve-prod-k3s-cluster.terraform.tfvars.json", true],
      ["components/terraform/k3s-cluster/backend.tf.json", true],
      ["components/terraform/k3s-cluster/.terraform/x", true],
      ["components/packer/alma9-k3s/pve-prod-alma9-k3s.pkrvars.json", true],
      ["gitops/clusters/pve-prod/kustomization.yaml", false],
      [".sops.yaml", false],
      ["secrets/k3s-token.enc.yaml", false],
    ]);
  });

  it("keeps the Packer scripts executable", () => {
    const dir = tempDir();
    expect(slipway(["init", "--flavour", "proxmox"], dir).code).toBe(0);
    const scripts = join(dir, "components", "packer", "alma9-k3s", "scripts");
    expect(readdirSync(scripts).map((f) => [f, statSync(join(scripts, f)).mode & 0o111])).toEqual(
      readdirSync(scripts).map((f) => [f, 0o111]),
    );
  });

  it("runs the real Ansible syntax check on the homelab stack with the identity it made (the token decrypts)", () => {
    if (!hasTool("ansible-playbook")) {
      process.stderr.write("SKIPPED: real plan of the homelab flavour: ansible-playbook is not on PATH\n");
      return;
    }
    const dir = tempDir();
    expect(slipway(["init"], dir).code).toBe(0);
    const r = slipway(["plan", "-s", "lab-prod"], dir, {
      SOPS_AGE_KEY_FILE: join(dir, ".slipway", "age-key.txt"),
    });
    expect([r.code, r.stdout.trim().split("\n").at(-1)], r.stderr).toEqual([
      3,
      "plan: 1 component — 1 checked only",
    ]);
  }, 60_000);
});

describe("with the real sops (the oracle)", () => {
  const ready = havePeers("sops opens what slipway init encrypted (test/init.test.ts)", "sops");
  it.skipIf(!ready)("opens the join token and the rendered Secret with the identity init wrote", () => {
    const dir = tempDir();
    expect(slipway(["init"], dir).code).toBe(0);
    expect(slipway(["render", "-s", "lab-prod"], dir).code).toBe(0);
    const env = { PATH: process.env.PATH ?? "", SOPS_AGE_KEY_FILE: join(dir, ".slipway", "age-key.txt") };
    const sops = (...args: string[]) =>
      spawnSync(peer("sops"), ["decrypt", ...args], { cwd: dir, env, encoding: "utf8" });
    const token = sops("--extract", '["token"]', "secrets/k3s-token.enc.yaml");
    const ours = slipway(
      ["secrets", "decrypt", "secrets/k3s-token.enc.yaml", "--extract", '["token"]'],
      dir,
      env,
    );
    expect([token.status, token.stdout]).toEqual([0, expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(token.stdout).toBe(ours.stdout);
    const secret = sops("gitops/clusters/lab-prod/apps/whoami/prod/secret.sops.yaml");
    expect([secret.status, secret.stderr]).toEqual([0, ""]);
    // sops writes YAML with yaml.v3's four-space indent.
    expect(secret.stdout).toMatch(/\n {4}API_TOKEN: change-me\n/);
  });
});

describe("initRepository", () => {
  it("removes what it wrote when a write fails part of the way (the folder is left as it was)", async () => {
    // A path one byte over PATH_MAX for the fifth template file only: the four before it are written
    // first (in sorted order), then the fifth fails with ENAMETOOLONG.
    const fifth = "components/packer/alma9-k3s/scripts/k3s-prereqs.sh";
    let dir = tempDir();
    while (dir.length + fifth.length < 3800) dir = join(dir, "d".repeat(150));
    dir = join(dir, "e".repeat(4096 - dir.length - 2 - fifth.length));
    mkdirSync(dir, { recursive: true });
    const err = await initRepository({ dir, flavour: "proxmox" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlipwayError);
    expect((err as SlipwayError).message).toMatch(
      /^cannot write .*\/components\/packer\/alma9-k3s\/scripts\/k3s-prereqs\.sh: ENAMETOOLONG; nothing was written$/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("outside a repository", () => {
  it("the no-config error names slipway init, and that hint works where it was printed", () => {
    const dir = tempDir();
    const r = slipway(["validate", "stacks"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /no slipway\.yaml or atmos\.yaml in .*\n {2}hint: .*; to start one here: slipway init\n$/,
    );
    const hint = /to start one here: (slipway .+)\n$/.exec(r.stderr)![1]!;
    expect(slipway(words(hint).slice(1), dir).code).toBe(0);
    expect(slipway(["validate", "stacks"], dir).code).toBe(0);
  });
});
