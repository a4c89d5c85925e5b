import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { editLockedFile } from "../src/nodes/edit.js";
import { repoRoot, slipwayErrorOf, tempDir, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const slipway = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: { ...process.env, CI: "1" } });

/** The homelab example in a temp folder that sits one level below a folder we can watch for stray writes. */
function homelabCopy(): { outer: string; dir: string } {
  const outer = tempDir("slipway-outer-");
  const dir = join(outer, "repo");
  cpSync(join(repoRoot, "examples", "homelab"), dir, {
    recursive: true,
    filter: (src) => !src.includes(`${join("homelab", ".slipway")}`),
  });
  return { outer, dir };
}

describe("writes stay inside the repository", () => {
  it("a stack name with a `..` segment (the example's name_pattern and a var) is an error at its place; nothing is written outside", () => {
    const { outer, dir } = homelabCopy();
    const prod = join(dir, "stacks/deploy/pve-prod.yaml");
    writeFileSync(prod, readFileSync(prod, "utf8").replace("stage: prod", "stage: ../../escaped"));
    const r = slipway(dir, "render", "-s", "pve-dev");
    expect(r.stderr).toMatch(
      /stacks\/deploy\/pve-prod\.yaml:6:\d+: error: stack name "pve-\.\.\/\.\.\/escaped" \(from stacks\.name_pattern and vars\.stage, naming deploy\/pve-prod\) cannot be used: it has a "\.\." segment/,
    );
    expect(r.status).toBe(1);
    expect(readdirSync(outer)).toEqual(["repo"]);
  });

  it("a manifest `name:` that is not a path segment is an error at the line that holds it", () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/a.yaml": "# a stack\nname: /etc/x\nvars: {a: 1}\n",
    });
    const r = slipway(dir, "describe", "stacks");
    expect(r.stderr).toMatch(
      /stacks\/deploy\/a\.yaml:2:\d+: error: stack name "\/etc\/x" \(from its `name:`\) cannot be used: it starts with \//,
    );
    expect(r.status).toBe(1);
  });

  it("metadata.component reaching outside the component base path cannot make a run write there", () => {
    const outer = tempDir("slipway-outer-");
    const dir = join(outer, "repo");
    for (const [rel, text] of Object.entries({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/prod.yaml":
        "name: prod\ncomponents:\n  terraform:\n    x: {metadata: {component: ../../../elsewhere}}\n",
    })) {
      cpSync(writeRepo({ [rel]: text }), dir, { recursive: true });
    }
    cpSync(writeRepo({ "main.tf": "" }), join(outer, "elsewhere"), { recursive: true });
    const r = slipway(dir, "terraform", "plan", "x", "-s", "prod", "--dry-run");
    expect(r.stderr).toMatch(
      /error: the prod-x\.terraform\.tfvars\.json of terraform component "x" would be written to .*elsewhere\/prod-x\.terraform\.tfvars\.json, outside .*repo; nothing was written/,
    );
    expect(r.status).toBe(1);
    expect(readdirSync(join(outer, "elsewhere"))).toEqual(["main.tf"]);
  });

  it("node edits refuse a file outside the repository", async () => {
    const root = tempDir();
    const outside = join(tempDir(), "x.yaml");
    writeFileSync(outside, "a: 1\n");
    await expect(
      (async () => editLockedFile(root, outside, (text) => ({ text: text + "b: 2\n", result: 1 })))(),
    ).rejects.toMatchObject({ message: expect.stringMatching(/outside/) as unknown as string });
    expect(readFileSync(outside, "utf8")).toBe("a: 1\n");
    expect(
      slipwayErrorOf(() => void editLockedFile(root, outside, () => ({ text: "", result: 1 }))).hint,
    ).toMatch(/edit that file by hand/);
  });
});

describe("render owns what it writes", () => {
  it("removes files it wrote before and no longer renders, reports them under --check, and leaves other files alone", () => {
    const { dir } = homelabCopy();
    const tree = join(dir, "gitops");
    expect(slipway(dir, "render", "-s", "pve-prod").status).toBe(0);
    expect(slipway(dir, "render", "-s", "pve-dev").status).toBe(0);
    const index = readFileSync(join(tree, ".slipway-rendered"), "utf8");
    expect(index).toMatch(/^pve-prod\tbases\/apps\/whoami\/deployment\.yaml$/m);
    // A file of the user's own, beside render's.
    const mine = join(tree, "bases/apps/whoami/my-notes.yaml");
    writeFileSync(mine, "# mine\n");
    // Rename the app in the shared catalog: both stacks now render "hello" instead of "whoami".
    const catalog = join(dir, "stacks/catalog/proxmox.yaml");
    writeFileSync(catalog, readFileSync(catalog, "utf8").replace("- name: whoami", "- name: hello"));
    const check = slipway(dir, "render", "-s", "pve-prod", "--check");
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(
      /gitops\/clusters\/pve-prod\/apps\/whoami\/prod\/kustomization\.yaml: rendered for stack "pve-prod" before, no longer rendered \(render removes it\)/,
    );
    // The shared base is still pve-dev's: pve-prod's render must not remove it.
    expect(check.stderr).not.toMatch(/gitops\/bases\/apps\/whoami\/deployment\.yaml: rendered/);
    const prod = slipway(dir, "render", "-s", "pve-prod");
    expect(prod.status).toBe(0);
    expect(prod.stdout).toMatch(/removed\)/);
    expect(existsSync(join(tree, "clusters/pve-prod/apps/whoami"))).toBe(false);
    expect(existsSync(join(tree, "bases/apps/whoami/deployment.yaml"))).toBe(true);
    const dev = slipway(dir, "render", "-s", "pve-dev");
    expect(dev.status).toBe(0);
    expect(existsSync(join(tree, "bases/apps/whoami/deployment.yaml"))).toBe(false);
    // The folder stays: a file render did not write is in it, untouched.
    expect(readFileSync(mine, "utf8")).toBe("# mine\n");
    expect(existsSync(join(tree, "bases/apps/hello/deployment.yaml"))).toBe(true);
    expect(slipway(dir, "render", "-s", "pve-prod", "--check").status).toBe(0);
    expect(dirname(mine)).toMatch(/whoami$/);
  });
});
