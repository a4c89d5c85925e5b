import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeWarnings, NodesVars, taintProblem } from "../src/components/ansible/k3s-vars.js";
import { formatError } from "../src/cli/output.js";
import { SlipwayError } from "../src/core/errors.js";
import { getConfig, setConfig } from "../src/nodes/config.js";
import { addPeers, discover } from "../src/nodes/discover.js";
import { peersOf } from "../src/nodes/tailscale.js";
import { addNode as addLibNode, openNodes, removeNode, type NewNode } from "../src/nodes/nodes.js";
import type { StackEngine } from "../src/stack/engine.js";
import { engineAt, fixture, hasTool, repoRoot, writeRepo } from "./helpers.js";
import { haveCluster, kubectl, useCluster } from "./cluster.js";
// @ts-expect-error plain ESM script without types
import { nodeManifests } from "./cluster/cluster.mjs";

const bin = join(repoRoot, "bin", "slipway.js");
const slipway = (cwd: string, args: string[], env: Record<string, string | undefined> = process.env) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env });

const CLUSTER = `        cluster:
          version: v1.31.4+k3s1
          token: {sops_file: secrets/token.enc.yaml}
          api_endpoint: 10.0.0.11
`;

const STACK = `# The lab cluster.
import:
  - catalog/base

components:
  ansible:
    k3s:
      vars:
${CLUSTER}        # Nodes, one per line.
        nodes:
          - {name: pi-1, address: 10.0.0.11, role: server}
          # the attic Pi
          - {name: pi-2, address: 10.0.0.12, role: agent, labels: {zone: attic}}
          - {name: pi-3, address: 10.0.0.13, role: agent}
      settings:
        owner: "me"   # keep this comment
`;

function lab(stack = STACK, catalog = "vars: {stage: lab}\n") {
  return writeRepo({
    "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
    "stacks/catalog/base.yaml": catalog,
    "stacks/deploy/lab.yaml": stack,
  });
}
const stackFile = (dir: string) => join(dir, "stacks/deploy/lab.yaml");
/** `slipway node add <name> -s deploy/lab --address <ip> --role <role> [more…]` in `dir`. */
const addNode = (dir: string, name: string, address: string, role: string, ...more: string[]) =>
  slipway(dir, ["node", "add", name, "-s", "deploy/lab", "--address", address, "--role", role, ...more]);

/**
 * A library call in `dir` as the CLI reports it: resolves to `{status, stderr}` with a SlipwayError printed
 * the way the CLI prints it (file:line:col relative to `dir`). Fast: no process, no bundle.
 */
async function call(dir: string, fn: (engine: StackEngine) => unknown) {
  try {
    await fn(engineAt(dir));
    return { status: 0, stderr: "" };
  } catch (e) {
    if (!(e instanceof SlipwayError)) throw e;
    return { status: 1, stderr: formatError(e, dir) };
  }
}
const add = (dir: string, node: NewNode, opts: { allowImported?: boolean } = {}) =>
  call(dir, (engine) => addLibNode(engine, "deploy/lab", node, opts));

