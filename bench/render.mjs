// `npm run bench` (render): render the example stacks end to end (the CLI, as a user runs it). Target ≤ 0.5 s.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "bin", "slipway.js");
const cases = [
  ["homelab", "pve-prod"],
  ["homelab", "pve-dev"],
  ["org-platform", "acme-prod"],
];
console.log("\nrender (median of 5, fresh output folder each stack)");
for (const [example, stack] of cases) {
  // Inside the example's gitops/ folder, where its .sops.yaml creation rule covers rendered Secrets.
  const gitops = join(here, "..", "examples", example, "gitops");
  mkdirSync(gitops, { recursive: true });
  const out = mkdtempSync(join(gitops, ".bench-render-"));
  const ms = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [bin, "render", "-s", stack, "--out", join(out, `${stack}-${i}`)], {
      cwd: join(here, "..", "examples", example),
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(r.stderr);
    if (i > 0) ms.push(performance.now() - t);
  }
  rmSync(out, { recursive: true, force: true });
  const med = ms.sort((a, b) => a - b)[2];
  console.log(
    `slipway render -s ${stack.padEnd(10)} ${(med / 1000).toFixed(2)} s  ${med <= 500 ? "meets" : "MISSES"} ≤ 0.5 s`,
  );
}
