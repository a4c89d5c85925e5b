import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extraVarsOf, inventoryOf, readAnsibleEvents } from "../src/components/ansible/driver.js";
import { engineAt, hasTool, repoRoot, slipwayErrorOf, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const hasAnsible = hasTool("ansible-playbook");

// A playbook that records what each host received, and fails on the host named by `fail_on`.
const PLAYBOOK = `- name: Probe what the inventory and vars deliver
  hosts: all
  gather_facts: false
  tasks:
    - name: Record what this host received
      ansible.builtin.copy:
        dest: "{{ out_dir }}/{{ inventory_hostname }}.json"
        content: "{{ {'groups': group_names | sort, 'role': node.role, 'address': ansible_host, 'cluster': cluster_name, 'zone': zone | default('none')} | to_json }}"
        mode: "0644"
    - name: Break here
      ansible.builtin.fail:
        msg: "boom on {{ inventory_hostname }}"
      when: fail_on | default('') == inventory_hostname
`;

/** A repository with the probe playbook and a stack of two local "nodes"; `extraVars` adds vars lines. */
function labRepo(extraVars = "") {
  const dir = writeRepo({
    "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
    "components/ansible/probe/site.yml": PLAYBOOK,
  });
  mkdirSync(join(dir, "out"));
  mkdirSync(join(dir, "stacks/deploy"), { recursive: true });
  writeFileSync(
    join(dir, "stacks/deploy/lab.yaml"),
    `components:
  ansible:
    probe:
      env:
        ANSIBLE_PYTHON_INTERPRETER: auto_silent
      vars:
        cluster_name: lab
        out_dir: ${join(dir, "out")}
${extraVars}        nodes:
          - {name: pi-1, address: 127.0.0.1, role: server, connection: local}
          - {name: pi-2, address: 127.0.0.2, role: agent, groups: [rpi], connection: local, host_vars: {zone: attic}}
`,
  );
  return dir;
}

const slipway = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: process.env });

describe("ansible driver: inventory and extra vars from the stack", () => {
  it("turns vars.nodes into groups per role and extra group, with connection vars and the node entry as host var `node`", () => {
    const e = engineAt(labRepo());
    const c = e.resolveComponent("deploy/lab", "probe");
    const inv = inventoryOf(c);
    expect(Object.keys(inv.all.children).sort()).toEqual(["agent", "rpi", "server"]);
    expect(inv.all.children.server!.hosts["pi-1"]).toMatchObject({
      ansible_host: "127.0.0.1",
      ansible_connection: "local",
      node: { name: "pi-1", role: "server" },
    });
    expect(inv.all.children.agent!.hosts["pi-2"]).toMatchObject({ zone: "attic", ansible_host: "127.0.0.2" });
    expect(inv.all.children.rpi!.hosts["pi-2"]).toEqual({});
    expect(Object.keys(extraVarsOf(c)).sort()).toEqual(["cluster_name", "out_dir"]);
  });

  it("refuses a stack without hosts and duplicate node names, naming the component", () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/s.yaml":
        "components:\n  ansible:\n    none: {vars: {x: 1}}\n    twice: {vars: {nodes: [{name: a}, {name: a}]}}\n",
    });
    const e = engineAt(dir);
    expect(slipwayErrorOf(() => inventoryOf(e.resolveComponent("deploy/s", "none"))).message).toMatch(
      /component "none" in stack "deploy\/s" has no hosts: set vars\.nodes/,
    );
    expect(slipwayErrorOf(() => inventoryOf(e.resolveComponent("deploy/s", "twice"))).message).toMatch(
      /node "a" is listed twice/,
    );
  });

  it("reads the callback's event stream into per-host, per-task failures and the recap (recorded events)", () => {
    // TEST DOUBLE: lines in the shape the slipway_events callback writes (checked against real runs below);
    // an ignored failure and an unreachable host are cases the local test hosts cannot produce.
    const dir = writeRepo({
      "events.jsonl": [
        '{"event": "task", "task": "k3s_agent : install k3s"}',
        '{"event": "failed", "host": "pi-3", "task": "k3s_agent : install k3s", "action": "ansible.builtin.command", "changed": false, "message": "non-zero return code\\nmore", "rc": 1, "ignored": false}',
        '{"event": "failed", "host": "pi-2", "task": "probe", "action": "command", "changed": false, "message": "ignored one", "rc": 1, "ignored": true}',
        '{"event": "unreachable", "host": "pi-4", "task": "Gathering Facts", "action": "gather_facts", "changed": false, "message": "Failed to connect to the host via ssh", "rc": null}',
        '{"event": "recap", "hosts": {"pi-3": {"ok": 2, "failures": 1, "unreachable": 0, "changed": 1, "skipped": 0, "rescued": 0, "ignored": 0}}}',
      ].join("\n"),
    });
    const out = readAnsibleEvents(join(dir, "events.jsonl"));
    expect(out.failures).toEqual([
      'node pi-3: task "k3s_agent : install k3s" failed: non-zero return code',
      'node pi-4: unreachable at task "Gathering Facts": Failed to connect to the host via ssh',
    ]);
    expect(out.recap["pi-3"]!.failures).toBe(1);
  });

  it("--dry-run prints the inventory, extra vars and the ansible-playbook argv with --limit/--tags/--check/--diff", () => {
    const dir = labRepo();
    const r = slipway(
      dir,
      "ansible",
      "run",
      "probe",
      "-s",
      "deploy/lab",
      "--dry-run",
      "--limit",
      "pi-1",
      "--tags",
      "k3s",
      "--check",
      "--diff",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("# would write .slipway/ansible/deploy-lab-probe/inventory.json");
    expect(r.stdout).toMatch(
      /ansible-playbook -i \S+inventory\.json -e @\S+extra-vars\.json --limit pi-1 --tags k3s --check --diff site\.yml/,
    );
    expect(r.stdout).toMatch(
      /with ANSIBLE_PYTHON_INTERPRETER, ANSIBLE_CALLBACK_PLUGINS, ANSIBLE_CALLBACKS_ENABLED/,
    );
    expect(existsSync(join(dir, ".slipway/ansible"))).toBe(false);
  });
});

