// The test control plane itself: real API server and controllers, kwok nodes that run scheduled pods, and
// nothing left behind when it stops.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { down, up } from "./cluster/cluster.mjs";
import { haveCluster, kubectl, type TestCluster } from "./cluster.js";
import { tempDir } from "./helpers.js";

const ready = haveCluster("test control plane (test/cluster.test.ts)");

/** Process ids whose command line names the folder (every process the control plane runs is given it). */
const processesUsing = (dir: string) =>
  spawnSync("pgrep", ["-f", dir], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);

describe.runIf(ready)("the test control plane", () => {
  it("starts with Ready simulated nodes, schedules and runs a Deployment's pods, and stops leaving nothing", async () => {
    const dir = join(tempDir(), "cp");
    const c = (await up({ dir, nodes: 3 })) as TestCluster;
    try {
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
      expect(kubectl(c, ["create", "deployment", "web", "--image=nginx:1.27.3", "--replicas=3"]).code).toBe(
        0,
      );
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
      expect(processesUsing(dir).length).toBeGreaterThanOrEqual(5);
    } finally {
      await down({ dir });
    }
    expect(existsSync(dir)).toBe(false);
    expect(processesUsing(dir)).toEqual([]);
  }, 120_000);
});