describe("nodes schema (zod)", () => {
  const base = {
    cluster: { version: "v1.31.4+k3s1", token: { sops_file: "t.enc.yaml" }, api_endpoint: "10.0.0.1" },
  };
  const issues = (nodes: unknown[]) => {
    const r = NodesVars.safeParse({ ...base, nodes });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };
  it("accepts a valid cluster and fills defaults", () => {
    const r = NodesVars.parse({ ...base, nodes: [{ name: "pi-1", address: "10.0.0.1", role: "server" }] });
    expect(r.cluster.distribution).toBe("k3s");
    expect(r.nodes[0]!.labels).toEqual({});
  });
  it("rejects bad IPs, names, roles, taints and labels, naming the field", () => {
    expect(issues([{ name: "pi-1", address: "10.0.0.300", role: "server" }])).toEqual([
      "nodes.0.address: address must be an IPv4 or IPv6 address",
    ]);
    expect(issues([{ name: "Pi_1", address: "10.0.0.1", role: "server" }])[0]).toMatch(
      /nodes\.0\.name: node name must be an RFC 1123 label/,
    );
    expect(issues([{ name: "pi-1", address: "10.0.0.1", role: "master" }])[0]).toMatch(
      /nodes\.0\.role: Invalid option/,
    );
    expect(
      issues([{ name: "pi-1", address: "10.0.0.1", role: "server", taints: ["gpu=yes:Sometimes"] }]),
    ).toEqual([
      'nodes.0.taints.0: taint "gpu=yes:Sometimes": effect must be one of NoSchedule, PreferNoSchedule, NoExecute',
    ]);
    expect(
      issues([{ name: "pi-1", address: "10.0.0.1", role: "server", labels: { "bad key!": "x" } }])[0],
    ).toMatch(/nodes\.0\.labels\.bad key!: label key "bad key!"/);
  });
  it("rejects duplicate names and addresses naming the first entry, and a cluster without a server", () => {
    expect(
      issues([
        { name: "pi-1", address: "10.0.0.1", role: "server" },
        { name: "pi-1", address: "10.0.0.2", role: "agent" },
        { name: "pi-3", address: "10.0.0.2", role: "agent" },
      ]),
    ).toEqual([
      'nodes.1.name: node name "pi-1" is already used by nodes[0] (pi-1)',
      "nodes.2.address: address 10.0.0.2 is already used by nodes[1] (pi-1)",
    ]);
    expect(issues([{ name: "pi-1", address: "10.0.0.1", role: "agent" }])).toEqual([
      "nodes: at least one node must have role: server",
    ]);
  });
  it("taint syntax follows Kubernetes: key=value:Effect or key:Effect", () => {
    expect(taintProblem("nvidia.com/gpu=present:NoSchedule")).toBeUndefined();
    expect(taintProblem("dedicated:NoExecute")).toBeUndefined();
    expect(taintProblem("novalue")).toMatch(/must be key=value:Effect/);
  });
  it("warns about an even number of embedded-etcd servers", () => {
    const two = NodesVars.parse({
      ...base,
      nodes: [
        { name: "a", address: "10.0.0.1", role: "server" },
        { name: "b", address: "10.0.0.2", role: "server" },
      ],
    });
    expect(nodeWarnings(two)[0]).toMatch(/2 servers with embedded etcd/);
  });
});

