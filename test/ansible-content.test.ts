import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTool, repoRoot, writeRepo } from "./helpers.js";

const content = join(repoRoot, "assets", "ansible");
const homelab = join(repoRoot, "examples", "homelab");
const bin = join(repoRoot, "bin", "slipway.js");
const playbooks = readdirSync(content).filter((f) => f.endsWith(".yml"));

describe("shipped Ansible content (assets/ansible)", () => {
  it("has the lifecycle playbooks and roles the node commands run", () => {
    expect(playbooks.sort()).toEqual([
      "add_node.yml",
      "prepare.yml",
      "rebuild_node.yml",
      "remove_node.yml",
      "reset.yml",
      "site.yml",
      "upgrade.yml",
    ]);
    expect(readdirSync(join(content, "roles")).sort()).toEqual([
      "base_os",
      "gpu",
      "k3s_agent",
      "k3s_server",
      "kubeadm",
      "post_bootstrap",
      "tailscale",
    ]);
  });

  it.runIf(hasTool("ansible-lint"))(
    "passes ansible-lint with the production profile (Debian ansible-lint)",
    () => {
      const r = spawnSync("ansible-lint", ["--nocolor"], { cwd: content, encoding: "utf8" });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
    },
    // ansible-lint takes ~15 s alone and over 50 s on a loaded 2-core machine: a guard, not a speed check.
    120_000,
  );

  it.runIf(hasTool("ansible-playbook"))(
    "every playbook passes ansible-playbook --syntax-check with the inventory and vars generated from the example",
    () => {
      const dir = writeRepo({});
      const out = (args: string[]) =>
        spawnSync(process.execPath, [bin, ...args, "-s", "pve-prod", "--format", "json"], {
          cwd: homelab,
          encoding: "utf8",
        }).stdout;
      writeFileSync(join(dir, "inventory.json"), out(["ansible", "inventory", "k3s"]));
      writeFileSync(
        join(dir, "vars.json"),
        JSON.stringify({ cluster: JSON.parse(out(["config", "get", "cluster"])) }),
      );
      expect(
        JSON.parse(readFileSync(join(dir, "inventory.json"), "utf8")).all.children.server.hosts,
      ).toHaveProperty("prod-server-1");
      for (const p of playbooks) {
        const r = spawnSync(
          "ansible-playbook",
          ["-i", join(dir, "inventory.json"), "-e", `@${join(dir, "vars.json")}`, "--syntax-check", p],
          {
            cwd: content,
            encoding: "utf8",
          },
        );
        expect(r.status, `${p}: ${r.stdout}${r.stderr}`).toBe(0);
      }
    },
    // One syntax check per playbook, a few seconds each: a guard against a hung tool, not a speed check.
    120_000,
  );
});