describe.runIf(hasAnsible)(
  "ansible driver with the real ansible-playbook (needs Debian ansible-core)",
  () => {
    it("delivers the generated inventory and vars to every host (ansible_connection=local)", () => {
      const dir = labRepo();
      const r = slipway(dir, "ansible", "run", "probe", "-s", "deploy/lab");
      expect(r.status, r.stderr).toBe(0);
      const got = (h: string) => JSON.parse(readFileSync(join(dir, "out", `${h}.json`), "utf8"));
      expect(got("pi-1")).toEqual({
        groups: ["server"],
        role: "server",
        address: "127.0.0.1",
        cluster: "lab",
        zone: "none",
      });
      expect(got("pi-2")).toEqual({
        groups: ["agent", "rpi"],
        role: "agent",
        address: "127.0.0.2",
        cluster: "lab",
        zone: "attic",
      });
      expect(r.stderr).toMatch(/recap: pi-1: ok=1 changed=1 unreachable=0 failed=0 skipped=1/);
    });

    it("reports a failing task with host and task name, the recap, and ansible's exit code", () => {
      const dir = labRepo("        fail_on: pi-2\n");
      const r = slipway(dir, "ansible", "run", "probe", "-s", "deploy/lab");
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('error: node pi-2: task "Break here" failed: boom on pi-2');
      expect(r.stderr).not.toMatch(/node pi-1: task/);
      expect(r.stderr).toMatch(/recap: pi-2: ok=1 changed=1 unreachable=0 failed=1/);
    });

    it("--limit runs on that host only", () => {
      const dir = labRepo();
      const r = slipway(dir, "ansible", "run", "probe", "-s", "deploy/lab", "--limit", "pi-2");
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(join(dir, "out", "pi-2.json"))).toBe(true);
      expect(existsSync(join(dir, "out", "pi-1.json"))).toBe(false);
    });

    it("plan -s runs a syntax check that touches no host; a failing apply names host and task in the summary", () => {
      const dir = labRepo("        fail_on: pi-1\n");
      const plan = slipway(dir, "plan", "-s", "deploy/lab");
      // A syntax check is not a plan: it says so and exits 3 (nothing failed, nothing ran for real).
      expect(plan.status, plan.stderr).toBe(3);
      expect(plan.stdout).toMatch(/probe\s+ansible\s+checked\s+\S+ s\s+syntax-check only/);
      expect(readFileSync(join(dir, ".slipway/logs/deploy-lab/probe.log"), "utf8")).toContain(
        "--syntax-check",
      );
      expect(existsSync(join(dir, "out", "pi-1.json"))).toBe(false);
      const apply = slipway(dir, "apply", "-s", "deploy/lab");
      // plan/apply exit 1 for a failed component; the tool's own code (2: a host failed) is in the summary.
      expect(apply.status).toBe(1);
      expect(apply.stderr).toMatch(/error: probe failed \(exit 2\)/);
      expect(apply.stdout).toMatch(
        /probe\s+ansible\s+failed .*node pi-1: task "Break here" failed: boom on pi-1/,
      );
    });
  },
);
