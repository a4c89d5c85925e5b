import { checkRunnable } from "../src/components/component-type.js";
import { terraformType } from "../src/components/terraform/index.js";
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareTerraform, terraformCommands, varfileName } from "../src/components/terraform/driver.js";
import { engineAt, hasTool, repoRoot, slipwayErrorOf, tempDir, writeRepo } from "./helpers.js";
import { havePeers, peerEnv } from "./peers.js";

const homelab = join(repoRoot, "examples", "homelab");
const k3s = () => engineAt(homelab).resolveComponent("pve-prod", "k3s-cluster", "terraform");
const bin = join(repoRoot, "bin", "slipway.js");

describe("terraform driver", () => {
  it("writes the varfile Atmos names and a JSON backend file from backend_type/backend", () => {
    const c = k3s();
    expect(varfileName(c)).toBe("pve-prod-k3s-cluster.terraform.tfvars.json");
    const [varfile, backend] = prepareTerraform(c, "/m");
    expect(varfile!.path).toBe("/m/pve-prod-k3s-cluster.terraform.tfvars.json");
    expect(JSON.parse(varfile!.content)).toEqual(c.vars);
    expect(JSON.parse(backend!.content)).toEqual({ terraform: { backend: { s3: c.backend } } });
    expect(JSON.parse(backend!.content).terraform.backend.s3.key).toBe("pve-prod/terraform.tfstate");
  });

  it("turns each action into the tool's argv: deploy = init, workspace, apply -auto-approve; extra args last", () => {
    const c = k3s();
    const argv = (a: Parameters<typeof terraformCommands>[1], extra: string[] = []) =>
      terraformCommands(c, a, "/m", extra).map((x) => x.argv.join(" "));
    expect(argv("deploy", ["-parallelism=4"])).toEqual([
      "tofu init -reconfigure",
      "tofu workspace select -or-create pve-prod",
      "tofu apply -var-file=pve-prod-k3s-cluster.terraform.tfvars.json -auto-approve -parallelism=4",
    ]);
    expect(argv("plan")).toEqual([
      "tofu init -reconfigure",
      "tofu workspace select -or-create pve-prod",
      "tofu plan -var-file=pve-prod-k3s-cluster.terraform.tfvars.json",
    ]);
    expect(argv("validate")).toEqual(["tofu init -backend=false", "tofu validate"]);
    expect(terraformCommands(c, "plan", "/m", []).every((x) => x.cwd === "/m")).toBe(true);
  });

  it("refuses abstract and disabled components, and changes to locked ones", () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/s.yaml":
        "components:\n  terraform:\n    base: {metadata: {type: abstract}}\n    off: {metadata: {enabled: false}}\n    frozen: {metadata: {locked: true}}\n",
    });
    const e = engineAt(dir);
    expect(
      slipwayErrorOf(() =>
        checkRunnable(e.resolveComponent("deploy/s", "base"), "plan", terraformType.changes),
      ).message,
    ).toMatch(/is abstract/);
    expect(
      slipwayErrorOf(() =>
        checkRunnable(e.resolveComponent("deploy/s", "off"), "plan", terraformType.changes),
      ).message,
    ).toMatch(/is disabled/);
    expect(
      slipwayErrorOf(() =>
        checkRunnable(e.resolveComponent("deploy/s", "frozen"), "apply", terraformType.changes),
      ).message,
    ).toMatch(/is locked .*apply would change it/);
    expect(() =>
      checkRunnable(e.resolveComponent("deploy/s", "frozen"), "plan", terraformType.changes),
    ).not.toThrow();
    // The pass-through subcommands that change the state are changes too; state mv/rm/push as well.
    for (const a of ["import", "taint", "untaint", "force-unlock", "refresh"])
      expect(
        slipwayErrorOf(() =>
          checkRunnable(e.resolveComponent("deploy/s", "frozen"), a, terraformType.changes),
        ).message,
      ).toMatch(new RegExp(`is locked .*${a} would change it`));
    const frozen = e.resolveComponent("deploy/s", "frozen");
    expect(
      slipwayErrorOf(() =>
        terraformType.prepare(frozen, "state", { dir: "/m", extra: ["rm", "x.y"] } as never),
      ).message,
    ).toMatch(/is locked: state rm would change its state/);
    expect(terraformType.prepare(frozen, "state", { dir: "/m", extra: ["list"] } as never)).toBeTruthy();
  });

  it("passes the tool's other subcommands through with what each reads prepared", () => {
    const c = k3s();
    const argv = (a: Parameters<typeof terraformCommands>[1], extra: string[] = []) =>
      terraformCommands(c, a, "/m", extra).map((x) => x.argv.join(" "));
    const ws = "tofu workspace select -or-create pve-prod";
    const vf = "-var-file=pve-prod-k3s-cluster.terraform.tfvars.json";
    expect(argv("state", ["mv", "a.b", "a.c"])).toEqual([
      "tofu init -reconfigure",
      ws,
      "tofu state mv a.b a.c",
    ]);
    expect(argv("import", ["a.b", "id-1"])).toEqual([
      "tofu init -reconfigure",
      ws,
      `tofu import ${vf} a.b id-1`,
    ]);
    expect(argv("fmt", ["-check"])).toEqual(["tofu fmt -check"]);
    expect(argv("test")).toEqual(["tofu init -reconfigure", `tofu test ${vf}`]);
    expect(argv("providers")).toEqual(["tofu init -reconfigure", "tofu providers"]);
  });

  it.runIf(
    havePeers(
      "the example module with the real OpenTofu (test/terraform.test.ts)",
      "tofu",
      "tofurc",
      "terraform-provider-proxmox",
    ),
  )("validates the example's module with the real tofu and the real bpg/proxmox provider", () => {
    const copy = tempDir();
    cpSync(homelab, copy, { recursive: true });
    const r = spawnSync(process.execPath, [bin, "terraform", "validate", "k3s-cluster", "-s", "pve-prod"], {
      cwd: copy,
      encoding: "utf8",
      env: peerEnv(),
    });
    expect(r.stdout + r.stderr).toMatch(/Installing bpg\/proxmox v0\.80\.0[\s\S]*The configuration is valid/);
    expect(r.status).toBe(0);
  });
});

