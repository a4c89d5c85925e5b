// `slipway diff --base`: the built CLI on a git repository made from the homelab example — a change to a stack
// value becomes one evidence bundle naming the object, the field and the stack line behind it; Secret values
// never reach the bundle; the HTML is opened in a real headless Chromium (Debian's) and read back.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { haveCluster, kubectl, useCluster } from "./cluster.js";
import { commit, git } from "./git-repo.js";
import { repoRoot, tempDir } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const STACK_FILE = "stacks/deploy/pve-prod.yaml";
const CATALOG = "stacks/catalog/proxmox.yaml";

function lab(): string {
  const dir = join(tempDir(), "lab");
  cpSync(join(repoRoot, "examples", "homelab"), dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  commit(dir, {}, "the homelab example");
  return dir;
}

const diff = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, "diff", "-s", "pve-prod", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", WHOAMI_API_TOKEN: undefined },
  });

const bundleOf = (dir: string) => {
  const reviews = join(dir, "docs", "governance", "reviews");
  const [name] = readdirSync(reviews).filter((n) => n.endsWith("-pve-prod-diff"));
  return join(reviews, name!);
};
const edit = (dir: string, file: string, from: string, to: string) => {
  const text = readFileSync(join(dir, file), "utf8");
  expect(text).toContain(from);
  writeFileSync(join(dir, file), text.replace(from, to));
};

const chromium = ["chromium", "chromium-browser"].find(
  (b) => spawnSync(b, ["--version"], { encoding: "utf8" }).status === 0,
);

describe("slipway diff --base (offline change evidence)", () => {
  let dir = "";
  beforeAll(() => {
    dir = lab();
  });

  it("no change: exit 0, and a bundle that says so", () => {
    const r = diff(dir, "--base", "main");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^stack "pve-prod" against main \([0-9a-f]{12}\): no change\n/);
    const summary = readFileSync(join(bundleOf(dir), "summary.md"), "utf8");
    expect(summary).toContain("**No change**");
    expect(readFileSync(join(bundleOf(dir), "diff.patch"), "utf8")).toBe("");
  });

  it("a changed value: exit 1; the object, field and the stack line behind it; git's patch", () => {
    edit(dir, STACK_FILE, "time_slicing_replicas: 4\n", "time_slicing_replicas: 8\n");
    const r = diff(dir, "--base", "main");
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain("0 added, 1 changed, 0 removed");
    const b = bundleOf(dir);
    const summary = readFileSync(join(b, "summary.md"), "utf8");
    const line =
      readFileSync(join(dir, STACK_FILE), "utf8")
        .split("\n")
        .findIndex((l) => l.includes("time_slicing_replicas: 8")) + 1;
    expect(summary).toContain("| HelmRelease | nvidia-device-plugin | 0 | 1 | 0 |");
    expect(summary).toContain("`HelmRelease/nvidia-device-plugin/nvidia-device-plugin`");
    expect(summary).toContain("fields: `spec.values.config.map.default`");
    expect(summary).toContain(
      `from: vars.nvidia_device_plugin.time_slicing_replicas (${STACK_FILE}:${line})`,
    );
    expect(summary).toMatch(/work tree \(HEAD [0-9a-f]{12}, with uncommitted changes\)/);
    const patch = readFileSync(join(b, "diff.patch"), "utf8");
    expect(patch).toMatch(
      /^diff --git a\/distributions\/homelab-prod\/patches\/nvidia-device-plugin\.yaml b\//,
    );
    expect(patch).toContain('"replicas":4}');
    expect(patch).toContain('"replicas":8}');
    const record = JSON.parse(readFileSync(join(b, "record.json"), "utf8")) as { head: { treeHash: string } };
    expect(record.head.treeHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(readFileSync(join(b, "validation.txt"), "utf8")).toMatch(
      /^0 error\(s\), 0 warning\(s\): \d+ files/m,
    );
  });

  it("a changed Secret value: the key is named, neither value is written anywhere in the bundle", () => {
    edit(dir, CATALOG, "change-me", "s3cret-new-value");
    commit(dir, {}, "a new token");
    const r = diff(dir, "--base", "main~1");
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Secret\(s\) change/);
    const b = bundleOf(dir);
    const summary = readFileSync(join(b, "summary.md"), "utf8");
    expect(summary).toContain(
      "- `Secret/lab-prod/whoami`: `stringData.API_TOKEN` changed (values never shown)",
    );
    for (const f of readdirSync(b)) {
      const text = readFileSync(join(b, f), "utf8");
      expect(text, f).not.toContain("change-me");
      expect(text, f).not.toContain("s3cret-new-value");
    }
    expect(readFileSync(join(b, "diff.patch"), "utf8")).toContain("+  API_TOKEN: <secret value (new)>");
  });

  it("an unknown base revision fails with exit 2 (1 means changes), no stack trace", () => {
    const r = diff(dir, "--base", "no-such-branch");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no-such-branch");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.runIf(chromium)("index.html, opened in headless Chromium, shows the change side by side", () => {
    const html = join(bundleOf(dir), "index.html");
    expect(existsSync(html)).toBe(true);
    const profile = tempDir();
    const run = (...args: string[]) =>
      spawnSync(
        chromium!,
        ["--headless", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profile}`, ...args],
        {
          encoding: "utf8",
          timeout: 60_000,
        },
      );
    const dom = run("--dump-dom", `file://${html}`);
    expect(dom.status, dom.stderr).toBe(0);
    expect(dom.stdout).toMatch(/<h1>Stack <code>pve-prod<\/code>: \d+ object\(s\) change<\/h1>/);
    expect(dom.stdout).toContain("d2h-file-side-diff");
    expect(dom.stdout).toContain("API_TOKEN");
    expect(dom.stdout).not.toContain("s3cret-new-value");
    const png = join(profile, "shot.png");
    const shot = run("--window-size=1400,900", `--screenshot=${png}`, `file://${html}`);
    expect(shot.status, shot.stderr).toBe(0);
    expect(readFileSync(png).length).toBeGreaterThan(20_000);
  });
  if (!chromium)
    console.log(
      "skipped: the headless Chromium check of index.html (no chromium on PATH; apt-get install chromium)",
    );
});