describe("slipway node add / remove", () => {
  it("adds an entry in the list's own style and leaves every other byte of the file as it was", () => {
    const dir = lab();
    const r = addNode(
      dir,
      "pi-4",
      "10.0.0.14",
      "agent",
      "--label",
      "zone=garage",
      "--taint",
      "gpu=yes:NoSchedule",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("added node pi-4 (agent, 10.0.0.14) to stacks/deploy/lab.yaml");
    const after = readFileSync(stackFile(dir), "utf8");
    expect(after).toBe(
      STACK.replace(
        "          - {name: pi-3, address: 10.0.0.13, role: agent}\n",
        "          - {name: pi-3, address: 10.0.0.13, role: agent}\n          - {name: pi-4, address: 10.0.0.14, role: agent, labels: {zone: garage}, taints: [gpu=yes:NoSchedule]}\n",
      ),
    );
    const list = slipway(dir, ["node", "list", "-s", "deploy/lab", "--format", "json"]);
    expect(JSON.parse(list.stdout).map((n: { name: string }) => n.name)).toEqual([
      "pi-1",
      "pi-2",
      "pi-3",
      "pi-4",
    ]);
  });

  it("adds to a block-style list as a block entry", async () => {
    const block = STACK.replace(
      / {8}nodes:\n[\s\S]*? {6}settings:/,
      "        nodes:\n          - name: pi-1\n            address: 10.0.0.11\n            role: server\n      settings:",
    );
    const dir = lab(block);
    expect((await add(dir, { name: "pi-9", address: "10.0.0.19", role: "agent" })).status).toBe(0);
    expect(readFileSync(stackFile(dir), "utf8")).toBe(
      block.replace(
        "            role: server\n",
        "            role: server\n          - name: pi-9\n            address: 10.0.0.19\n            role: agent\n",
      ),
    );
  });

  it("removes an entry with its own comment line, nothing else", async () => {
    const dir = lab();
    const r = await call(dir, (engine) => removeNode(engine, "deploy/lab", "pi-2"));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(stackFile(dir), "utf8")).toBe(
      STACK.replace(
        "          # the attic Pi\n          - {name: pi-2, address: 10.0.0.12, role: agent, labels: {zone: attic}}\n",
        "",
      ),
    );
  });

  it("refuses duplicates and conflicts naming the existing entry, and invalid entries, writing nothing", async () => {
    const dir = lab();
    const agent = (name: string, address: string, more: Partial<NewNode> = {}) =>
      add(dir, { name, address, role: "agent", ...more });
    const dup = await agent("pi-2", "10.0.0.99");
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(
      /stacks\/deploy\/lab\.yaml:17: error: stacks\/deploy\/lab\.yaml already has a node named "pi-2"; nothing was written/,
    );
    const clash = await agent("pi-7", "10.0.0.13");
    expect(clash.stderr).toMatch(/already has node "pi-3" with address 10\.0\.0\.13/);
    const bad = await agent("pi-8", "10.0.0.256");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /error: node "pi-8" address: address must be an IPv4 or IPv6 address; nothing was written/,
    );
    const taint = await agent("pi-8", "10.0.0.18", { taints: ["x=y"] });
    expect(taint.stderr).toMatch(/taint "x=y" must be key=value:Effect/);
    const role = await add(dir, { name: "pi-8", address: "10.0.0.18", role: "boss" as NewNode["role"] });
    expect(role.stderr).toMatch(/node "pi-8" role: Invalid option/);
    expect(readFileSync(stackFile(dir), "utf8")).toBe(STACK);
    expect((await call(dir, (engine) => removeNode(engine, "deploy/lab", "pi-9"))).stderr).toMatch(
      /has no node "pi-9" \(nodes: pi-1, pi-2, pi-3\)/,
    );
  });

  it("an invalid entry already in the file is reported at its file:line:col", async () => {
    const dir = lab(STACK.replace("address: 10.0.0.13", "address: 10.0.0.1333"));
    const r = await call(dir, (engine) => openNodes(engine, "deploy/lab"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /stacks\/deploy\/lab\.yaml:18:\d+: error: vars\.nodes\.2\.address: address must be an IPv4 or IPv6 address/,
    );
  });

  it("nodes defined in an imported catalog: refused with the file and the stacks sharing it; --edit-imported edits it", async () => {
    const catalog = `components:\n  ansible:\n    k3s:\n      vars:\n${CLUSTER}        nodes:\n          - {name: pi-1, address: 10.0.0.11, role: server}\n`;
    const dir = lab("import:\n  - catalog/base\n", catalog);
    writeFileSync(join(dir, "stacks/deploy/lab2.yaml"), "import:\n  - catalog/base\nvars: {stage: two}\n");
    const pi2: NewNode = { name: "pi-2", address: "10.0.0.12", role: "agent" };
    const r = await add(dir, pi2);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /the nodes of stack "deploy\/lab" are defined in stacks\/catalog\/base\.yaml, an imported file shared by stacks deploy\/lab, deploy\/lab2/,
    );
    expect(r.stderr).toMatch(/hint: move vars\.nodes into the stack's own manifest, or pass --edit-imported/);
    // The CLI's flag for it, end to end.
    expect(addNode(dir, "pi-2", "10.0.0.12", "agent").stderr).toContain("--edit-imported");
    expect(readFileSync(join(dir, "stacks/catalog/base.yaml"), "utf8")).toBe(catalog);
    const ok = await add(dir, pi2, { allowImported: true });
    expect(ok.status, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, "stacks/catalog/base.yaml"), "utf8")).toContain(
      "- {name: pi-2, address: 10.0.0.12, role: agent}",
    );
  });

  it("two writers at once: the second waits on the lock, both entries land", async () => {
    const dir = lab();
    const add = (name: string, ip: string) =>
      new Promise<number>((resolve) => {
        const p = spawn(
          process.execPath,
          [bin, "node", "add", name, "-s", "deploy/lab", "--address", ip, "--role", "agent"],
          { cwd: dir },
        );
        p.on("close", (code) => resolve(code ?? 1));
      });
    const codes = await Promise.all([
      add("pi-5", "10.0.0.15"),
      add("pi-6", "10.0.0.16"),
      add("pi-7", "10.0.0.17"),
    ]);
    expect(codes).toEqual([0, 0, 0]);
    const text = readFileSync(stackFile(dir), "utf8");
    for (const n of ["pi-5", "pi-6", "pi-7"]) expect(text).toContain(`{name: ${n},`);
    expect(existsSync(stackFile(dir) + ".lock")).toBe(false);
  });
});

