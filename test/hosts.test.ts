import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error — plain ESM shared with the benchmarks, no type declarations.
import { hostsUnavailable, sshArgs, startHosts } from "./hosts/harness.mjs";
import { hasTool, repoRoot, writeRepo } from "./helpers.js";

interface Host {
  name: string;
  address: string;
  root: string;
  upper: string;
}

const bin = join(repoRoot, "bin", "slipway.js");
const why: string | undefined = hasTool("ansible-playbook")
  ? hostsUnavailable()
  : "ansible-playbook is not installed";
if (why) console.log(`real-host tests skipped: ${why}`);

/** A repo whose k3s component lists the hosts; the shipped playbooks run against them over SSH. */
function clusterRepo(hosts: Host[], key: string) {
  const dir = writeRepo({ "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n" });
  // An air-gap folder on the control node, so the k3s roles copy instead of downloading (the namespaces
  // have no route out). TEST DOUBLE: stand-ins for the k3s binary, images and install script.
  const airgap = join(dir, "airgap");
  mkdirSync(airgap);
  writeFileSync(join(airgap, "k3s"), "#!/bin/sh\necho k3s stand-in\n");
  writeFileSync(join(airgap, "k3s-airgap-images-amd64.tar.zst"), "images stand-in\n");
  writeFileSync(join(airgap, "install.sh"), "#!/bin/sh\nexit 0\n");
  const nodes = hosts
    .map(
      (h, i) =>
        `          - {name: ${h.name}, address: ${h.address}, role: ${i === 0 ? "server" : "agent"}, ssh: {user: root, key: ${key}}}`,
    )
    .join("\n");
  mkdirSync(join(dir, "stacks/deploy"), { recursive: true });
  writeFileSync(
    join(dir, "stacks/deploy/lab.yaml"),
    `components:
  ansible:
    k3s:
      env:
        ANSIBLE_PYTHON_INTERPRETER: /usr/bin/python3
        # Every run has new hosts: no known_hosts.
        ANSIBLE_SSH_ARGS: "${sshArgs}"
        K3S_TOKEN: test-token
      vars:
        # The hosts are namespaces: no kernel or systemd of their own, no package mirror.
        slipway_container: true
        base_os_update_cache: false
        cluster:
          version: v1.31.4+k3s1
          token: {sops_file: secrets/token.enc.yaml}
          api_endpoint: ${hosts[0]!.address}
          airgap_dir: ${airgap}
        nodes:
${nodes}
`,
  );
  return dir;
}

const slipway = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: process.env, timeout: 300_000 });

