// `validate manifests --server` against the test control plane (the real kube-apiserver, not a double): what the
// server refuses is an error at the object's file and line, nothing is persisted, namespaces the tree creates
// and APIs the cluster lacks are counted as not judged, and a wrong context or a dead server is a clear error.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validateManifests } from "../src/manifests/validate.js";
import { haveCluster, kubectl, useCluster } from "./cluster.js";
import { fixture, repoRoot, tempDir } from "./helpers.js";

const ready = haveCluster("validate manifests --server (test/manifests-server.test.ts)");
const bin = join(repoRoot, "bin", "slipway.js");

describe.runIf(ready)("validate manifests --server: a server-side dry run on a real API server", () => {
  const cluster = useCluster({ nodes: 1 });
  const env = () => ({ ...process.env, KUBECONFIG: cluster.kubeconfig });
  beforeAll(() => {
    // Test setup, not slipway: the namespace the planted faults live in.
    expect(kubectl(cluster, ["create", "namespace", "faults"]).code).toBe(0);
  });

  it("every object the server refuses is an error at its file and line, with the server's message", async () => {
    const r = await validateManifests(["."], {
      cwd: fixture("manifests-faults"),
      build: false,
      server: { env: env() },
    });
    const server = r.findings.filter((f) => f.rule === "server-dry-run");
    expect(server.map((f) => `${f.file}:${f.line} ${f.object?.kind}/${f.object?.name}`)).toEqual([
      "apps/schema.yaml:8 Deployment/typo",
      "apps/schema.yaml:21 Ingress/old",
      "apps/schema.yaml:32 Deploymnet/misspelt",
      "apps/schema.yaml:46 Service/enum",
      "apps/workloads.yaml:12 Deployment/web",
      "apps/workloads.yaml:33 StatefulSet/db",
    ]);
    expect(server.every((f) => f.severity === "error")).toBe(true);
    expect(server[0]!.message).toMatch(/context slipway-test.*unknown field "spec.replcias"/);
    expect(server[4]!.message).toMatch(/`selector` does not match template `labels`/);
    expect(r.server).toMatchObject({
      context: "slipway-test",
      server: cluster.server,
      sent: 14,
      rejected: 6,
    });
    // Flux's and Gateway API's CRDs are not installed here: those objects are counted, not passed.
    expect(r.server!.skipped.map((s) => `${s.count} ${s.reason}`).sort()).toEqual([
      "1 gateway.networking.k8s.io/v1 is not served by the cluster (its CRD is not installed)",
      "1 helm.toolkit.fluxcd.io/v2 is not served by the cluster (its CRD is not installed)",
      "2 kustomize.toolkit.fluxcd.io/v1 is not served by the cluster (its CRD is not installed)",
    ]);
    // A dry run: nothing of the tree is on the cluster afterwards.
    const left = kubectl(cluster, [
      "get",
      "deployments,services,secrets,ingresses",
      "-n",
      "faults",
      "-o",
      "name",
    ]);
    expect(
      left.stdout.split("\n").filter((l) => /deployment|service\/(web|enum)|secret\/plain|ingress/.test(l)),
    ).toEqual([]);
  }, 120_000);

  it("namespaces: one the tree creates is counted as not judged; one nobody creates is its own finding", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "ns.yaml"),
      [
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fresh\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: in-fresh\n  namespace: fresh\ndata: { a: b }\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: in-ghost\n  namespace: ghost\ndata: { a: b }\n",
        // generateName: only `create` takes it.
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\n  namespace: faults\ndata: { a: 1 }\n",
      ].join("---\n"),
    );
    const r = await validateManifests(["ns.yaml"], { cwd: dir, build: false, server: { env: env() } });
    expect(r.findings.filter((f) => f.rule === "server-dry-run").map((f) => [f.line, f.message])).toEqual([
      [
        13,
        expect.stringMatching(
          /namespace ghost does not exist on the cluster .* nothing in this tree creates it/,
        ),
      ],
      [20, expect.stringMatching(/data\.a: Invalid value|cannot unmarshal number/)],
    ]);
    expect(r.server!.skipped).toEqual([
      {
        reason: "namespace fresh does not exist on the cluster yet (this tree creates it; a dry run cannot)",
        count: 1,
      },
    ]);
    expect(kubectl(cluster, ["get", "namespace", "fresh"]).code).not.toBe(0);
  }, 60_000);

  it("an unknown context and an unreachable server are clear errors naming them; the CLI exits non-zero", () => {
    const bad = join(tempDir(), "kubeconfig");
    const text = spawnSync("cat", [cluster.kubeconfig], { encoding: "utf8" }).stdout;
    writeFileSync(bad, text.replace(cluster.server, "https://127.0.0.1:1"));
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [["--context", "nope"], env(), /no context nope in the kubeconfig .*\n.*contexts: slipway-test/],
      [
        [],
        { ...process.env, KUBECONFIG: bad },
        /cannot reach the API server https:\/\/127\.0\.0\.1:1 of context slipway-test/,
      ],
    ];
    for (const [flags, e, message] of cases) {
      const r = spawnSync(
        process.execPath,
        [bin, "validate", "manifests", "--server", ...flags, "--no-build", "."],
        {
          cwd: fixture("manifests-faults"),
          env: e,
          encoding: "utf8",
        },
      );
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  }, 60_000);
});
