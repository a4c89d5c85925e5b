// What render's provenance costs (`node bench/render-provenance.mjs`, after a build): the example stacks
// rendered in process with and without the provenance trace, plus writing the index, CPU time (user +
// system, so a busy machine inflates it less than wall time), median of 9, a fresh engine each run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => import(join(root, "dist", p));
const { renderStack } = await dist("components/kubernetes/render.js");
const { writeOriginsIndex } = await dist("components/kubernetes/origin-index.js");
const { StackEngine } = await dist("stack/engine.js");
const { loadStacksConfig } = await dist("repo/open-stacks.js");

const cases = [
  ["homelab", "pve-prod"],
  ["homelab", "pve-dev"],
  ["org-platform", "acme-prod"],
];
const cpuMs = (f) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = mkdtempSync(join(tmpdir(), "slipway-bench-prov-"));

console.log("\nrender provenance (in process, CPU ms, median of 9, fresh engine each run)");
for (const [example, stack] of cases) {
  const dir = join(root, "examples", example);
  const engine = () => new StackEngine({ config: loadStacksConfig(join(dir, "slipway.yaml"), {}), env: {} });
  const plain = [];
  const traced = [];
  let values = 0;
  for (let i = 0; i < 10; i++) {
    const a = cpuMs(() => renderStack(engine(), stack));
    const b = cpuMs(() => {
      const origins = new Map();
      const files = renderStack(engine(), stack, { origins });
      writeOriginsIndex(out, stack, files, origins);
      values = [...origins.values()].reduce((n, o) => n + o.values.length, 0);
    });
    if (i === 0) continue; // the first run warms the JIT
    plain.push(a);
    traced.push(b);
  }
  const [p, t] = [median(plain), median(traced)];
  console.log(
    `${stack.padEnd(10)} render ${p.toFixed(0).padStart(4)} ms  with provenance ${t.toFixed(0).padStart(4)} ms  (+${(t - p).toFixed(0)} ms, ×${(t / p).toFixed(2)}; ${values} values traced)`,
  );
}
rmSync(out, { recursive: true, force: true });
