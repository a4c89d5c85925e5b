// Provenance through rendering: render's provenance index, `slipway why`, and validate manifests naming the
// stack line. The oracle for every stack place is the engine's own `origin()` for the same value, on the
// same files — never a line number written into the test.
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderStack } from "../src/components/kubernetes/render.js";
import { traceRender } from "../src/components/kubernetes/trace.js";
import type { RenderedFile } from "../src/components/kubernetes/types.js";
import { validateManifests } from "../src/manifests/validate.js";
import type { Origin } from "../src/stack/types.js";
import { engineAt, repoRoot, tempDir } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");

function slipway(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      SLIPWAY_CACHE: "off",
      SOPS_AGE_KEY_FILE: join(cwd, "example-age-key.txt"),
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of examples/homelab with its GitOps tree rendered for pve-prod by the built CLI. */
function renderedHomelab(): string {
  const dir = join(tempDir("slipway-why-"), "homelab");
  cpSync(join(repoRoot, "examples", "homelab"), dir, { recursive: true });
  rmSync(join(dir, "gitops"), { recursive: true, force: true });
  const r = slipway(["render", "-s", "pve-prod"], dir);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

/** The 1-based line of the only line of `file` matching `re`. */
function lineOf(file: string, re: RegExp): number {
  const hits = readFileSync(file, "utf8")
    .split("\n")
    .flatMap((l, i) => (re.test(l) ? [i + 1] : []));
  expect(hits, `${file}: ${re}`).toHaveLength(1);
  return hits[0]!;
}

interface WhyJson {
  stacks: {
    stack: string;
    component: string;
    values: {
      line: number;
      rendered: string;
      sources: {
        var: string;
        how: string;
        file: string;
        line: number;
        col: number;
        chain: string[];
        level: string;
        edit: string;
      }[];
    }[];
  }[];
}

function whyJson(dir: string, target: string): WhyJson {
  const r = slipway(["why", target, "--format", "json"], dir);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as WhyJson;
}

/** The engine's origin of a kubernetes component's var, in a fresh engine on the repository as it is now. */
function origin(dir: string, component: string, path: (string | number)[]): Origin {
  const o = engineAt(dir).origin("pve-prod", component, ["vars", ...path], "kubernetes");
  expect(o, `origin of ${component} vars.${path.join(".")}`).toBeDefined();
  return o!;
}

const CILIUM_PATCH = "gitops/distributions/homelab-prod/patches/cilium.yaml";
const NVIDIA_PATCH = "gitops/distributions/homelab-prod/patches/nvidia-device-plugin.yaml";

describe("slipway why on the rendered homelab example", () => {
  let dir: string;
  beforeAll(() => {
    dir = renderedHomelab();
  }, 60_000);

  it("names the stack line of a HelmRelease's chart version (a copy), as the engine's origin has it", () => {
    const line = lineOf(join(dir, CILIUM_PATCH), /^\s+version: /);
    const answer = whyJson(dir, `${CILIUM_PATCH}:${line}`);
    expect(answer.stacks).toHaveLength(1);
    const [v] = answer.stacks[0]!.values;
    expect(v!.line).toBe(line);
    const want = origin(dir, "addons", ["cilium", "version"]);
    expect(v!.sources[0]).toMatchObject({
      var: "cilium.version",
      how: "copy",
      file: join("stacks", `${want.file}.yaml`),
      line: want.line,
      col: want.col,
      chain: want.chain,
      level: want.level,
    });
    expect(v!.sources[0]!.edit).toContain(`stacks/${want.file}.yaml:${want.line}`);
    // The whole file: every traced value, and a count of the ones the renderer computed.
    const all = slipway(["why", CILIUM_PATCH], dir);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`${CILIUM_PATCH}:${line}:`);
    const [, traced, total] = /(\d+) of (\d+) values come from stack values/.exec(all.stdout) ?? [];
    expect(Number(traced)).toBe(whyJson(dir, CILIUM_PATCH).stacks[0]!.values.length);
    expect(Number(total)).toBeGreaterThan(Number(traced));
  });

  it("traces a value built into a HelmRelease's values string to the deploy file that overrides it", () => {
    const line = lineOf(join(dir, NVIDIA_PATCH), /timeSlicing/);
    const [v] = whyJson(dir, `${NVIDIA_PATCH}:${line}`).stacks[0]!.values;
    const want = origin(dir, "addons", ["nvidia_device_plugin", "time_slicing_replicas"]);
    expect(want.file).toBe("deploy/pve-prod");
    expect(v!.sources.map((s) => [s.var, s.how, s.line])).toContainEqual([
      "nvidia_device_plugin.time_slicing_replicas",
      "derived",
      want.line,
    ]);
  });

  it("places an item of a list set in one file at the item's own line", () => {
    const file = "gitops/clusters/pve-prod/infrastructure/configs/tenants/lab/prod/namespace.yaml";
    const answer = whyJson(dir, file).stacks[0]!;
    const cpu = answer.values.find((v) =>
      v.sources.some((s) => s.var === "organisations[1].quota.requests.cpu"),
    );
    expect(cpu?.rendered).toBe("4");
    // The engine's provenance stops at the list: the item's line is below the list's own.
    const list = origin(dir, "tenants", ["organisations"]);
    const src = cpu!.sources[0]!;
    expect(src.file).toBe(join("stacks", `${list.file}.yaml`));
    expect(src.level).toBe(list.level);
    const stackLines = readFileSync(join(dir, src.file), "utf8").split("\n");
    expect(src.line).toBeGreaterThan(list.line!);
    expect(stackLines[src.line - 1]).toMatch(/requests\.cpu: "4"/);
  });

  it("says a line is computed when no stack value sets it, and refuses a line that holds no value", () => {
    const kust = "gitops/clusters/pve-prod/kustomization.yaml";
    const computed = slipway(["why", `${kust}:1`], dir);
    expect(computed.code, computed.stderr).toBe(0);
    expect(computed.stdout).toMatch(
      /apiVersion: kustomize\.config\.k8s\.io\/v1beta1 — computed by render itself/,
    );
    const key = lineOf(join(dir, kust), /^resources:$/);
    const none = slipway(["why", `${kust}:${key}`], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds no value \(resources:\)/);
  });

  it("refuses a file render did not write, and one outside any rendered tree", () => {
    writeFileSync(join(dir, "gitops", "hand-written.yaml"), "apiVersion: v1\nkind: ConfigMap\n");
    const hand = slipway(["why", "gitops/hand-written.yaml"], dir);
    expect(hand.code).toBe(1);
    expect(hand.stderr).toMatch(/not a file `slipway render` wrote/);
    const outside = slipway(["why", "stacks/catalog/proxmox.yaml"], dir);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/not in a tree `slipway render` wrote/);
  });
});

