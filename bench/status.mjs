// `node bench/status.mjs` (run alone; not in run-all): `slipway status` at the scale on the test
// control plane — 100 kwok nodes, 5,000 pods (bound to the nodes, run by kwok), 10,000 events (half Warning)
// — against a stack declaring the 100 nodes. Target: ≤ 1.0 s wall time per run (k9s: 7 s to start at 1k pods,
// k9s#663). Prints the median and worst of BENCH_RUNS (5) runs, the load, and where the time goes (open, list,
// build, in-process); asserts nothing. Needs the peers and a build (`npx tsc`: it imports dist/).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openCluster } from "../dist/kube/cluster.js";
import { buildStatus, watchStatus } from "../dist/kube/status.js";
import { down, missingBinaries, up } from "../test/cluster/cluster.mjs";

const NODES = 100;
const PODS = 5000;
const EVENTS = 10000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const bin = fileURLToPath(new URL("../bin/slipway.js", import.meta.url));

/** POSTs each body to the path, `parallel` at a time. */
async function createAll(c, path, bodies, parallel = 16) {
  const ca = readFileSync(join(c.dir, "pki", "apiserver.crt"));
  const post = (body) =>
    new Promise((done, fail) => {
      const req = request(
        new URL(path, c.server),
        {
          method: "POST",
          ca,
          headers: { authorization: `Bearer ${c.token}`, "content-type": "application/json" },
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode < 300 ? done() : fail(new Error(`${path}: HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on("error", fail);
      req.end(JSON.stringify(body));
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < bodies.length) await post(bodies[next++]);
    }),
  );
}

console.log(`\nslipway status at ${NODES} nodes / ${PODS} pods / ${EVENTS} events (median of ${RUNS})`);
const missing = missingBinaries();
if (missing.length) {
  console.log(`skipped: ${missing.join(", ")} not built (run npm run peers)`);
} else {
  const top = mkdtempSync(join(tmpdir(), "slipway-bench-status-"));
  const dir = join(top, "cp");
  const c = await up({ dir, nodes: NODES });
  try {
    const t0 = performance.now();
    spawnSync("kubectl", ["--kubeconfig", c.kubeconfig, "create", "namespace", "bench"]);
    const pods = Array.from({ length: PODS }, (_, i) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `p-${i}`, namespace: "bench", labels: { app: `a-${i % 50}` } },
      spec: {
        nodeName: `kwok-node-${i % NODES}`,
        containers: [
          {
            name: "c",
            image: "registry.example/app:1",
            resources: { requests: { cpu: "10m", memory: "16Mi" } },
          },
        ],
      },
    }));
    await createAll(c, "/api/v1/namespaces/bench/pods", pods);
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `e-${i}`, namespace: "bench" },
      involvedObject: { kind: "Pod", namespace: "bench", name: `p-${i % PODS}`, apiVersion: "v1" },
      type: i % 2 ? "Warning" : "Normal",
      reason: i % 2 ? "BackOff" : "Pulled",
      message: `event ${i}`,
      count: 1 + (i % 7),
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: "bench" },
    }));
    await createAll(c, "/api/v1/namespaces/bench/events", events);
    console.log(
      `created ${PODS} pods and ${EVENTS} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const repo = join(top, "repo");
    mkdirSync(join(repo, "stacks", "deploy"), { recursive: true });
    writeFileSync(join(repo, "slipway.yaml"), "stacks: {base_path: stacks, included_paths: ['deploy/*']}\n");
    const nodes = Array.from(
      { length: NODES },
      (_, i) =>
        `          - {name: kwok-node-${i}, address: 10.1.${i >> 8}.${(i & 255) + 1}, role: ${i ? "agent" : "server"}}`,
    ).join("\n");
    writeFileSync(
      join(repo, "stacks", "deploy", "big.yaml"),
      `components:\n  ansible:\n    k3s:\n      vars:\n        cluster: {version: v1.33.1+k3s1, token: {sops_file: t.enc.yaml}, api_endpoint: 10.1.0.1}\n        nodes:\n${nodes}\n`,
    );
    const times = [];
    let last;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      last = spawnSync(
        process.execPath,
        [
          bin,
          "status",
          "-s",
          "deploy/big",
          "--config",
          repo,
          "--kubeconfig",
          c.kubeconfig,
          "--context",
          "slipway-test",
          "--format",
          "json",
        ],
        {
          encoding: "utf8",
          maxBuffer: 1 << 28,
        },
      );
      times.push((performance.now() - t) / 1000);
      if (last.status !== 0 && last.status !== 3) throw new Error(`status failed: ${last.stderr}`);
    }
    const r = JSON.parse(last.stdout);
    times.sort((a, b) => a - b);
    const med = times[Math.floor(times.length / 2)];
    console.log(
      `read: ${r.counts.nodes} nodes, ${r.counts.pods} pods, ${r.counts.warningEvents} warning events; verdict ${r.verdict}, ${r.counts.degraded} problems`,
    );
    console.log(
      `slipway status  median ${med.toFixed(2)} s, worst ${times.at(-1).toFixed(2)} s  ${med <= 1 ? "meets" : "MISSES"} ≤ 1.0 s (k9s: 7 s to start at 1k pods, #663)  load ${loadavg()[0].toFixed(1)}`,
    );
    // Where the time goes, in this process (the library, no CLI start): open (probe), list everything, build.
    const t1 = performance.now();
    const cluster = await openCluster({ kubeconfig: c.kubeconfig, context: "slipway-test", readonly: true });
    const t2 = performance.now();
    const collections = watchStatus(cluster);
    await cluster.synced();
    const t3 = performance.now();
    buildStatus({ stack: "big" }, cluster, collections);
    const t4 = performance.now();
    await cluster.close();
    console.log(
      `  in process: open ${(t2 - t1).toFixed(0)} ms, list ${collections.size} types ${(t3 - t2).toFixed(0)} ms, build report ${(t4 - t3).toFixed(0)} ms`,
    );
  } finally {
    await down({ dir });
    rmSync(top, { recursive: true, force: true });
  }
}
