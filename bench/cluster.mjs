// `npm run bench` (test control plane): start etcd, kube-apiserver, controller-manager, scheduler and kwok with
// 3 simulated nodes until every node is Ready, then stop it leaving nothing behind. Target: up ≤ 20 s.
// Needs the peers (`npm run peers`); says so and skips otherwise.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { down, missingBinaries, up } from "../test/cluster/cluster.mjs";

console.log("\ntest control plane (median of 3)");
const missing = missingBinaries();
if (missing.length) {
  console.log(`skipped: ${missing.join(", ")} not built (run npm run peers)`);
} else {
  const ups = [];
  const downs = [];
  for (let i = 0; i < 3; i++) {
    const dir = join(mkdtempSync(join(tmpdir(), "slipway-bench-cluster-")), "cp");
    const c = await up({ dir, nodes: 3 });
    ups.push(c.seconds);
    const t = performance.now();
    await down({ dir });
    downs.push((performance.now() - t) / 1000);
    if (existsSync(dir)) throw new Error(`down left ${dir} behind`);
    rmSync(join(dir, ".."), { recursive: true, force: true });
  }
  const med = (xs) => xs.sort((a, b) => a - b)[1];
  console.log(
    `up, 3 Ready kwok nodes     ${med(ups).toFixed(1)} s  ${med(ups) <= 20 ? "meets" : "MISSES"} ≤ 20 s`,
  );
  console.log(`down, nothing left behind  ${med(downs).toFixed(1)} s`);
}
