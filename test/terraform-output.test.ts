// `!terraform.output` / `!terraform.state` with the real OpenTofu: a component is applied, a second one reads
// its outputs — and the real Atmos, running the same tofu on the same repository, reads the same values.
// `plan -s` / `apply -s` order a reader after the component it reads.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, writeRepo } from "./helpers.js";
import { havePeers, peer, peerEnv } from "./peers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const ready = havePeers("!terraform.output with OpenTofu (test/terraform-output.test.ts)", "tofu", "tofurc");
const atmosReady =
  ready && havePeers("!terraform.output against Atmos (test/terraform-output.test.ts)", "atmos");

const ATMOS_YAML = `base_path: "."
components:
  terraform:
    base_path: components/terraform
    command: tofu
stacks:
  base_path: stacks
  included_paths: ["**/*"]
  name_pattern: "{stage}"
templates:
  settings:
    enabled: true
`;

const NETWORK_TF = `variable "cidr" { type = string }
output "vpc_id" { value = "vpc-\${var.cidr}" }
output "subnets" { value = [{ id = "s-1", zone = "a" }, { id = "s-2", zone = "b" }] }
output "tags" { value = { team = "core" } }
`;
const APP_TF = `variable "vpc" { type = string }
variable "subnet" { type = string }
variable "team" { type = string }
variable "missing" { type = string }
output "seen" { value = "\${var.vpc}/\${var.subnet}/\${var.team}/\${var.missing}" }
`;

const STACK = `vars:
  stage: dev
terraform:
  backend_type: local
  backend:
    local:
      path: state/{{ .atmos_component }}.tfstate
components:
  terraform:
    network:
      vars:
        cidr: "10"
    app:
      vars:
        vpc: !terraform.output network vpc_id
        subnet: !terraform.output network dev .subnets[1].id
        team: !terraform.state network ".tags.team"
        missing: !terraform.output network '.nope // "fallback"'
`;

function repo(stack = STACK): string {
  return writeRepo({
    "atmos.yaml": ATMOS_YAML,
    "stacks/dev.yaml": stack,
    "components/terraform/network/main.tf": NETWORK_TF,
    "components/terraform/app/main.tf": APP_TF,
  });
}

const env = () =>
  peerEnv({
    HOME: "/nonexistent",
    SLIPWAY_CACHE: "off",
    PATH: `${join(peer("tofu"), "..")}:${process.env.PATH}`,
  });

function slipway(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", env: env() });
}

const vars = (stdout: string) => (JSON.parse(stdout) as { vars: Record<string, unknown> }).vars;

describe.runIf(ready)("!terraform.output with the real OpenTofu", () => {
  it("reads the applied component's outputs through tofu: names, paths and defaults", () => {
    const dir = repo();
    const deployed = slipway(dir, "terraform", "deploy", "network", "-s", "dev");
    expect(deployed.status, deployed.stderr).toBe(0);
    const r = slipway(dir, "describe", "component", "app", "-s", "dev", "--format", "json");
    expect(r.status, r.stderr).toBe(0);
    expect(vars(r.stdout)).toMatchObject({ vpc: "vpc-10", subnet: "s-2", team: "core", missing: "fallback" });
  });

  it.runIf(atmosReady)(
    "gives what the real Atmos gives on the same repository and state (differential)",
    () => {
      const dir = repo();
      expect(slipway(dir, "terraform", "deploy", "network", "-s", "dev").status).toBe(0);
      const ours = vars(slipway(dir, "describe", "component", "app", "-s", "dev", "--format", "json").stdout);
      const a = spawnSync(peer("atmos"), ["describe", "component", "app", "-s", "dev", "--format", "json"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...env(), HOME: dir, ATMOS_TELEMETRY_ENABLED: "false", ATMOS_VERSION_CHECK_ENABLED: "false" },
      });
      expect(a.status, a.stderr).toBe(0);
      const theirs = vars(a.stdout);
      // Atmos's !terraform.state reads the state file itself, not through tofu; for this local backend its
      // describe prints the placeholder "(computed)". slipway reads both through tofu (a listed difference).
      expect(theirs.team).toBe("(computed)");
      expect({ ...ours, team: undefined }).toEqual({ ...theirs, team: undefined });
    },
  );

  it("an output the component does not have is an error naming the outputs it has (Atmos gives null)", () => {
    const dir = repo(STACK.replace("network vpc_id", "network vpc_idd"));
    expect(slipway(dir, "terraform", "deploy", "network", "-s", "dev").status).toBe(0);
    const r = slipway(dir, "describe", "component", "app", "-s", "dev");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("stacks/dev.yaml:15:");
    expect(r.stderr).toContain(
      'component "network" in stack "dev" has no output vpc_idd (its outputs: subnets, tags, vpc_id)',
    );
  });

  it("reads each component's outputs once per run, however many functions read them", () => {
    const dir = repo(
      STACK.replace(
        "    app:\n",
        "    app2:\n      metadata:\n        component: app\n      vars:\n        vpc: !terraform.output network vpc_id\n        subnet: !terraform.output network .subnets[0].id\n        team: x\n        missing: y\n    app:\n",
      ),
    );
    expect(slipway(dir, "terraform", "deploy", "network", "-s", "dev").status).toBe(0);
    // The tool, through a wrapper that logs each call (TEST DOUBLE around the real tofu: it runs it).
    const log = join(dir, "calls.log");
    writeFileSync(
      join(dir, "tofu-logged"),
      `#!/bin/sh\necho "$PWD $*" >> ${log}\nexec ${peer("tofu")} "$@"\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      join(dir, "atmos.yaml"),
      ATMOS_YAML.replace("command: tofu", `command: ${join(dir, "tofu-logged")}`),
    );
    const r = slipway(dir, "describe", "stacks", "--format", "json");
    expect(r.status, r.stderr).toBe(0);
    const stacks = JSON.parse(r.stdout) as {
      dev: { components: { terraform: Record<string, { vars: Record<string, unknown> }> } };
    };
    expect(stacks.dev.components.terraform.app2!.vars).toMatchObject({ vpc: "vpc-10", subnet: "s-1" });
    expect(stacks.dev.components.terraform.app!.vars).toMatchObject({ vpc: "vpc-10", subnet: "s-2" });
    const outputs = readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l.endsWith(" output -json"));
    expect(outputs).toEqual([`${join(dir, "components/terraform/network")} output -json`]);
  });

  it("a cycle between components is an error naming the chain", () => {
    const dir = repo(STACK.replace('cidr: "10"', "cidr: !terraform.output app seen"));
    const r = slipway(dir, "describe", "component", "app", "-s", "dev");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "!terraform.output cycle: app (stack dev) → network (stack dev) → app (stack dev)",
    );
  });

  it("apply -s runs a reader after the component it reads, which is then applied", () => {
    const dir = repo();
    const r = slipway(dir, "apply", "-s", "dev", "--format", "json");
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const out = spawnSync(peer("tofu"), ["output", "-raw", "seen"], {
      cwd: join(dir, "components/terraform/app"),
      encoding: "utf8",
      env: env(),
    });
    expect(out.stdout).toBe("vpc-10/s-2/core/fallback");
  });
});