describe("slipway config get / set", () => {
  it("reads cluster keys and node keys by scope", () => {
    const dir = lab();
    expect(getConfig(engineAt(dir), "deploy/lab", "cluster.version")).toBe("v1.31.4+k3s1");
    expect(getConfig(engineAt(dir), "deploy/lab", "labels.zone", { scope: "agents" })).toEqual({
      "pi-2": "attic",
      "pi-3": null,
    });
    // End to end, as data.
    expect(
      JSON.parse(
        slipway(dir, ["config", "get", "cluster.version", "-s", "deploy/lab", "--format", "json"]).stdout,
      ),
    ).toBe("v1.31.4+k3s1");
  });

  it("sets a value where it is defined, keeping comments; a value the schema rejects writes nothing", async () => {
    const dir = lab();
    const r = slipway(dir, ["config", "set", "cluster.version", "v1.32.0+k3s1", "-s", "deploy/lab"]);
    expect(r.status, r.stderr).toBe(0);
    let text = readFileSync(stackFile(dir), "utf8");
    expect(text).toContain("version: v1.32.0+k3s1");
    // Bytes outside the changed line stay as they were, spacing before a comment included.
    expect(text).toContain('owner: "me"   # keep this comment');
    expect(text).toContain("# the attic Pi");
    const zone = await setConfig(engineAt(dir), "deploy/lab", "labels.zone", "loft", { scope: "pi-3" });
    expect(zone.files).toEqual([stackFile(dir)]);
    text = readFileSync(stackFile(dir), "utf8");
    const bad = await call(dir, (engine) => setConfig(engine, "deploy/lab", "cluster.cni", "weave"));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/vars\.cluster\.cni: Invalid option.*nothing was written/);
    expect(readFileSync(stackFile(dir), "utf8")).toBe(text);
    expect(getConfig(engineAt(dir), "deploy/lab", "labels", { scope: "pi-3" })).toEqual({
      "pi-3": { zone: "loft" },
    });
  });
});