describe("a changed stack or rendered file", () => {
  it("moves the answer when a stack line moves, and is refused as stale until render runs again", () => {
    const dir = renderedHomelab();
    const catalog = join(dir, "stacks", "catalog", "proxmox.yaml");
    const before = origin(dir, "addons", ["cilium", "version"]);
    const text = readFileSync(catalog, "utf8");
    writeFileSync(catalog, text.replace(/^(\s+)cilium:$/m, "$1# a new comment line above cilium\n$1cilium:"));
    const line = lineOf(join(dir, CILIUM_PATCH), /^\s+version: /);
    const stale = slipway(["why", `${CILIUM_PATCH}:${line}`], dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(
      /stack file\(s\) changed since render wrote it: stacks\/catalog\/proxmox\.yaml;/,
    );
    expect(stale.stderr).toMatch(/run `slipway render -s pve-prod`/);
    expect(slipway(["render", "-s", "pve-prod"], dir).code).toBe(0);
    const after = origin(dir, "addons", ["cilium", "version"]);
    expect(after.line).toBe(before.line! + 1);
    const [v] = whyJson(dir, `${CILIUM_PATCH}:${line}`).stacks[0]!.values;
    expect(v!.sources[0]!.line).toBe(after.line);
  }, 60_000);

  it("answers for a shared file from the stack whose files did not change, and says which one did", () => {
    const dir = renderedHomelab();
    expect(slipway(["render", "-s", "pve-dev"], dir).code).toBe(0);
    appendFileSync(join(dir, "stacks", "deploy", "pve-dev.yaml"), "# edited since render\n");
    const base = "gitops/bases/addons/cilium/release.yaml";
    const r = slipway(["why", base, "--format", "json"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as WhyJson).stacks.map((s) => s.stack)).toEqual(["pve-prod"]);
    expect(r.stderr).toMatch(
      /stack "pve-dev" also rendered it, but its stack file\(s\) changed since \(stacks\/deploy\/pve-dev\.yaml\)/,
    );
  }, 60_000);

  it("refuses a rendered file edited since render", () => {
    const dir = renderedHomelab();
    appendFileSync(join(dir, CILIUM_PATCH), "# edited by hand\n");
    const r = slipway(["why", CILIUM_PATCH], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/changed since `slipway render` wrote it/);
  }, 60_000);
});

describe("validate manifests in a rendered tree", () => {
  it("names the stack line behind a planted fault (an scp-style Git URL Flux rejects)", async () => {
    const dir = renderedHomelab();
    const catalog = join(dir, "stacks", "catalog", "proxmox.yaml");
    writeFileSync(
      catalog,
      readFileSync(catalog, "utf8").replace(
        "url: ssh://git@git.home.arpa/homelab/platform.git",
        "url: git@git.home.arpa:homelab/platform.git",
      ),
    );
    expect(slipway(["render", "-s", "pve-prod"], dir).code).toBe(0);
    const want = origin(dir, "gitops", ["repository", "url"]);
    const report = await validateManifests(["gitops"], { cwd: dir, build: false });
    const fault = report.findings.find((f) => f.rule === "schema" && /spec\.url/.test(f.message));
    expect(fault?.file).toBe("gitops/clusters/pve-prod/flux-system/sync.yaml");
    expect(fault?.origin?.source).toMatchObject({
      var: "repository.url",
      path: join(dir, "stacks", `${want.file}.yaml`),
      line: want.line,
      col: want.col,
    });
    const cli = slipway(["validate", "manifests", "gitops", "--no-build"], dir);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(
      `from vars.repository.url of component "gitops" of stack "pve-prod": edit stacks/${want.file}.yaml:${want.line}:${want.col}`,
    );
    // The stack edited since render: the finding stays, the stack line is not guessed.
    appendFileSync(catalog, "# edited since render\n");
    const later = await validateManifests(["gitops"], { cwd: dir, build: false });
    const again = later.findings.find((f) => f.rule === "schema" && /spec\.url/.test(f.message));
    expect(again).toBeDefined();
    expect(again!.origin).toBeUndefined();
  }, 60_000);
});

describe("render with provenance", () => {
  it("writes the same files as render without it", () => {
    const engine = engineAt(join(repoRoot, "examples", "homelab"));
    const plain = renderStack(engine, "pve-prod");
    const origins = new Map();
    const traced = renderStack(engineAt(join(repoRoot, "examples", "homelab")), "pve-prod", { origins });
    expect([...traced]).toEqual([...plain]);
    expect(origins.size).toBeGreaterThan(0);
  });
});

describe("traceRender (on a test double: a toy renderer)", () => {
  // Test double: a renderer of our own making, so each way a value reaches the output is known.
  const toy = (v: unknown): RenderedFile[] => {
    const vars = v as { name: string; replicas: number; items: string[]; strict: string };
    if (vars.strict !== "yes") throw new Error("toy renderer takes strict: yes only");
    return [
      {
        path: `apps/${vars.name}.yaml`,
        objects: [
          {
            metadata: { name: vars.name, namespace: `${vars.name}-prod` },
            spec: { replicas: vars.replicas, fixed: "constant", list: vars.items.filter((i) => i !== "") },
          },
        ],
      },
    ];
  };
  const vars = { name: "web", replicas: 2, items: ["a", "b"], strict: "yes" };

  it("finds copies and values built from a var, pairs files whose path holds a name, and counts refused probes", () => {
    const { files, untraced } = traceRender(toy, vars, toy(vars));
    const got = Object.fromEntries(
      [...files[0]!.values()].map((e) => [e.at.join("."), e.from.map((f) => `${f.var.join(".")}:${f.how}`)]),
    );
    expect(got).toEqual({
      "0.metadata.name": ["name:copy"],
      "0.metadata.namespace": ["name:derived"],
      "0.spec.replicas": ["replicas:copy"],
      "0.spec.list.0": ["items.0:copy"],
      "0.spec.list.1": ["items.1:copy"],
    });
    expect(untraced).toEqual([["strict"]]);
  });

  it("does not compare a file with another one a probe's branch writes instead", () => {
    // Test double: the mode picks the file, as an engine picks Flux or Argo CD objects.
    const branchy = (v: unknown): RenderedFile[] => {
      const { mode, name } = v as { mode: string; name: string };
      return [
        { path: mode === "a" ? "a.yaml" : "b.yaml", objects: [{ kind: mode === "a" ? "A" : "B", name }] },
      ];
    };
    const vars = { mode: "a", name: "web" };
    const { files } = traceRender(branchy, vars, branchy(vars));
    expect([...files[0]!.values()].map((e) => [e.at.join("."), e.from.map((f) => f.var.join("."))])).toEqual([
      ["0.name", ["name"]],
    ]);
  });
});