describe("packer driver", () => {
  const hasPacker = hasTool("packer");
  it("prints the pkrvars file and argv on --dry-run", () => {
    const r = spawnSync(
      process.execPath,
      [bin, "packer", "build", "alma9-k3s-optimized", "-s", "pve-prod", "--dry-run"],
      { cwd: homelab, encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^# would write components\/packer\/alma9-k3s-optimized\/pve-prod-alma9-k3s-optimized\.pkrvars\.json\n\{\n {2}"tenant": "pve",/,
    );
    expect(r.stdout).toMatch(
      /\n# would run in components\/packer\/alma9-k3s-optimized\npacker build -var-file=pve-prod-alma9-k3s-optimized\.pkrvars\.json \.\n$/,
    );
  });
  it.runIf(hasPacker)(
    "runs the real packer: fmt -check of the example template passes, the vars file is written",
    () => {
      const dir = join(homelab, "components/packer/alma9-k3s-optimized");
      try {
        const r = spawnSync(
          process.execPath,
          [bin, "packer", "fmt", "alma9-k3s-optimized", "-s", "pve-prod", "--", "-check"],
          { cwd: homelab, encoding: "utf8" },
        );
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(
          JSON.parse(readFileSync(join(dir, "pve-prod-alma9-k3s-optimized.pkrvars.json"), "utf8"))
            .template_name,
        ).toBe("alma9-k3s");
      } finally {
        rmSync(join(dir, "pve-prod-alma9-k3s-optimized.pkrvars.json"), { force: true });
      }
    },
  );
});