describe.runIf(haveCluster("slipway diff against a real API server"))(
  "slipway diff (live, server-side dry run)",
  () => {
    const c = useCluster({ nodes: 1 });

    it("compares each built object with the live one; kinds the cluster lacks are counted, not compared", () => {
      const dir = lab();
      writeFileSync(
        join(dir, STACK_FILE),
        readFileSync(join(dir, STACK_FILE), "utf8") +
          `      settings:\n        kubernetes: {context: slipway-test, kubeconfig: ${c.kubeconfig}}\n`.replace(
            /^/,
            "",
          ),
      );
      // The whoami Deployment as the prod overlay builds it, applied with one replica fewer than the stack says.
      const built = spawnSync(
        "kubectl",
        ["kustomize", join(dir, "gitops/clusters/pve-prod/apps/whoami/prod")],
        {
          encoding: "utf8",
        },
      );
      expect(built.status, built.stderr).toBe(0);
      const deployment = parseAllDocuments(built.stdout)
        .map((d) => d.toJS() as { kind: string; metadata: { namespace: string }; spec: { replicas: number } })
        .find((o) => o.kind === "Deployment")!;
      expect(deployment.spec.replicas).toBe(2);
      deployment.spec.replicas = 1;
      expect(kubectl(c, ["create", "namespace", deployment.metadata.namespace]).code).toBe(0);
      const applied = kubectl(
        c,
        ["apply", "--server-side", "--field-manager=flux", "-f", "-"],
        JSON.stringify(deployment),
      );
      expect(applied.code, applied.stderr).toBe(0);

      const r = spawnSync(process.execPath, [bin, "diff", "-s", "pve-prod"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", WHOAMI_API_TOKEN: undefined },
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^stack "pve-prod" against cluster slipway-test: \d+ added, \d+ changed/);
      // Flux is not installed on this cluster: its kinds are said to be not compared, never silently dropped.
      expect(r.stderr).toMatch(
        /warning: \d+ Kustomization \(kustomize\.toolkit\.fluxcd\.io\/v1\) not compared/,
      );
      const summary = readFileSync(join(bundleOf(dir), "summary.md"), "utf8");
      expect(summary).toMatch(/\| revision \| cluster slipway-test \(https:\/\/127\.0\.0\.1:\d+\) \|/);
      expect(summary).toMatch(/- \*\*changed\*\* `Deployment\/lab-prod\/whoami`/);
      expect(summary).toContain("fields: `spec.replicas`");
      expect(summary).toMatch(/from: [^\n]*vars\.apps\[0\]\.replicas \(stacks\/catalog\/proxmox\.yaml:\d+\)/);
      expect(summary).toMatch(/- \*\*added\*\* `Service\/lab-prod\/whoami`/);
      const patch = readFileSync(join(bundleOf(dir), "diff.patch"), "utf8");
      expect(patch).toMatch(/- {2}replicas: 1\n\+ {2}replicas: 2/);
      // Nothing was persisted: the dry runs left the Deployment and the cluster as they were.
      expect(
        kubectl(c, ["get", "deployment", "whoami", "-n", "lab-prod", "-o", "jsonpath={.spec.replicas}"])
          .stdout,
      ).toBe("1");
      expect(kubectl(c, ["get", "service", "whoami", "-n", "lab-prod"]).code).not.toBe(0);
    }, 120_000);
  },
);
