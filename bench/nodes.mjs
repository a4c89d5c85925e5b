// `npm run bench` (nodes): `slipway node add` + `remove` on a stack with 500 nodes (each ≤ 300 ms, the file
// unchanged apart from the entry), and base_os on 4 real test hosts with --forks 4 against 1 host.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostsUnavailable, sshArgs, startHosts } from "../test/hosts/harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "bin", "slipway.js");
const root = join(here, ".out", "nodes");
const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = (cwd, args) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t;
};

rmSync(root, { recursive: true, force: true });
mkdirSync(join(root, "stacks", "deploy"), { recursive: true });
writeFileSync(join(root, "slipway.yaml"), "stacks: {included_paths: ['deploy/*']}\n");
const ip = (i) => `10.${Math.floor(i / 250)}.${i % 250}.${10 + (i % 7)}`;
const nodes = Array.from(
  { length: 500 },
  (_, i) =>
    `          - {name: node-${i}, address: ${ip(i)}, role: ${i < 3 ? "server" : "agent"}, labels: {rack: r${i % 10}}}`,
);
const stack = `# 500 nodes.\ncomponents:\n  ansible:\n    k3s:\n      vars:\n        cluster: {version: v1.31.4+k3s1, token: {sops_file: t.enc.yaml}, api_endpoint: 10.0.0.10}\n        nodes:\n${nodes.join("\n")}\n`;
const file = join(root, "stacks", "deploy", "big.yaml");
writeFileSync(file, stack);
const adds = [];
const removes = [];
for (let k = 0; k < 5; k++) {
  adds.push(
    timed(root, ["node", "add", "extra", "-s", "deploy/big", "--address", "10.99.0.1", "--role", "agent"]),
  );
  removes.push(timed(root, ["node", "remove", "extra", "-s", "deploy/big"]));
}
const unchanged = readFileSync(file, "utf8") === stack;
const [a, r] = [med(adds), med(removes)];
console.log(`\nnodes: 500-node stack`);
console.log(`slipway node add     ${a.toFixed(0)} ms  ${a <= 300 ? "meets" : "MISSES"} ≤ 300 ms`);
console.log(`slipway node remove  ${r.toFixed(0)} ms  ${r <= 300 ? "meets" : "MISSES"} ≤ 300 ms`);
console.log(`file after add + remove is byte-identical to before: ${unchanged ? "yes" : "NO"}`);

const why =
  spawnSync("sh", ["-c", "command -v ansible-playbook"]).status === 0
    ? hostsUnavailable()
    : "no ansible-playbook";
if (why) {
  console.log(`base_os on test hosts: skipped (${why})`);
} else {
  const { hosts, key, stop } = await startHosts(4, { prefix: "b" });
  try {
    const repo = join(root, "fleet");
    mkdirSync(join(repo, "stacks", "deploy"), { recursive: true });
    writeFileSync(join(repo, "slipway.yaml"), "stacks: {included_paths: ['deploy/*']}\n");
    writeFileSync(
      join(repo, "stacks", "deploy", "fleet.yaml"),
      `components:\n  ansible:\n    k3s:\n      settings: {ansible: {playbook: prepare.yml}}\n      env: {ANSIBLE_PYTHON_INTERPRETER: /usr/bin/python3, ANSIBLE_SSH_ARGS: "${sshArgs}", K3S_TOKEN: bench}\n      vars:\n        slipway_container: true\n        base_os_update_cache: false\n        cluster: {version: v1.31.4+k3s1, token: {sops_file: t.enc.yaml}, api_endpoint: ${hosts[0].address}}\n        nodes:\n${hosts.map((h, i) => `          - {name: ${h.name}, address: ${h.address}, role: ${i ? "agent" : "server"}, ssh: {user: root, key: ${key}}}`).join("\n")}\n`,
    );
    // A first run converges every host, so both timed runs do the same (idempotent) work.
    timed(repo, ["ansible", "run", "k3s", "-s", "deploy/fleet", "--", "--forks", "4"]);
    const one = timed(repo, ["ansible", "run", "k3s", "-s", "deploy/fleet", "--limit", hosts[0].name]);
    const four = timed(repo, ["ansible", "run", "k3s", "-s", "deploy/fleet", "--", "--forks", "4"]);
    console.log(`base_os (prepare.yml), 1 host:             ${(one / 1000).toFixed(1)} s`);
    console.log(
      `base_os (prepare.yml), 4 hosts --forks 4:  ${(four / 1000).toFixed(1)} s  (${(four / one).toFixed(2)}× one host)`,
    );
  } finally {
    stop();
  }
}
