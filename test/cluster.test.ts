// The test control plane itself: real API server and controllers, kwok nodes that run scheduled pods, and
// nothing left behind when it stops.
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { down, podLogLine, up } from "./cluster/cluster.mjs";
import { haveCluster, kubectl, type TestCluster } from "./cluster.js";
import { tempDir } from "./helpers.js";

const ready = haveCluster("test control plane (test/cluster.test.ts)");

/** Process ids whose command line names the folder (every process the control plane runs is given it). */
const processesUsing = (dir: string) =>
  spawnSync("pgrep", ["-f", dir], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);

describe.runIf(ready)("the test control plane", () => {
  // One control plane for the file, started in the first test and stopped (and checked gone) in the last.
  const dir = join(tempDir(), "cp");
  let c: TestCluster;
  afterAll(() => down({ dir }), 60_000); // also when a test failed half-way

  it("starts with Ready simulated nodes, schedules and runs a Deployment's pods", async () => {
    c = (await up({ dir, nodes: 3 })) as TestCluster;
    const nodes = JSON.parse(kubectl(c, ["get", "nodes", "-o", "json"]).stdout) as {
      items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
    };
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual([
      "kwok-node-0",
      "kwok-node-1",
      "kwok-node-2",
    ]);
    for (const n of nodes.items)
      expect(n.status.conditions.find((x) => x.type === "Ready")?.status).toBe("True");
    expect(kubectl(c, ["create", "deployment", "web", "--image=nginx:1.27.3", "--replicas=3"]).code).toBe(0);
    // The controller-manager makes the ReplicaSet and pods, the scheduler binds them, kwok runs them.
    const r = kubectl(c, ["wait", "--for=condition=Available", "deployment/web", "--timeout=60s"]);
    expect(r.stderr).toBe("");
    const pods = JSON.parse(kubectl(c, ["get", "pods", "-o", "json"]).stdout) as {
      items: { spec: { nodeName?: string }; status: { phase: string } }[];
    };
    expect(pods.items).toHaveLength(3);
    expect(
      pods.items.every((p) => p.status.phase === "Running" && p.spec.nodeName?.startsWith("kwok-node-")),
    ).toBe(true);
    // The API server's own validation: a typo'd field is refused, as kubectl apply would be.
    const bad = kubectl(
      c,
      ["create", "--dry-run=server", "-f", "-"],
      JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "bad" },
        spec: {
          replcias: 2,
          selector: { matchLabels: { a: "b" } },
          template: {
            metadata: { labels: { a: "b" } },
            spec: { containers: [{ name: "c", image: "x:1" }] },
          },
        },
      }),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown field "spec.replcias"/);
  }, 120_000);

  it("serves pod logs through the API server from kwok's kubelet API, and -f gets lines appended later", async () => {
    const pod = kubectl(c, [
      "get",
      "pods",
      "-l",
      "app=web",
      "-o",
      "jsonpath={.items[0].metadata.name}",
    ]).stdout;
    expect(pod).toMatch(/^web-/);
    appendFileSync(c.podLog, podLogLine("first line") + podLogLine("an error", "stderr"));
    const once = kubectl(c, ["logs", pod]);
    expect(once.stderr).toBe("");
    expect(once.stdout).toBe("first line\nan error\n");
    const follow = spawn("kubectl", ["--kubeconfig", c.kubeconfig, "logs", "-f", "--tail=1", pod]);
    let seen = "";
    follow.stdout.on("data", (d: Buffer) => (seen += d.toString()));
    try {
      await until(() => seen === "an error\n", 10_000);
      appendFileSync(c.podLog, podLogLine("appended while following"));
      await until(() => seen.includes("appended while following"), 10_000);
      expect(seen).toBe("an error\nappended while following\n");
    } finally {
      follow.kill();
    }
  }, 60_000);

  it("stops leaving nothing behind", async () => {
    expect(processesUsing(dir).length).toBeGreaterThanOrEqual(5);
    await down({ dir });
    expect(existsSync(dir)).toBe(false);
    expect(processesUsing(dir)).toEqual([]);
  }, 60_000);
});

/** Resolves when `test()` holds, polling; rejects after `ms`. */
async function until(test: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