/** `recap: h1: ok=… changed=N …` lines → changed count per host. */
const changedPerHost = (stderr: string) =>
  Object.fromEntries(
    [...stderr.matchAll(/^recap: (\S+): ok=\d+ changed=(\d+) unreachable=(\d+) failed=(\d+)/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );

describe.skipIf(why !== undefined)(
  "real SSH hosts (network namespaces + sshd on a debootstrap root)",
  { timeout: 600_000 },
  () => {
    let hosts: Host[] = [];
    let key = "";
    let stop = () => {};

    beforeAll(async () => {
      ({ hosts, key, stop } = await startHosts(4));
    }, 900_000);
    afterAll(() => stop());

    it("the harness's hosts answer over SSH as distinct machines", () => {
      for (const h of hosts) {
        writeFileSync(join(h.root, "etc", "slipway-id"), h.name);
        const r = spawnSync(
          "ssh",
          [...sshArgs.split(" "), "-i", key, `root@${h.address}`, "cat /etc/slipway-id"],
          { encoding: "utf8" },
        );
        expect(r.stdout.trim()).toBe(h.name);
      }
    });

    it("base_os (prepare.yml) reaches every host through the generated inventory, converges, and a second run changes nothing", () => {
      const dir = clusterRepo(hosts, key);
      const stack = readFileSync(join(dir, "stacks/deploy/lab.yaml"), "utf8");
      writeFileSync(
        join(dir, "stacks/deploy/lab.yaml"),
        stack.replace("      env:", "      settings: {ansible: {playbook: prepare.yml}}\n      env:"),
      );
      const first = slipway(dir, "ansible", "run", "k3s", "-s", "deploy/lab");
      expect(first.status, first.stdout + first.stderr).toBe(0);
      expect(first.stdout).toMatch(
        /no kernel or systemd of its own: swap, module, sysctl and reboot tasks run in check mode/,
      );
      const firstChanged = changedPerHost(first.stderr);
      expect(Object.keys(firstChanged).sort()).toEqual(hosts.map((h) => h.name).sort());
      for (const h of hosts) {
        expect(firstChanged[h.name]).toBeGreaterThan(0);
        // What base_os wrote is on each host's own disk.
        expect(readFileSync(join(h.upper, "etc/sysctl.d/90-slipway-k8s.conf"), "utf8")).toContain(
          "net.ipv4.ip_forward = 1",
        );
        expect(readFileSync(join(h.upper, "etc/modules-load.d/slipway-k8s.conf"), "utf8")).toBe(
          "overlay\nbr_netfilter\n",
        );
      }
      const second = slipway(dir, "ansible", "run", "k3s", "-s", "deploy/lab");
      expect(second.status, second.stderr).toBe(0);
      expect(changedPerHost(second.stderr)).toEqual(Object.fromEntries(hosts.map((h) => [h.name, 0])));
    });

    it("node add --apply runs add_node.yml on the new host only; node remove --apply undoes it there only", () => {
      const newcomer = hosts.at(-1)!;
      const others = hosts.slice(0, -1);
      const dir = clusterRepo(others, key);
      const before = others.map((h) => existsSync(join(h.upper, "etc/rancher/k3s/config.yaml")));
      const add = slipway(
        dir,
        "node",
        "add",
        newcomer.name,
        "-s",
        "deploy/lab",
        "--address",
        newcomer.address,
        "--role",
        "agent",
        "--ssh-user",
        "root",
        "--ssh-key",
        key,
        "--apply",
      );
      expect(add.status, add.stdout + add.stderr).toBe(0);
      expect(add.stderr).toContain(`added node ${newcomer.name} (agent, ${newcomer.address})`);
      expect(Object.keys(changedPerHost(add.stderr))).toEqual([newcomer.name]);
      const cfg = readFileSync(join(newcomer.upper, "etc/rancher/k3s/config.yaml"), "utf8");
      expect(cfg).toContain(`server: https://${others[0]!.address}:6443`);
      expect(cfg).toContain(`node-ip: ${newcomer.address}`);
      expect(readFileSync(join(newcomer.upper, "etc/rancher/k3s/token"), "utf8")).toBe("test-token\n");
      expect(existsSync(join(newcomer.upper, "usr/local/bin/k3s"))).toBe(true);
      others.forEach((h, i) =>
        expect(existsSync(join(h.upper, "etc/rancher/k3s/config.yaml"))).toBe(before[i]),
      );
      const remove = slipway(dir, "node", "remove", newcomer.name, "-s", "deploy/lab", "--apply");
      expect(remove.status, remove.stdout + remove.stderr).toBe(0);
      expect(remove.stderr).toContain(`removed node ${newcomer.name}`);
      expect(Object.keys(changedPerHost(remove.stderr))).toEqual([newcomer.name]);
      expect(existsSync(join(newcomer.upper, "etc/rancher/k3s/config.yaml"))).toBe(false);
      expect(readFileSync(join(dir, "stacks/deploy/lab.yaml"), "utf8")).not.toContain(
        `name: ${newcomer.name}`,
      );
    });

    it("a failing task is reported with host and task name; an unreachable host says so", () => {
      const dir = clusterRepo(hosts.slice(0, 2), key);
      const text = readFileSync(join(dir, "stacks/deploy/lab.yaml"), "utf8")
        .replace("          airgap_dir:", '          tailscale_mode: "on"\n          airgap_dir:')
        .replace(
          /role: (server|agent), ssh/g,
          (_m, r: string) => `role: ${r}, tailscale_ip: 100.64.0.${r === "server" ? 1 : 2}, ssh`,
        )
        .replace("      env:", "      settings: {ansible: {playbook: prepare.yml}}\n      env:");
      writeFileSync(join(dir, "stacks/deploy/lab.yaml"), text);
      const r = slipway(dir, "ansible", "run", "k3s", "-s", "deploy/lab");
      expect(r.status).toBe(2);
      for (const h of hosts.slice(0, 2))
        expect(r.stderr).toContain(
          `error: node ${h.name}: task "tailscale : Tailscale must be installed" failed: tailscale is not installed on ${h.name}`,
        );
      // An address in the harness's range where no host listens.
      const gone = clusterRepo([{ ...hosts[0]!, name: "ghost", address: "10.213.255.254" }], key);
      const u = slipway(
        gone,
        "ansible",
        "run",
        "k3s",
        "-s",
        "deploy/lab",
        "--",
        "-e",
        "ansible_ssh_timeout=3",
      );
      expect(u.status).toBe(4);
      expect(u.stderr).toMatch(/error: node ghost: unreachable at task "Gathering Facts": /);
    });
  },
);
