// `slipway ui`'s start against a test control plane (run after `npm run build`, peers built):
//   node bench/tui-start.mjs [--nodes 20] [--pods 1000]
// The time from spawning the CLI in a pseudo-terminal to the first full Nodes screen (connected, every node
// listed), and from `:pods` to the Pods screen listing every pod; the UI process's peak RSS. Median of 5.
// The target at 100 nodes / 5,000 pods / 10,000 events is first screen ≤ 1.0 s (k9s: 7 s at ~1k pods).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { down, missingBinaries, up } from "../test/cluster/cluster.mjs";
import { KEYS, spawnUi } from "../test/tui/pty-screen.mjs";

const { values } = parseArgs({
  options: { nodes: { type: "string", default: "20" }, pods: { type: "string", default: "1000" } },
});
const NODES = Number(values.nodes);
const PODS = Number(values.pods);
const root = join(import.meta.dirname, "..");
console.log(`\nslipway ui start (${NODES} kwok nodes, ${PODS} pods; median of 5)`);
const missing = missingBinaries();
if (missing.length) {
  console.log(`skipped: ${missing.join(", ")} not built (run npm run peers)`);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), "slipway-bench-ui-"));
const c = await up({ dir: join(work, "cluster"), nodes: NODES });
const kubectl = (args, input) => {
  const r = spawnSync("kubectl", ["--kubeconfig", c.kubeconfig, ...args], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  kubectl(["create", "namespace", "bench"]);
  for (let i = 0; i < PODS; i += 500) {
    const items = Array.from({ length: Math.min(500, PODS - i) }, (_, j) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `p-${i + j}`, namespace: "bench", labels: { app: `a${(i + j) % 20}` } },
      spec: {
        containers: [
          { name: "main", image: "busybox", resources: { requests: { cpu: "10m", memory: "16Mi" } } },
        ],
      },
    }));
    kubectl(["create", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  }
  const repo = join(work, "repo");
  spawnSync(process.execPath, [join(root, "bin", "slipway.js"), "init", "--flavour", "pi", repo]);
  const firstScreen = [];
  const podsScreen = [];
  const rss = [];
  const idle = [];
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const ui = spawnUi(["ui", "-s", "pi-prod", "--kubeconfig", c.kubeconfig, "--context", "slipway-test"], {
      cwd: repo,
      env: { XDG_CONFIG_HOME: join(work, "no-config") },
      cols: 160,
      rows: 40,
    });
    try {
      await ui.waitFor(new RegExp(`Nodes · ${NODES}/${NODES} · ● live`), 30_000);
      firstScreen.push(performance.now() - t0);
      const t1 = performance.now();
      ui.press(":pods", KEYS.enter);
      await ui.waitFor(new RegExp(`Pods · ns: all · ${PODS}/${PODS}`), 30_000);
      podsScreen.push(performance.now() - t1);
      const pid = Number(
        spawnSync("pgrep", ["-n", "-f", `slipway.js ui -s pi-prod --kubeconfig ${c.kubeconfig}`], {
          encoding: "utf8",
        }).stdout.trim(),
      );
      const status = pid ? readFileSync(`/proc/${pid}/status`, "utf8") : "";
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) rss.push(Number(hwm[1]) / 1024);
      // CPU while nothing is pressed (kwok still renews its nodes' leases and status): 5 s of /proc ticks.
      if (pid && run === 0) {
        const ticks = () => readFileSync(`/proc/${pid}/stat`, "utf8").split(" ").slice(13, 15).map(Number);
        const [u0, s0] = ticks();
        await new Promise((r) => setTimeout(r, 5000));
        const [u1, s1] = ticks();
        idle.push(((u1 - u0 + s1 - s0) / 100 / 5) * 100);
      }
    } finally {
      ui.press("q");
      await Promise.race([ui.exited, new Promise((r) => setTimeout(r, 3000))]);
      ui.kill();
    }
  }
  console.log(
    `  first full Nodes screen: ${median(firstScreen).toFixed(0)} ms (runs: ${firstScreen.map((x) => x.toFixed(0)).join(", ")})`,
  );
  console.log(`  :pods to every pod listed: ${median(podsScreen).toFixed(0)} ms`);
  if (rss.length) console.log(`  peak RSS of the UI: ${median(rss).toFixed(0)} MB`);
  if (idle.length) console.log(`  CPU with no key pressed (5 s, first run): ${idle[0].toFixed(1)} %`);
} finally {
  await down({ dir: c.dir });
  rmSync(work, { recursive: true, force: true });
}
