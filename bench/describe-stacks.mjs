// `npm run bench`: slipway at the scale of the largest Atmos repositories, against floors measured in
// the same run. Prints figures; asserts nothing (speed is measured here, never in tests).
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, ".out", "repo");
const bin = join(here, "..", "bin", "slipway.js");
const probe = join(here, "rss-probe.mjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const outFile = join(here, ".out", "stdout");

/** Runs one command with stdout to a file (as `> out.json` would): wall time, peak RSS, bytes written. */
function run(args, cwd, env = {}) {
  const fd = openSync(outFile, "w");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", probe, ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", fd, "pipe"],
    env: { ...process.env, ...env },
  });
  const ms = performance.now() - t0;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const rss = Number(/maxrss_kib=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss, bytes: statSync(outFile).size };
}

function measure(label, args, cwd, env) {
  run(args, cwd, env); // warm the file cache (and, where it is on, fill the output cache)
  const runs = Array.from({ length: RUNS }, () => run(args, cwd, env));
  const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    label,
    ms: med(runs.map((r) => r.ms)),
    rss: Math.max(...runs.map((r) => r.rss)),
    bytes: runs[0].bytes,
  };
}

const counts = generate(root);
console.log(
  `synthetic repository: ${counts.files} manifest files, ${counts.stacks} stacks, ${counts.instances} component instances`,
);
console.log(
  `(imports three levels deep, inheritance chains of depth four; median of ${RUNS} runs, peak RSS is the max)\n`,
);

const floor = measure(
  "floor: read + parse with js-yaml (slipway's parser)",
  [join(here, "floor.mjs"), root, "js-yaml"],
  root,
);
const floorPos = measure(
  "floor: read + parse with yaml, positions",
  [join(here, "floor.mjs"), root, "yaml"],
  root,
);
// Cold: every run computes (the output cache off). Repeat: the same command again with nothing changed,
// answered from the output cache after every recorded input was read again and found the same.
const describe = measure(
  "slipway describe stacks --format json (computed)",
  [bin, "describe", "stacks", "--format", "json"],
  root,
  { SLIPWAY_CACHE: "off" },
);
const computed = readFileSync(outFile);
const outputCache = join(here, ".out", "describe-cache");
rmSync(outputCache, { recursive: true, force: true });
const repeat = measure(
  "slipway describe stacks --format json (repeat, cached)",
  [bin, "describe", "stacks", "--format", "json"],
  root,
  { SLIPWAY_CACHE: outputCache },
);
const same = computed.equals(readFileSync(outFile));
const nodeNull = measure("node -e 0", ["-e", "0"], root);
const version = measure("slipway --version", [bin, "--version"], root);

const rows = [floor, floorPos, describe, repeat, nodeNull, version];
for (const r of rows)
  console.log(`${r.label.padEnd(56)} ${r.ms.toFixed(0).padStart(6)} ms  ${r.rss.toFixed(0).padStart(5)} MB`);
console.log(`\noutput of describe stacks: ${(describe.bytes / 1e6).toFixed(1)} MB of JSON`);
console.log(`repeat run's output ${same ? "is byte-identical to" : "DIFFERS from"} the computed one`);
if (!same) process.exitCode = 1;

const checks = [
  ["describe wall ≤ 1000 ms", describe.ms, 1000, describe.ms <= 1000],
  ["describe peak RSS ≤ 250 MB", describe.rss, 250, describe.rss <= 250],
  [
    `describe ≤ 2× js-yaml floor (${(describe.ms / floor.ms).toFixed(2)}×)`,
    describe.ms / floor.ms,
    2,
    describe.ms / floor.ms <= 2,
  ],
  [
    `repeat describe (output cache) ≤ 2× js-yaml floor (${(repeat.ms / floor.ms).toFixed(2)}×)`,
    repeat.ms / floor.ms,
    2,
    repeat.ms / floor.ms <= 2,
  ],
  [
    `describe vs yaml-with-positions floor (${(describe.ms / floorPos.ms).toFixed(2)}×)`,
    describe.ms / floorPos.ms,
    2,
    describe.ms / floorPos.ms <= 2,
  ],
  [
    `--version ≤ 2× node -e 0 (${(version.ms / nodeNull.ms).toFixed(2)}×)`,
    version.ms / nodeNull.ms,
    2,
    version.ms / nodeNull.ms <= 2,
  ],
];
console.log("");
for (const [label, , , ok] of checks) console.log(`${ok ? "meets " : "MISSES"}  ${label}`);
