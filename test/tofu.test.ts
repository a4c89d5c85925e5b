// Differential tests with the real OpenTofu (built by `npm run peers`): what slipway writes — varfile, backend
// file, workspace — is what tofu really consumed, read back from tofu's own state and outputs.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, repoRoot, stripAnsi, tempDir } from "./helpers.js";
import { havePeers, peer, peerEnv } from "./peers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const ready = havePeers(
  "OpenTofu differential tests (test/tofu.test.ts)",
  "tofu",
  "terraform-provider-null",
  "tofurc",
);

function writeRepoFile(dir: string, rel: string, text: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

function repo(): string {
  const dir = tempDir();
  cpSync(fixture("tofu"), dir, { recursive: true });
  return dir;
}

function slipway(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: peerEnv() });
}

/** tofu itself, in a component folder, with the given workspace selected. */
function tofu(dir: string, workspace: string | undefined, ...args: string[]) {
  const env = peerEnv(workspace ? { TF_WORKSPACE: workspace } : {});
  const r = spawnSync(peer("tofu"), args, { cwd: dir, encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`tofu ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

interface StateResource {
  address: string;
  values: Record<string, unknown>;
}
function state(dir: string, workspace: string) {
  const show = JSON.parse(tofu(dir, workspace, "show", "-json")) as {
    values?: { outputs: Record<string, { value: unknown }>; root_module: { resources: StateResource[] } };
  };
  if (!show.values) throw new Error(`no state in workspace ${workspace}`);
  const resources = Object.fromEntries(show.values.root_module.resources.map((r) => [r.address, r.values]));
  const outputs = Object.fromEntries(Object.entries(show.values.outputs).map(([k, v]) => [k, v.value]));
  return { resources, outputs };
}

const describeComponent = (cwd: string, c: string, s: string) => {
  const r = slipway(cwd, "describe", "component", c, "-s", s, "--format", "json");
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as {
    vars: Record<string, unknown>;
    workspace: string;
    backend: Record<string, unknown>;
  };
};

describe.runIf(ready)("slipway terraform with the real OpenTofu", () => {
  it("deploy: tofu's state holds exactly the vars slipway resolved, in the workspace slipway chose", () => {
    const dir = repo();
    const want = describeComponent(dir, "pet", "dev");
    const r = slipway(dir, "terraform", "deploy", "pet", "-s", "dev");
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    const module = join(dir, "components/terraform/pet");
    expect(tofu(module, undefined, "workspace", "show").trim()).toBe(want.workspace);
    expect(want.workspace).toBe("dev");
    const { resources, outputs } = state(module, want.workspace);
    // Numbers stay numbers, maps stay maps: tofu read the JSON varfile with the module's types.
    expect(outputs.inputs).toEqual({
      stage: "dev",
      owner: "platform",
      tags: { team: "core", "cost-center": "42" },
      ports: [80, 443],
      replicas: 2,
    });
    expect(outputs.inputs).toEqual(
      Object.fromEntries(Object.entries(want.vars).filter(([k]) => k in (outputs.inputs as object))),
    );
    expect(resources["random_pet.name"]!.prefix).toBe("dev");
    expect(resources["null_resource.marker"]!.triggers).toEqual({ replicas: "2" });
    expect(JSON.parse(readFileSync(join(module, "out", "dev.json"), "utf8"))).toEqual(outputs.inputs);
    // The local backend's state sits where tofu puts a non-default workspace's state.
    expect(existsSync(join(module, "terraform.tfstate.d", "dev", "terraform.tfstate"))).toBe(true);
  });

  it("plan, apply, output and destroy go to the same workspace; destroy leaves an empty state", () => {
    const dir = repo();
    const plan = slipway(dir, "terraform", "plan", "pet", "-s", "dev");
    expect(plan.status).toBe(0);
    expect(stripAnsi(plan.stdout)).toMatch(/Plan: 3 to add, 0 to change, 0 to destroy/);
    const apply = slipway(dir, "terraform", "apply", "pet", "-s", "dev", "--", "-auto-approve");
    expect(apply.status).toBe(0);
    expect(stripAnsi(apply.stdout)).toMatch(/Apply complete! Resources: 3 added/);
    const out = slipway(dir, "terraform", "output", "pet", "-s", "dev", "--", "-json");
    expect(out.status).toBe(0);
    const outputs = JSON.parse(out.stdout.slice(out.stdout.indexOf("{"))) as Record<
      string,
      { value: unknown }
    >;
    expect(outputs.workspace!.value).toBe("dev");
    expect(String(outputs.pet!.value)).toMatch(/^dev-/);
    const d = slipway(dir, "terraform", "destroy", "pet", "-s", "dev", "--", "-auto-approve");
    expect(d.status).toBe(0);
    const module = join(dir, "components/terraform/pet");
    const show = JSON.parse(tofu(module, "dev", "show", "-json")) as {
      values?: { root_module?: { resources?: unknown[] } };
    };
    expect(show.values?.root_module?.resources ?? []).toEqual([]);
  });

  it("the tool's other subcommands pass through with the workspace and varfile they read: tofu agrees", () => {
    const dir = repo();
    const module = join(dir, "components/terraform/pet");
    // The canary component shares the module: every answer must come from its own workspace.
    expect(slipway(dir, "terraform", "deploy", "pet-canary", "-s", "dev").status).toBe(0);
    const ws = describeComponent(dir, "pet-canary", "dev").workspace;
    const run = (...args: string[]) => {
      const r = slipway(dir, "terraform", ...args);
      expect(r.status, r.stderr).toBe(0);
      return stripAnsi(r.stdout);
    };
    const lines = (t: string) =>
      t
        .split("\n")
        .filter((l) => /^[a-z_]+\.[a-z_]+$/.test(l))
        .sort();
    // state, as Atmos spells it: the subcommand before the component.
    expect(lines(run("state", "list", "pet-canary", "-s", "dev"))).toEqual(
      lines(tofu(module, ws, "state", "list")),
    );
    expect(lines(run("state", "list", "pet-canary", "-s", "dev"))).toHaveLength(3);
    const shown = run("show", "pet-canary", "-s", "dev", "--", "-json");
    expect(JSON.parse(shown.slice(shown.indexOf("{")))).toEqual(
      JSON.parse(tofu(module, ws, "show", "-json")),
    );
    // taint / untaint: words after the component go to the tool.
    run("taint", "pet-canary", "-s", "dev", "null_resource.marker");
    const tainted = () =>
      (
        JSON.parse(tofu(module, ws, "show", "-json")) as {
          values: { root_module: { resources: { address: string; tainted?: boolean }[] } };
        }
      ).values.root_module.resources.find((r) => r.address === "null_resource.marker")?.tainted === true;
    expect(tainted()).toBe(true);
    run("untaint", "pet-canary", "-s", "dev", "null_resource.marker");
    expect(tainted()).toBe(false);
    // refresh and console read the varfile: the canary's own vars.
    run("refresh", "pet-canary", "-s", "dev");
    const consoled = spawnSync(process.execPath, [bin, "terraform", "console", "pet-canary", "-s", "dev"], {
      cwd: dir,
      encoding: "utf8",
      env: peerEnv(),
      input: "var.owner\n",
    });
    expect(consoled.status, consoled.stderr).toBe(0);
    expect(consoled.stdout).toContain('"canary"');
    expect(run("providers", "pet-canary", "-s", "dev")).toMatch(
      /provider\[registry\.opentofu\.org\/hashicorp\/null\]/,
    );
    expect(run("graph", "pet-canary", "-s", "dev")).toMatch(/digraph/);
    // fmt -check: the exit code tofu itself gives in the module (3 when a file needs formatting).
    const own = spawnSync(peer("tofu"), ["fmt", "-check"], { cwd: module, env: peerEnv() }).status;
    expect(slipway(dir, "terraform", "fmt", "pet-canary", "-s", "dev", "--", "-check").status).toBe(own);
  });

  it("two components of one module in one stack get their own workspace and state (plan -s, apply -s)", () => {
    const dir = repo();
    const plan = slipway(dir, "plan", "-s", "dev");
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/^pet\s+terraform\s+done/m);
    expect(plan.stdout).toMatch(/^pet-canary\s+terraform\s+done/m);
    expect(stripAnsi(readFileSync(join(dir, ".slipway/logs/dev/pet-canary.log"), "utf8"))).toMatch(
      /Plan: 3 to add, 0 to change, 0 to destroy/,
    );
    const apply = slipway(dir, "apply", "-s", "dev");
    expect(apply.status).toBe(0);
    const canary = describeComponent(dir, "pet-canary", "dev");
    expect(canary.workspace).toBe("dev-pet-canary");
    const module = join(dir, "components/terraform/pet");
    expect(state(module, "dev").outputs.inputs).toMatchObject({ owner: "platform", replicas: 2 });
    expect(state(module, canary.workspace).outputs.inputs).toEqual({
      stage: "dev",
      owner: "canary",
      tags: { team: "edge" },
      ports: [8080],
      replicas: 1,
    });
    expect(tofu(module, undefined, "workspace", "list")).toMatch(/dev\n[\s*]*dev-pet-canary/);
  });

  it("a plan tofu refuses is a failed row with tofu's own message and exit code; its dependents are skipped", () => {
    const dir = repo();
    const stack = join(dir, "stacks/deploy/dev.yaml");
    writeFileSync(stack, readFileSync(stack, "utf8").replace("replicas: 2", "replicas: -1"));
    const r = slipway(dir, "plan", "-s", "dev");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^pet\s+terraform\s+failed/m);
    expect(r.stdout).toMatch(/^pet-canary\s+terraform\s+skipped/m);
    expect(stripAnsi(readFileSync(join(dir, ".slipway/logs/dev/pet.log"), "utf8"))).toMatch(
      /replicas cannot be negative/,
    );
  });

  it("validate runs tofu's own validation of the module", () => {
    const dir = repo();
    const r = slipway(dir, "terraform", "validate", "pet", "-s", "dev");
    expect(r.stdout + r.stderr).toMatch(/The configuration is valid/);
    expect(r.status).toBe(0);
  });
});

describe.runIf(ready)("state keys as Atmos sets them, checked with the real OpenTofu", () => {
  // The repository Atmos also resolves (test/atmos-parity.test.ts): one stack per backend type.
  const repoWith = (configExtra = "") => {
    const dir = tempDir();
    cpSync(fixture("engine", "backends"), dir, { recursive: true });
    for (const m of ["net", "services/consul"])
      writeRepoFile(dir, `components/terraform/${m}/main.tf`, 'variable "cidr" { type = string }\n');
    if (configExtra)
      writeFileSync(join(dir, "slipway.yaml"), readFileSync(join(dir, "slipway.yaml"), "utf8") + configExtra);
    return dir;
  };
  const keyOf: Record<string, string> = { s3: "workspace_key_prefix", gcs: "prefix", azurerm: "key" };
  const expected: Record<string, Record<string, string>> = {
    s3: { net: "net", "net-2": "net", consul: "services-consul", named: "shared-net", pinned: "mine" },
    gcs: { net: "net", "net-2": "net", consul: "services-consul", named: "shared-net", pinned: "mine" },
    azurerm: {
      net: "platform/net.terraform.tfstate",
      "net-2": "platform/net.terraform.tfstate",
      consul: "platform/services-consul.terraform.tfstate",
      named: "platform/shared-net.terraform.tfstate",
      pinned: "mine.tfstate",
    },
  };

  // How each backend fails once its configuration is accepted, on a machine with no cloud to reach.
  const NETWORK_FAILURE: Record<string, RegExp> = {
    s3: /no such host|dial tcp|credentials/i,
    gcs: /credentials|no such host|dial tcp/i,
    azurerm: /authoriz|credential|no such host|dial tcp|az login|Azure CLI/i,
  };

  for (const backend of ["s3", "gcs", "azurerm"]) {
    it(`${backend}: each component's state has its own place, and tofu's ${backend} backend accepts the file slipway writes`, () => {
      const dir = repoWith();
      const places = new Set<string>();
      for (const c of ["net", "net-2", "consul", "named", "pinned"]) {
        const d = describeComponent(dir, c, backend);
        expect(d.backend[keyOf[backend]!], `${backend} ${c}`).toBe(expected[backend]![c]);
        // The object the backend stores the state in: prefix (or key) plus the workspace, as tofu names it.
        places.add(`${String(d.backend[keyOf[backend]!])}/${d.workspace}`);
        const dry = slipway(dir, "terraform", "init", c, "-s", backend, "--dry-run");
        expect(dry.status).toBe(0);
      }
      expect(places.size).toBe(5);
      // tofu decodes the written backend block with that backend's schema (an unknown or missing attribute
      // fails there), then tries to reach the cloud, which this machine cannot: that second failure is
      // the proof the first step passed. (`tofu validate` does not read backend blocks at all.)
      const r = slipway(dir, "terraform", "init", "net-2", "-s", backend, "--", "-input=false", "-no-color");
      const out = r.stdout + r.stderr;
      expect(out).toMatch(/Initializing the backend/);
      expect(out).not.toMatch(
        /Extraneous JSON object property|Unsupported argument|Missing required argument|Invalid (value|backend)/,
      );
      expect(out).toMatch(NETWORK_FAILURE[backend]!);
      const written = JSON.parse(readFileSync(join(dir, "components/terraform/net/backend.tf.json"), "utf8"));
      expect(written.terraform.backend[backend][keyOf[backend]!]).toBe(expected[backend]!["net-2"]);
    });
  }

  it('prefix_separator "/" keeps the folder path in the key, as Atmos does', () => {
    const dir = repoWith("components: {terraform: {workspace: {prefix_separator: /}}}\n");
    expect(describeComponent(dir, "consul", "s3").backend.workspace_key_prefix).toBe("services/consul");
  });
});
