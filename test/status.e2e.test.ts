// `slipway status` end to end: the BUILT CLI (bin/slipway.js) against the real test control plane, on the
// stack fixture test/fixtures/status (deploy/healthy declares exactly the cluster's nodes; deploy/lab declares
// one node the cluster lacks, one the test makes NotReady, and not the cluster's pi-3). Exit codes 0/3/1/2.
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusReport } from "../src/kube/status.js";
import { haveCluster, kubectl, useCluster } from "./cluster.js";
import { fixture, repoRoot, tempDir } from "./helpers.js";

const what = "slipway status against the test control plane (test/status.e2e.test.ts)";
const bin = join(repoRoot, "bin", "slipway.js");
const repo = fixture("status");

/** A simulated (kwok) node with the addresses and k3s version slipway's roles would make it report. */
const kwokNode = (name: string) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: {
    name,
    annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    labels: { "kubernetes.io/hostname": name },
  },
  status: {
    allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
    capacity: { cpu: "4", memory: "8Gi", pods: "110" },
    nodeInfo: { kubeletVersion: "v1.33.1+k3s1" },
  },
});
const addresses = (name: string, ip: string) =>
  JSON.stringify({
    status: {
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "Hostname", address: name },
      ],
    },
  });

describe.runIf(haveCluster(what))(what, () => {
  const cluster = useCluster({ nodes: 0 });
  const status = (stack: string, ...more: string[]) => {
    const r = spawnSync(
      process.execPath,
      [
        bin,
        "status",
        "-s",
        stack,
        "--config",
        repo,
        "--kubeconfig",
        cluster.kubeconfig,
        "--context",
        "slipway-test",
        ...more,
      ],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const json = (stack: string) => {
    const r = status(stack, "--format", "json");
    return { ...r, report: JSON.parse(r.stdout) as StatusReport };
  };
  const categories = (r: StatusReport) => r.findings.map((f) => `${f.category} ${f.object}`);

  beforeAll(() => {
    const nodes = [
      ["pi-1", "10.0.0.11"],
      ["pi-2", "10.0.0.12"],
      ["pi-3", "10.0.0.13"],
    ] as const;
    const list = JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: nodes.map(([n]) => kwokNode(n)),
    });
    expect(kubectl(cluster, ["create", "--validate=false", "-f", "-"], list).code).toBe(0);
    // kwok's first status write drops addresses given at create; set them once it has made the node Ready.
    expect(kubectl(cluster, ["wait", "--for=condition=Ready", "node", "--all", "--timeout=60s"]).code).toBe(
      0,
    );
    for (const [n, ip] of nodes)
      expect(
        kubectl(cluster, ["patch", "node", n, "--subresource=status", "--type=merge", "-p", addresses(n, ip)])
          .code,
      ).toBe(0);
  }, 90_000);

  it("a cluster that matches the stack is healthy: exit 0", () => {
    const r = json("deploy/healthy");
    expect(r.stderr).not.toMatch(/error/);
    expect(r.report.verdict).toBe("healthy");
    expect(r.code).toBe(0);
    expect(
      r.report.nodes.map((n) => [n.name, n.declared, n.present, n.internalIP, n.kubeletVersion]),
    ).toEqual([
      ["pi-1", true, true, "10.0.0.11", "v1.33.1+k3s1"],
      ["pi-2", true, true, "10.0.0.12", "v1.33.1+k3s1"],
      ["pi-3", true, true, "10.0.0.13", "v1.33.1+k3s1"],
    ]);
    // No Flux or Argo CD here: said, not skipped silently.
    expect(r.report.notInstalled).toContain("kustomizations.kustomize.toolkit.fluxcd.io");
    expect(r.report.context).toBe("slipway-test");
  });

  it("text output: the nodes table, aligned, no colour without a terminal", () => {
    const r = status("deploy/healthy");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verdict: healthy/m);
    expect(r.stdout).not.toContain("\u001b[");
    const rows = r.stdout.split("\n").filter((l) => /^(NAME|pi-\d)\s/.test(l));
    expect(rows).toHaveLength(4);
    const col = (l: string) => l.indexOf(l.startsWith("NAME") ? "VERSION" : "v1.33.1+k3s1");
    expect(new Set(rows.map(col)).size).toBe(1);
  });

  it("declared but absent, present but undeclared, NotReady, Tailscale: exit 3", () => {
    // A node no kubelet runs, reporting NotReady (the node lifecycle controller turns it Unknown later: still not Ready).
    const down = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "pi-down", labels: { "kubernetes.io/hostname": "pi-down" } },
      status: {
        conditions: [
          {
            type: "Ready",
            status: "False",
            reason: "KubeletNotReady",
            message: "container runtime network not ready",
            lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          },
        ],
      },
    };
    expect(kubectl(cluster, ["create", "--validate=false", "-f", "-"], JSON.stringify(down)).code).toBe(0);
    const r = json("deploy/lab");
    expect(r.code).toBe(3);
    expect(r.report.verdict).toBe("degraded");
    expect(categories(r.report)).toEqual(
      expect.arrayContaining([
        "node-missing Node pi-absent",
        "node-undeclared Node pi-3",
        "node-not-ready Node pi-down",
        "tailscale-drift Node pi-down",
      ]),
    );
    expect(categories(r.report).filter((c) => /pi-1|pi-2/.test(c))).toEqual([]);
    const text = status("deploy/lab");
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(
      /^✗ Node pi-absent: declared in the stack \(agent, 192\.168\.10\.40\) but not in the cluster$/m,
    );
  });

  it("--watch redraws on a change the API server's watch delivers, and exits with the last verdict", async () => {
    const child = spawn(
      process.execPath,
      [
        bin,
        "status",
        "-s",
        "deploy/lab",
        "--config",
        repo,
        "--kubeconfig",
        cluster.kubeconfig,
        "--context",
        "slipway-test",
        "--watch",
        "--format",
        "json",
      ],
      { env: { ...process.env, NO_COLOR: "1" } },
    );
    const reports: StatusReport[] = [];
    let buffer = "";
    const seen = (test: (r: StatusReport) => boolean) =>
      new Promise<void>((done, fail) => {
        const check = () => reports.some(test) && done();
        const t = setTimeout(() => fail(new Error(`no such report in ${reports.length}`)), 20_000);
        child.stdout.on("data", (d: Buffer) => {
          buffer += d;
          const lines = buffer.split("\n");
          buffer = lines.pop()!;
          for (const l of lines) reports.push(JSON.parse(l) as StatusReport);
          if (reports.some(test)) clearTimeout(t);
          check();
        });
        check();
      });
    const cordoned = (r: StatusReport) => r.nodes.find((n) => n.name === "pi-2")?.cordoned === true;
    await seen((r) => r.nodes.length > 0);
    expect(reports.some(cordoned)).toBe(false);
    expect(kubectl(cluster, ["cordon", "pi-2"]).code).toBe(0);
    await seen(cordoned);
    const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    child.kill("SIGINT");
    expect(await exit).toBe(3);
    expect(categories(reports.at(-1)!)).toContain("node-cordoned Node pi-2");
  }, 40_000);

  it("an unreachable API server: exit 1, naming the context and server, no stack trace", async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const kubeconfig = join(tempDir(), "closed.kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: closed, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
        "users: [{name: u, user: {token: t}}]",
        "contexts: [{name: closed, context: {cluster: closed, user: u}}]",
        "current-context: closed",
        "",
      ].join("\n"),
    );
    const r = spawnSync(
      process.execPath,
      [
        bin,
        "status",
        "-s",
        "deploy/lab",
        "--config",
        repo,
        "--kubeconfig",
        kubeconfig,
        "--context",
        "closed",
      ],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/closed/);
    expect(r.stderr).toContain(`127.0.0.1:${port}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe("");
  });

  it("usage errors exit 2", () => {
    const r = spawnSync(process.execPath, [bin, "status", "--config", repo], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing -s <stack>/);
    expect(status("deploy/lab", "--events", "many").code).toBe(2);
  });
});
