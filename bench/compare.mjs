// `node bench/compare.mjs <other checkout>`: the same commands through this build and another one (an
// older commit, built: `git worktree add ../before <commit> && cd ../before && npm ci && npm run build`),
// interleaved run by run so both see the same machine, medians of 11. On a shared or noisy machine this
// is the fair before/after; `npm run bench` compares each figure to a floor instead.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.mjs";
import { planRepo } from "./plan-repo.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const other = process.argv[2];
if (!other) {
  console.error("usage: node bench/compare.mjs <path to another built checkout of slipway>");
  process.exit(2);
}
const bins = {
  before: join(resolve(other), "bin", "slipway.js"),
  after: join(here, "..", "bin", "slipway.js"),
};
const out = join(here, ".out", "compare");
rmSync(out, { recursive: true, force: true });
const repo = join(out, "repo");
generate(repo);
const plan = join(out, "plan");
const stub = planRepo(plan);
const homelab = join(here, "..", "examples", "homelab");

// Each build keeps its caches apart (one folder per build, kept across runs): what is compared is a warm
// repeated run. describe runs with every cache off, so it computes (describe reads no module variables).
const only = process.env.COMPARE_ONLY; // a pattern: only the cases it matches run
const all = [
  {
    what: "describe stacks --format json (computed)",
    cwd: repo,
    args: ["describe", "stacks", "--format", "json"],
    env: { SLIPWAY_CACHE: "off" },
  },
  {
    what: "describe stacks (YAML, computed)",
    cwd: repo,
    args: ["describe", "stacks"],
    env: { SLIPWAY_CACHE: "off" },
  },
  // Warm caches, as a user runs them again and again.
  {
    what: "describe component fam1 -s org3-r4-dev",
    cwd: repo,
    args: ["describe", "component", "fam1", "-s", "org3-r4-dev"],
  },
  { what: "list stacks", cwd: repo, args: ["list", "stacks"] },
  { what: "plan -s big --dry-run (200 components)", cwd: plan, args: ["plan", "-s", "big", "--dry-run"] },
  {
    what: "terraform plan c0 -s big (one driver run)",
    cwd: plan,
    args: ["terraform", "plan", "c0", "-s", "big"],
  },
  { what: "render -s pve-prod --check", cwd: homelab, args: ["render", "-s", "pve-prod", "--check"] },
  { what: "--version", cwd: homelab, args: ["--version"] },
];
const cases = only ? all.filter((c) => new RegExp(only).test(c.what)) : all;
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\ncompare: ${bins.before} (before) with this checkout (after), medians of 11, interleaved`);
for (const c of cases) {
  const t = { before: [], after: [] };
  for (let i = 0; i < 12; i++) {
    for (const k of i % 2 ? ["before", "after"] : ["after", "before"]) {
      const cache = join(out, `cache-${k}`);
      mkdirSync(cache, { recursive: true });
      const env = {
        ...process.env,
        PATH: `${stub}:${process.env.PATH}`,
        SLIPWAY_CACHE: cache,
        ...(c.env ?? {}),
      };
      const s = performance.now();
      const r = spawnSync(process.execPath, [bins[k], ...c.args], {
        cwd: c.cwd,
        env,
        stdio: ["ignore", "ignore", "pipe"],
      });
      if (r.status !== 0) throw new Error(`${k}: ${c.args.join(" ")}: ${r.stderr}`);
      if (i > 0) t[k].push(performance.now() - s); // the first run of each fills the caches
    }
  }
  const [b, a] = [med(t.before), med(t.after)];
  console.log(
    `${c.what.padEnd(44)} before ${b.toFixed(0).padStart(5)} ms  after ${a.toFixed(0).padStart(5)} ms  after/before ${(a / b).toFixed(2)}`,
  );
}
