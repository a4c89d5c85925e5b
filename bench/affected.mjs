// `npm run bench`: `describe affected` between two commits of the synthetic repository, against one
// computed `describe stacks` on the same work tree (target: ≤ 2×), runs interleaved so both see the same
// machine. With the Atmos peer built (`npm run peers`), Atmos's `describe affected` on the same repository
// is timed too, once (it is much slower). Prints figures; asserts nothing.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.mjs";
import { binDir } from "../scripts/peers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, ".out", "affected-repo");
const home = join(here, ".out");
const bin = join(here, "..", "bin", "slipway.js");
const probe = join(here, "rss-probe.mjs");
const outFile = join(here, ".out", "affected-stdout");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const gitEnv = {
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};
function git(...args) {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8", env: gitEnv });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** `text` with `from` replaced, failing loudly when `from` is missing (a bench edit must edit). */
function edit(rel, from, to) {
  const path = join(root, rel);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`bench edit: ${from} not in ${rel}`);
  writeFileSync(path, text.replace(from, to));
}

/** One run with stdout to a file: wall time, peak RSS (from the probe, or GNU time's for Atmos). */
function run(argv, env = {}) {
  const fd = openSync(outFile, "w");
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", fd, "pipe"],
    env: { ...process.env, HOME: home, ...env },
  });
  const ms = performance.now() - t0;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const kib =
    /maxrss_kib=(\d+)/.exec(r.stderr)?.[1] ?? /^(\d+)$/m.exec(r.stderr.trim().split("\n").pop())?.[1];
  return { ms, rss: Number(kib ?? NaN) / 1024, bytes: statSync(outFile).size };
}

const counts = generate(root);
git("init", "-q", "-b", "main");
git("add", "-A");
git("commit", "-q", "-m", "generated");
// The change: a var in a catalog file most stacks import, and a file in one component folder.
edit("stacks/catalog/fam0.yaml", "size: 0", "size: 9");
writeFileSync(join(root, "components/terraform/fam1/extra.tf"), "# a change in the component folder\n");
git("add", "-A");
git("commit", "-q", "-m", "change");

const node = (args) => [process.execPath, "--import", probe, bin, ...args];
const affectedArgs = node(["describe", "affected", "--sha", "HEAD~1", "--format", "json"]);
const describeArgs = node(["describe", "stacks", "--format", "json"]);
const env = { SLIPWAY_CACHE: "off" };
run(affectedArgs, env); // warm the file cache
run(describeArgs, env);
const affected = [];
const describe = [];
for (let i = 0; i < RUNS; i++) {
  affected.push(run(affectedArgs, env));
  describe.push(run(describeArgs, env));
}
const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const a = { ms: med(affected.map((r) => r.ms)), rss: Math.max(...affected.map((r) => r.rss)) };
const d = { ms: med(describe.map((r) => r.ms)), rss: Math.max(...describe.map((r) => r.rss)) };
const one = run(affectedArgs, env);
const ours = JSON.parse(readFileSync(outFile, "utf8"));
const found = ours.length;

console.log(
  `\ndescribe affected (synthetic repository: ${counts.stacks} stacks, ${counts.instances} instances; one catalog var and one component folder changed; median of ${RUNS}, interleaved)`,
);
const line = (label, r) =>
  console.log(`${label.padEnd(56)} ${r.ms.toFixed(0).padStart(6)} ms  ${r.rss.toFixed(0).padStart(5)} MB`);
line("slipway describe affected --sha HEAD~1 --format json", a);
line("slipway describe stacks --format json (computed)", d);
console.log(`affected entries: ${found} (${(one.bytes / 1e3).toFixed(0)} kB of JSON)`);
const ratio = a.ms / d.ms;
console.log(
  `${ratio <= 2 ? "meets " : "MISSES"}  describe affected ≤ 2× describe stacks (${ratio.toFixed(2)}×)`,
);

const atmos = join(binDir(), "atmos");
if (!existsSync(atmos)) console.log("atmos: not built (run npm run peers); skipped");
else {
  const time = spawnSync("sh", ["-c", "command -v /usr/bin/time"], { encoding: "utf8" }).stdout.trim();
  const argv = [atmos, "describe", "affected", "--base", "HEAD~1", "--format", "json"];
  const r = run(time ? [time, "-f", "%M", ...argv] : argv, {
    ATMOS_TELEMETRY_ENABLED: "false",
    ATMOS_VERSION_CHECK_ENABLED: "false",
  });
  // Atmos's order changes run to run (stacks are worked in parallel); slipway sorts by stack, type, component.
  const key = (e) => `${e.stack}\0${e.component_type}\0${e.component}`;
  const theirs = JSON.parse(readFileSync(outFile, "utf8")).sort((x, y) => (key(x) < key(y) ? -1 : 1));
  const same = JSON.stringify(theirs) === JSON.stringify(ours);
  line("atmos describe affected --base HEAD~1 --format json (1 run)", r);
  console.log(
    `atmos's entries: ${theirs.length}, ${same ? "the same as" : "DIFFERENT from"} slipway's; slipway is ${(r.ms / a.ms).toFixed(1)}× faster`,
  );
  if (!same) process.exitCode = 1;
}