describe("node remove refuses what would take the cluster down, unless --force", () => {
  const three = STACK.replace(
    "          - {name: pi-3, address: 10.0.0.13, role: agent}\n",
    "          - {name: pi-3, address: 10.0.0.13, role: agent}\n          - {name: pi-4, address: 10.0.0.14, role: server}\n          - {name: pi-5, address: 10.0.0.15, role: server}\n",
  );
  it("the API endpoint and the last server", () => {
    const dir = lab();
    const before = readFileSync(stackFile(dir), "utf8");
    const r = slipway(dir, ["node", "remove", "pi-1", "-s", "deploy/lab", "--apply"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('removing node "pi-1" from stack "deploy/lab" could take the cluster down');
    expect(r.stderr).toContain("it is the cluster's API endpoint (cluster.api_endpoint 10.0.0.11)");
    expect(r.stderr).toContain("it is the last server: no control plane would be left");
    expect(r.stderr).toContain("hint: pass --force to remove it anyway");
    // Refused before the playbook ran and before the edit.
    expect(r.stderr).not.toContain("remove_node.yml");
    expect(readFileSync(stackFile(dir), "utf8")).toBe(before);
    // --force passes these checks, never the schema: a cluster with no server is still refused.
    const forced = slipway(dir, ["node", "remove", "pi-1", "-s", "deploy/lab", "--force"]);
    expect(forced.status).toBe(1);
    expect(forced.stderr).toContain("at least one node must have role: server; nothing was written");
    expect(readFileSync(stackFile(dir), "utf8")).toBe(before);
  });

  it("the first server, and a server etcd quorum needs; an agent goes without a question", async () => {
    const dir = lab(three.replace("api_endpoint: 10.0.0.11", "api_endpoint: k3s.lab"));
    const first = await call(dir, (engine) => removeNode(engine, "deploy/lab", "pi-1"));
    expect(first.stderr).toContain("it is the first server, which the others joined");
    const quorum = await call(dir, (engine) => removeNode(engine, "deploy/lab", "pi-5"));
    expect(quorum.stderr).toContain(
      "it leaves 2 server(s): embedded etcd then needs every member for quorum",
    );
    expect(quorum.stderr).not.toContain("first server");
    expect((await call(dir, (engine) => removeNode(engine, "deploy/lab", "pi-3"))).status).toBe(0);
    expect(
      (await call(dir, (engine) => removeNode(engine, "deploy/lab", "pi-5", { force: true }))).status,
    ).toBe(0);
  });
});

describe("config set stays in its stack, with a minimal diff", () => {
  /** Two stacks sharing a catalog that sets the version through a template and the CNI literally. */
  function twoStacks() {
    const catalog = `# Shared by dev and prod.
vars:
  k3s_version: v1.31.4+k3s1
components:
  ansible:
    k3s:
      vars:
        cluster:
          version: "{{ .vars.k3s_version }}"
          cni: flannel
          token: {sops_file: secrets/token.enc.yaml}
`;
    const stack = (name: string, ip: string) => `# The ${name} cluster.
import:
  - catalog/k3s
vars:
  stage: ${name}
components:
  ansible:
    k3s:
      vars:
        cluster:
          api_endpoint: ${ip}
        nodes:
          - {name: ${name}-1, address: ${ip}, role: server, ssh: {user: pi}, host_vars: {authorized: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyThatIsLongEnoughToBeWrappedByAReflowingWriter ops@${name}"}}
          - {name: ${name}-2, address: ${ip.replace(/1$/, "2")}, role: agent}
`;
    return writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*'], name_pattern: '{stage}'}\n",
      "stacks/catalog/k3s.yaml": catalog,
      "stacks/deploy/dev.yaml": stack("dev", "10.0.1.1"),
      "stacks/deploy/prod.yaml": stack("prod", "10.0.2.1"),
    });
  }
  const read = (dir: string, rel: string) => readFileSync(join(dir, rel), "utf8");
  /** The lines of `after` that are not in `before`, and the other way round: a line diff. */
  const changedLines = (before: string, after: string) => {
    const a = before.split("\n");
    const b = after.split("\n");
    return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
  };

  it("a value from a shared catalog is overridden in the stack's own manifest; the other stack and the catalog keep theirs", () => {
    const dir = twoStacks();
    const [catalog, prodBefore] = [
      read(dir, "stacks/catalog/k3s.yaml"),
      read(dir, "stacks/deploy/prod.yaml"),
    ];
    const r = slipway(dir, ["config", "set", "cluster.cni", "cilium", "-s", "prod"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('set cluster.cni = "cilium" in stacks/deploy/prod.yaml');
    expect(read(dir, "stacks/catalog/k3s.yaml")).toBe(catalog);
    expect(changedLines(prodBefore, read(dir, "stacks/deploy/prod.yaml"))).toEqual({
      removed: [],
      added: ["          cni: cilium"],
    });
    expect(getConfig(engineAt(dir), "prod", "cluster.cni")).toBe("cilium");
    expect(getConfig(engineAt(dir), "dev", "cluster.cni")).toBe("flannel");
    // The next set edits that override in place: one line changes.
    const again = read(dir, "stacks/deploy/prod.yaml");
    expect(slipway(dir, ["config", "set", "cluster.cni", "calico", "-s", "prod"]).status).toBe(0);
    expect(changedLines(again, read(dir, "stacks/deploy/prod.yaml"))).toEqual({
      removed: ["          cni: cilium"],
      added: ["          cni: calico"],
    });
  });

  it("a one-label change touches one line: the long ssh key is not wrapped, nothing reflows", () => {
    const dir = twoStacks();
    const before = read(dir, "stacks/deploy/dev.yaml");
    const r = slipway(dir, ["config", "set", "labels.zone", "attic", "--scope", "dev-1", "-s", "dev"]);
    expect(r.status, r.stderr).toBe(0);
    const { removed, added } = changedLines(before, read(dir, "stacks/deploy/dev.yaml"));
    expect(removed).toHaveLength(1);
    expect(added).toEqual([removed[0]!.replace(/\}$/, ", labels: {zone: attic}}")]);
  });

  it("a template is replaced only with --force; --in writes a shared file deliberately and says which stacks changed", () => {
    const dir = twoStacks();
    const catalog = read(dir, "stacks/catalog/k3s.yaml");
    const refused = slipway(dir, [
      "config",
      "set",
      "cluster.version",
      "v1.32.0+k3s1",
      "-s",
      "prod",
      "--in",
      "stacks/catalog/k3s.yaml",
    ]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'vars.cluster.version is the template "{{ .vars.k3s_version }}" in stacks/catalog/k3s.yaml; setting it replaces the template with a literal',
    );
    expect(read(dir, "stacks/catalog/k3s.yaml")).toBe(catalog);
    // An override in the stack's own manifest would split the version from what the template reads.
    const shadow = slipway(dir, ["config", "set", "cluster.version", "v1.33.0+k3s1", "-s", "dev"]);
    expect(shadow.status).toBe(1);
    expect(shadow.stderr).toContain(
      "setting it overrides the template for this stack alone, while what it reads (vars.k3s_version) stays as it is",
    );
    expect(shadow.stderr).toContain("hint: set vars.k3s_version in the stack instead");
    const forced = slipway(dir, [
      "config",
      "set",
      "cluster.version",
      "v1.32.0+k3s1",
      "-s",
      "prod",
      "--in",
      "stacks/catalog/k3s.yaml",
      "--force",
    ]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toContain("note: this changed stacks dev too");
    expect(changedLines(catalog, read(dir, "stacks/catalog/k3s.yaml"))).toEqual({
      removed: ['          version: "{{ .vars.k3s_version }}"'],
      added: ['          version: "v1.32.0+k3s1"'],
    });
    // Without --in, the override goes to the stack's own manifest and leaves the template alone.
    const own = slipway(dir, ["config", "set", "cluster.version", "v1.33.0+k3s1", "-s", "dev"]);
    expect(own.status, own.stderr).toBe(0);
    expect(getConfig(engineAt(dir), "dev", "cluster.version")).toBe("v1.33.0+k3s1");
    expect(getConfig(engineAt(dir), "prod", "cluster.version")).toBe("v1.32.0+k3s1");
  });

  it("a value only a shared file decides (its overrides section) is refused, naming the file and the stacks", () => {
    const dir = twoStacks();
    writeFileSync(
      join(dir, "stacks/catalog/k3s.yaml"),
      read(dir, "stacks/catalog/k3s.yaml") + "overrides:\n  vars:\n    cluster:\n      cni: flannel\n",
    );
    const prod = read(dir, "stacks/deploy/prod.yaml");
    const r = slipway(dir, ["config", "set", "cluster.cni", "cilium", "-s", "prod"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /vars\.cluster\.cni of stack "prod" is decided in stacks\/catalog\/k3s\.yaml \(shared by stacks (dev, prod|prod, dev)\).*nothing was written/,
    );
    expect(r.stderr).toContain("--in stacks/catalog/k3s.yaml");
    expect(read(dir, "stacks/deploy/prod.yaml")).toBe(prod);
  });

  it("config get of an unknown key is an error with the closest key, not null", () => {
    const dir = twoStacks();
    const r = slipway(dir, ["config", "get", "cluster.verison", "-s", "prod"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: unknown key cluster.verison (did you mean cluster.version?)");
    const node = slipway(dir, ["config", "get", "lables", "--scope", "all", "-s", "prod"]);
    expect(node.status).toBe(2);
    expect(node.stderr).toContain("(did you mean labels?)");
    // A known key that is not set is null; a free-form map takes any key.
    expect(getConfig(engineAt(dir), "prod", "cluster.airgap_dir")).toBeNull();
    expect(getConfig(engineAt(dir), "prod", "labels.anything", { scope: "prod-1" })).toEqual({
      "prod-1": null,
    });
  });
});

describe("slipway discover (test double: a `tailscale` script printing recorded-shape status JSON)", () => {
  function fakeTailscale(json: string) {
    const binDir = writeRepo({});
    // TEST DOUBLE: tailscale is not installed here; this prints a fixture in ipnstate.Status's shape.
    writeFileSync(join(binDir, "tailscale"), `#!/bin/sh\ncat '${json}'\n`);
    chmodSync(join(binDir, "tailscale"), 0o755);
    return { ...process.env, PATH: `${binDir}:${process.env.PATH}` };
  }
  it("lists peers with IPs, OS, online and tags, filtered, and marks the cluster's nodes", () => {
    const dir = lab(STACK.replace("address: 10.0.0.12", "address: 10.0.0.12, tailscale_ip: 100.101.7.22"));
    const env = fakeTailscale(fixture("tailscale", "status.json"));
    const r = slipway(dir, ["discover", "--online", "--tag", "k3s", "-s", "deploy/lab"], env);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^HOSTNAME\s+TAILSCALE IPS\s+OS\s+ONLINE\s+TAGS\s+IN CLUSTER$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(["pi-1", "pi-2", "workstation-gpu"]);
    expect(r.stdout).toMatch(/pi-1 .* yes \(pi-1\)/);
    expect(r.stdout).toMatch(/pi-2 .* yes \(pi-2\)/);
    expect(r.stdout).toMatch(/workstation-gpu .*tag:k3s,tag:gpu\s+no/);
    const json = JSON.parse(slipway(dir, ["discover", "--os", "macOS", "--format", "json"], env).stdout);
    expect(json).toEqual([
      {
        name: "laptop",
        hostname: "laptop",
        dns_name: "laptop.tail4c2e1.ts.net",
        ips: ["100.101.7.50", "fd7a:115c:a1e0::a101:732"],
        os: "macOS",
        online: true,
        tags: [],
        in_cluster: null,
      },
    ]);
  });
  it("--add adds the peers not yet in the cluster (library call)", async () => {
    const dir = lab();
    const peers = discover(
      peersOf(readFileSync(fixture("tailscale", "status.json"), "utf8")),
      { online: true, tag: "gpu" },
      engineAt(dir),
      "deploy/lab",
    );
    expect(peers.map((p) => [p.name, p.in_cluster])).toEqual([["workstation-gpu", null]]);
    expect(await addPeers(() => engineAt(dir), "deploy/lab", peers, "agent")).toEqual(["workstation-gpu"]);
    expect(readFileSync(stackFile(dir), "utf8")).toContain(
      "- {name: workstation-gpu, address: 100.101.7.30, role: agent, tailscale_ip: 100.101.7.30}",
    );
    // A second time, it is in the cluster: nothing to add.
    const again = discover(
      peersOf(readFileSync(fixture("tailscale", "status.json"), "utf8")),
      { tag: "gpu" },
      engineAt(dir),
      "deploy/lab",
    );
    expect(await addPeers(() => engineAt(dir), "deploy/lab", again, "agent")).toEqual([]);
  });
  it("logged out, or not installed: a clear error", () => {
    const dir = lab();
    const out = slipway(dir, ["discover"], fakeTailscale(fixture("tailscale", "status-logged-out.json")));
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(
      /tailscale is not connected \(BackendState NeedsLogin\)\n\s+hint: log in with `tailscale up`/,
    );
    const none = slipway(dir, ["discover"], { ...process.env, PATH: "/nonexistent" });
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(
      /tailscale is not on PATH; discover \(it lists the tailnet's peers\) needs it/,
    );
  });
});

describe.runIf(
  hasTool("ansible-playbook") &&
    haveCluster("node rebuild against the test control plane (test/nodes.test.ts)"),
)("slipway node rebuild (real ansible-playbook, real kubectl against the test control plane)", () => {
  const cluster = useCluster({ nodes: 0 });
  it("times the rebuild play until Ready, compares with the target and writes the drill report", () => {
    const dir = lab(
      STACK.replace(
        "{name: pi-3, address: 10.0.0.13, role: agent}",
        "{name: pi-3, address: 127.0.0.1, role: agent, connection: local}",
      ),
    );
    mkdirSync(join(dir, "components/ansible/k3s"), { recursive: true });
    // The repository's own k3s folder wins over the shipped playbooks: a rebuild play that only records its host.
    writeFileSync(
      join(dir, "components/ansible/k3s/rebuild_node.yml"),
      '- name: Rebuild\n  hosts: all\n  gather_facts: false\n  tasks:\n    - name: Record\n      ansible.builtin.copy:\n        dest: "{{ playbook_dir }}/rebuilt-{{ inventory_hostname }}"\n        content: done\n        mode: "0644"\n',
    );
    // The node comes back as a kwok node; slipway waits through the context the stack names (deploy-lab).
    expect(
      kubectl(cluster, ["create", "-f", "-"], nodeManifests(1, "pi").replace(/"pi-0"/g, '"pi-3"')).code,
    ).toBe(0);
    const kubeconfig = join(writeRepo({}), "kubeconfig");
    writeFileSync(
      kubeconfig,
      readFileSync(cluster.kubeconfig, "utf8").replace(/slipway-test/g, "deploy-lab"),
    );
    const env = {
      ...process.env,
      KUBECONFIG: kubeconfig,
      ANSIBLE_PYTHON_INTERPRETER: "auto_silent",
      K3S_TOKEN: "unused",
    };
    const r = slipway(dir, ["node", "rebuild", "pi-3", "-s", "deploy/lab", "--target", "5m"], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^pi-3: Ready after \d+\.\d min; target 5\.0 min met; report docs\/governance\/reviews\/\d{4}-\d\d-\d\d-rebuild-pi-3\.md/m,
    );
    expect(existsSync(join(dir, "components/ansible/k3s/rebuilt-pi-3"))).toBe(true);
    expect(existsSync(join(dir, "components/ansible/k3s/rebuilt-pi-1"))).toBe(false);
    const report = readFileSync(join(dir, r.stdout.match(/report (\S+)/)![1]!), "utf8");
    expect(report).toMatch(/# Rebuild drill: pi-3 \(deploy\/lab\)/);
    expect(report).toMatch(/target 5\.0 min: met/);
    expect(report).toMatch(/- pi-3: ok=1 changed=1/);
  });
});

describe.runIf(hasTool("ansible-playbook"))(
  "apply -s on the k3s component (real ansible-playbook on PATH)",
  () => {
    it("needs the join token from its SOPS file before anything runs, and says which file is missing", () => {
      const dir = lab();
      const r = slipway(dir, ["apply", "-s", "deploy/lab"]);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(
        /k3s\s+ansible\s+failed .*the k3s token file secrets\/token\.enc\.yaml does not exist/,
      );
      expect(existsSync(join(dir, ".slipway/ansible/deploy-lab-k3s/events.jsonl"))).toBe(false);
    });
  },
);
