// `node bench/kube-scale.mjs [--quick] [--dir DIR]` (also part of `npm run bench`): slipway against a live
// cluster at the issue's scale — the test control plane (real API server, kwok's simulated kubelets) filled to
// 100 nodes / 5,000 pods / 10,000 events, then 10,000 pods under 10 minutes of churn (20 pod creates + 20
// deletes per second) with a pod logging every 5 ms. Figures, each against the issue's target, k9s beside it:
//   first full screen of `slipway ui`  ≤ 1.0 s   (k9s: 7 s at ~1k pods, k9s#663)
//   UI RSS after the churn, log view   ≤ 150 MB, no growth over the last 5 min (k9s: ~30 GB after 1 h, #1188)
//   API change → screen, p95           ≤ 300 ms during churn;  idle CPU ≤ 2 %
//   `slipway status`                   ≤ 1.0 s
// and what exists underneath: the fill (HTTPS vs kubectl), kwok's CPU at that scale, the adapter alone.
// What the build lacks (no `ui` or `status` command yet, no adapter) is printed as not measured, with why.
// --quick: 20 nodes / 1,000 pods / 2,000 events, 1 minute of churn at 2,000 pods — checks the harness, not
// the targets. Flags: --ui "ui -s pi-prod --kubeconfig {kubeconfig} …", --status "status …" (argv templates),
// --keys-pods, --keys-logs (key sequences, \r \e escapes) for CLIs whose flags differ; --no-churn stops after the
// fill-scale figures; --adapter-only measures the adapter under churn even when the build has a UI. A
// benchmark, never CI.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { down, missingBinaries, up } from "../test/cluster/cluster.mjs";
import { startChatty } from "./kube/chatty.mjs";
import { startChurn } from "./kube/churn.mjs";
import * as fill from "./kube/fill.mjs";
import { cpuPercent, cpuSeconds, percentile, rssSampler, slopeMBPerMinute } from "./kube/proc.mjs";
import { openScreen } from "./kube/screen.mjs";
import { check } from "./measure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes("--quick");
const scale = quick
  ? { nodes: 20, pods: 1000, events: 2000, bigPods: 2000, churnS: 60, lastS: 30, idleS: 10, cmp: 200 }
  : { nodes: 100, pods: 5000, events: 10000, bigPods: 10000, churnS: 600, lastS: 300, idleS: 30, cmp: 500 };
const keys = (s) => s.replace(/\\r/g, "\r").replace(/\\e/g, "\x1b");
// A repository made by `slipway init --flavour pi` (stack pi-prod), pointed at the test cluster by flags.
const TARGET = "-s pi-prod --kubeconfig {kubeconfig} --context slipway-test";
const UI = opt("--ui", `ui ${TARGET}`);
const STATUS = opt("--status", `status ${TARGET}`);
const KEYS_PODS = keys(opt("--keys-pods", ":pods\\r/bench-lat\\r"));
const KEYS_LOGS = keys(opt("--keys-logs", ":pods\\r/chatty\\rl"));
const ROWS = 50;
const COLS = 160;

const say = (s) => console.log(s);
const fig = (label, value, target, ok, k9s = "") =>
  say(
    `${check(`${label.padEnd(44)} ${value.padStart(10)}   target ${target}`, ok)}${k9s ? `   (k9s: ${k9s})` : ""}`,
  );
const note = (label, value) => say(`        ${label.padEnd(44)} ${value.padStart(10)}`);
const notMeasured = (label, why) => say(`not measured  ${label}: ${why}`);

const git = (...a) => spawnSync("git", ["-C", root, ...a], { encoding: "utf8" }).stdout.trim();
say(`\nlive cluster at scale (issue 17)${quick ? " — QUICK: harness check, not the issue's scale" : ""}`);
say(
  `commit ${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "--untracked-files=no") ? " (+ local changes)" : ""}, ${new Date().toISOString()}`,
);

/** argv of the built CLI for a template such as "ui --kubeconfig {kubeconfig}". */
const cliArgs = (template, c) => template.split(" ").map((a) => a.replace("{kubeconfig}", c.kubeconfig));

let repo = root;
/** The stack repository the UI and status run in (made once, in the bench's temp folder). */
function makeRepo(dir) {
  const r = spawnSync(process.execPath, [join(root, "bin", "slipway.js"), "init", "--flavour", "pi", dir], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`slipway init failed: ${r.stderr.slice(0, 400)}`);
  repo = dir;
}
const cliEnv = () => ({ ...process.env, TERM: "xterm-256color", XDG_CONFIG_HOME: join(repo, ".no-config") });

/** Whether the built CLI knows the command (the first word of the template); else why not. */
function cliHas(template) {
  if (!existsSync(join(root, "dist", "bundle", "main.cjs"))) return "the CLI is not built (npm run build)";
  const cmd = template.split(" ")[0];
  const r = spawnSync(process.execPath, [join(root, "bin", "slipway.js"), cmd, "--help"], {
    encoding: "utf8",
  });
  return r.status === 0
    ? ""
    : `this build has no \`slipway ${cmd}\` (${(r.stderr || r.stdout).split("\n")[0]})`;
}

function loadAverage() {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

async function main() {
  const missing = missingBinaries();
  if (missing.length) return say(`skipped: ${missing.join(", ")} not built (run npm run peers)`);
  const dir = opt("--dir", join(mkdtempSync(join(tmpdir(), "slipway-bench-kube-")), "cp"));
  say(
    `machine: ${spawnSync("nproc", { encoding: "utf8" }).stdout.trim()} cores, load average ${loadAverage()} before start`,
  );
  let c;
  const cleanup = async () => {
    await down({ dir });
    rmSync(join(dir, ".."), { recursive: true, force: true });
  };
  process.once("SIGINT", () => cleanup().then(() => process.exit(130)));
  try {
    if (!cliHas("init")) makeRepo(join(dir, "..", "repo"));
    c = await up({ dir, nodes: scale.nodes, timeoutMs: 300_000 });
    note(`control plane up, ${scale.nodes} Ready nodes`, `${c.seconds.toFixed(1)} s`);
    const pids = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")).pids;
    const api = fill.apiClient(c);
    await fillCluster(c, api, pids, scale.pods);
    await section("the adapter", () => measureAdapter(c, "at fill scale"));
    await section("slipway status", () => measureStatus(c));
    await section("first full screen", () => measureFirstScreen(c));
    // The second half: the issue's 10,000 pods under churn, a log view following the chatty pod.
    if (args.includes("--no-churn")) return say("--no-churn: stopped before growing to the churn's scale");
    await growTo(api, scale.pods, scale.bigPods);
    await section("the adapter", () => measureAdapter(c, `at ${scale.bigPods} pods`));
    await section("under churn", () => measureUnderChurn(c, api, pids));
    api.close();
  } finally {
    await cleanup();
  }
  say(`load average ${loadAverage()} at the end (other agents share the machine: figures are noisy)`);
}

/** One measurement; a failure is printed as not measured (with what the screen showed) and the run goes on. */
async function section(what, fn) {
  try {
    await fn();
  } catch (e) {
    notMeasured(what, e.message.split("\n")[0]);
    // The screen (or output) the failure saw, for whoever reads the figures.
    for (const line of e.message.split("\n").slice(1)) if (line.trim()) say(`    | ${line}`);
  }
}

async function fillCluster(c, api, pids, pods) {
  await fill.createNamespaces(api, [...fill.NAMESPACES, "bench-churn"]);
  const cpu0 = { kwok: cpuSeconds(pids.kwok), api: cpuSeconds(pids["kube-apiserver"]) };
  const t0 = performance.now();
  const objs = Array.from({ length: pods }, (_, i) => fill.podManifest(i, { nodes: scale.nodes }));
  // The same number of pods each way, so the two rates compare.
  const kubectlS = fill.createWithKubectl(c, objs.slice(0, scale.cmp));
  const httpsS = await fill.createOverHttps(api, objs.slice(scale.cmp, 2 * scale.cmp));
  note(`fill: ${scale.cmp} pods by kubectl create -f List`, `${(scale.cmp / kubectlS).toFixed(0)} pods/s`);
  note(`fill: ${scale.cmp} pods by HTTPS, 32 in flight`, `${(scale.cmp / httpsS).toFixed(0)} pods/s`);
  await fill.createOverHttps(api, objs.slice(2 * scale.cmp));
  objs.push(chattyPod());
  await api.must("POST", "/api/v1/namespaces/bench-0/pods", chattyPod());
  const evS = await fill.createOverHttps(
    api,
    Array.from({ length: scale.events }, (_, i) => fill.eventManifest(i, { pods, nodes: scale.nodes })),
  );
  note(`fill: ${scale.events} events by HTTPS`, `${(scale.events / evS).toFixed(0)} events/s`);
  const waited = await fill.waitRunning(api);
  const s = (performance.now() - t0) / 1000;
  note(`fill: ${pods} pods Running + ${scale.events} events`, `${s.toFixed(1)} s`);
  note(`  of which waiting for kwok to run them`, `${waited.toFixed(1)} s`);
  note(`  kwok CPU during the fill`, `${(((cpuSeconds(pids.kwok) - cpu0.kwok) / s) * 100).toFixed(0)} %`);
  note(
    `  API server CPU during the fill`,
    `${(((cpuSeconds(pids["kube-apiserver"]) - cpu0.api) / s) * 100).toFixed(0)} %`,
  );
  note(
    `kwok CPU at rest with ${scale.nodes} nodes, ${pods} pods`,
    `${(await cpuPercent(pids.kwok, 10_000)).toFixed(1)} %`,
  );
  await readyNodes(api);
}

const chattyPod = () => ({
  ...fill.podManifest(0, { nodes: scale.nodes, namespace: "bench-0" }),
  metadata: { name: "chatty", namespace: "bench-0", labels: { app: "chatty" } },
});

async function readyNodes(api) {
  const r = await api.must("GET", "/api/v1/nodes");
  const ready = r.json.items.filter((n) =>
    n.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"),
  ).length;
  fig(
    "Ready nodes (kwok keeps up)",
    `${ready}/${r.json.items.length}`,
    `${scale.nodes}`,
    ready === scale.nodes,
  );
}

async function growTo(api, from, to) {
  const t0 = performance.now();
  const objs = Array.from({ length: to - from }, (_, i) =>
    fill.podManifest(from + i, { nodes: scale.nodes }),
  );
  await fill.createOverHttps(api, objs);
  await fill.waitRunning(api);
  note(`grow to ${to} pods Running`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** The adapter alone (and @kubernetes/client-node's informers as the floor), each in its own process. */
async function measureAdapter(c, when) {
  const probe = join(root, "bench", "kube", "adapter-probe.mjs");
  const run = (mode) => {
    const r = spawnSync(process.execPath, [probe, mode, c.kubeconfig, "2000"], {
      encoding: "utf8",
      cwd: root,
    });
    if (r.status !== 0) throw new Error(`adapter probe ${mode}: ${r.stderr.slice(0, 600)}`);
    return JSON.parse(r.stdout.trim().split("\n").pop());
  };
  const show = (label, m) => {
    note(`${label} ${when}`, `${m.ms.toFixed(0)} ms`);
    const counts = Object.entries(m.counts).map(([k, v]) => `${v} ${k}`);
    say(
      `        ${"".padEnd(44)}   ${m.fromStart.toFixed(0)} ms from process start; ${counts.join(", ")}${counts.length ? "; " : ""}RSS ${m.rss.toFixed(0)} MB, heap ${m.heap.toFixed(0)} MB`,
    );
  };
  show("Node alone: paged lists into Maps", run("raw"));
  show("importing @kubernetes/client-node only", run("import"));
  show("client-node informers alone: list+watch", run("client-node"));
  if (!existsSync(join(root, "dist", "kube", "cluster.js")))
    return notMeasured(
      "slipway's adapter",
      "dist/kube/cluster.js is not in this build (openCluster not merged or not built)",
    );
  show("slipway openCluster: pods+events+nodes synced", run("slipway"));
}

async function measureStatus(c) {
  const why = cliHas(STATUS);
  if (why) return notMeasured("slipway status", why);
  const times = [];
  let last;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    last = spawnSync(process.execPath, [join(root, "bin", "slipway.js"), ...cliArgs(STATUS, c)], {
      encoding: "utf8",
      cwd: repo,
      env: cliEnv(),
      maxBuffer: 1 << 26,
    });
    times.push(performance.now() - t);
  }
  if (last.status !== 0 && last.status !== 3)
    return notMeasured("slipway status", `exit ${last.status}: ${last.stderr.split("\n")[0]}`);
  const ms = percentile(times, 50);
  fig(
    `slipway status (median of 3, exit ${last.status})`,
    `${(ms / 1000).toFixed(2)} s`,
    "≤ 1.0 s",
    ms <= 1000,
  );
}

/** Spawns the UI in a pseudo-terminal; null (after saying why) when the build has none. */
function openUi(c) {
  const why = cliHas(UI);
  if (why) {
    notMeasured("slipway ui", why);
    return null;
  }
  return openScreen(process.execPath, [join(root, "bin", "slipway.js"), ...cliArgs(UI, c)], {
    cols: COLS,
    rows: ROWS,
    cwd: repo,
    env: cliEnv(),
  });
}

/** A full table: at least the terminal's rows minus six (header, footer, chrome) rows naming pods or nodes. */
/** Rows a full table shows: the terminal's rows minus six (header, footer, chrome), or every node if fewer. */
const fullRows = () => Math.min(ROWS - 6, scale.nodes);
const fullTable = (lines) =>
  lines.filter((l) => /kwok-node-\d+|-pod-\d+|\bchatty\b/.test(l)).length >= fullRows();

/**
 * The first full screen with complete data: the table fills the terminal with node rows, each counting every
 * pod the fill put on that node (`50/110` at 5,000 pods on 100 nodes) — so the pods' list has arrived, not
 * just the nodes'. The first rows of any kind are timed too.
 */
const completeNodes = (lines) =>
  lines.filter((l) => {
    const m = /kwok-node-\d+\b.*?\s(\d+)\/110\b/.exec(l);
    return m && Number(m[1]) >= Math.floor(scale.pods / scale.nodes);
  }).length >= fullRows();

async function measureFirstScreen(c) {
  const full = [];
  const first = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const ui = openUi(c);
    if (!ui) return;
    try {
      await ui.waitFor((l) => l.some((x) => /kwok-node-\d+/.test(x)), 30_000);
      first.push(performance.now() - t0);
      await ui.waitFor(completeNodes, 30_000);
      full.push(performance.now() - t0);
    } catch (e) {
      return notMeasured("first full screen", e.message.split("\n").slice(0, 3).join(" | "));
    } finally {
      ui.kill();
    }
  }
  note(`first node rows on screen (median of 3)`, `${(percentile(first, 50) / 1000).toFixed(2)} s`);
  const ms = percentile(full, 50);
  fig(
    `first full screen, ${scale.pods} pods counted (median of 3)`,
    `${(ms / 1000).toFixed(2)} s`,
    "≤ 1.0 s",
    ms <= 1000,
    "7 s at ~1k pods",
  );
  note(`  the three runs`, full.map((x) => (x / 1000).toFixed(2)).join(" "));
}

async function measureUnderChurn(c, api, pids) {
  const logView = openUi(c);
  if (!logView || args.includes("--adapter-only")) {
    logView?.kill();
    return measureChurnAlone(c, api, pids);
  }
  const podsView = openUi(c);
  try {
    await logView.waitFor(fullTable, 30_000);
    await podsView.waitFor(fullTable, 30_000);
    // Idle: both views open, nothing changing but kwok's node heartbeats.
    await new Promise((r) => setTimeout(r, 5000));
    const idle = await cpuPercent(podsView.pid, scale.idleS * 1000);
    fig(`idle CPU of the UI over ${scale.idleS} s`, `${idle.toFixed(1)} %`, "≤ 2 %", idle <= 2);
    const chatty = startChatty(c.podLog, { everyMs: 5 });
    logView.write(KEYS_LOGS);
    await logView.waitFor((l) => l.some((x) => x.includes("chatty line")), 10_000);
    podsView.write(KEYS_PODS);
    const rss = rssSampler(logView.pid, 3000);
    const churn = startChurn(api, { rate: 20, nodes: scale.nodes, oldest: fillPods() });
    const latencies = await probeLatency(api, (name) =>
      podsView.waitFor((l) => l.some((x) => x.includes(name)), 5000),
    );
    const st = await churn.stop();
    rss.stop();
    const lines = chatty.stop();
    churnLine(st);
    note(`chatty pod: lines written`, `${lines}`);
    latencyFigures("API change → screen", latencies);
    rssFigures("UI, log view", rss.samples());
    await readyNodes(api);
  } finally {
    logView.kill();
    podsView?.kill();
  }
}

function churnLine(st) {
  note(
    `churn: creates+deletes per second`,
    `${st.perSecond.toFixed(1)}+${(st.deletes / st.seconds).toFixed(1)}`,
  );
  note(`  failed requests / ticks skipped (behind)`, `${st.failed} / ${st.behind}`);
  if (st.lastError) note(`  last failure`, st.lastError.slice(0, 60));
}

/**
 * Creates a uniquely named pod every 2 s for the churn's length and times until `seen(name)` resolves (5 s at
 * most: a miss counts as Infinity, so it shows in the p95); deletes each after.
 */
async function probeLatency(api, seen) {
  const latencies = [];
  const t0 = performance.now();
  for (let k = 0; performance.now() - t0 < scale.churnS * 1000; k++) {
    const name = `bench-lat-${k}`;
    const pod = { ...fill.podManifest(k, { nodes: scale.nodes }), metadata: { name, namespace: "bench-0" } };
    const sent = performance.now();
    await api.must("POST", "/api/v1/namespaces/bench-0/pods", pod);
    latencies.push(
      await seen(name).then(
        () => performance.now() - sent,
        () => Infinity,
      ),
    );
    await api.call("DELETE", `/api/v1/namespaces/bench-0/pods/${name}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  return latencies;
}

/** Without a UI: slipway's adapter held open as a view holds it, under the same churn and chatty pod. */
async function measureChurnAlone(c, api, pids) {
  if (!existsSync(join(root, "dist", "kube", "cluster.js")))
    return notMeasured("the adapter under churn", "dist/kube/cluster.js is not in this build");
  const probe = spawn(
    process.execPath,
    [join(root, "bench", "kube", "adapter-probe.mjs"), "follow", c.kubeconfig],
    {
      cwd: root,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const waiting = new Map();
  let out = "";
  probe.stdout.setEncoding("utf8");
  probe.stdout.on("data", (d) => {
    out += d;
    for (const [name, done] of waiting) if (out.includes(`seen bench-0/${name}\n`)) done();
  });
  const seen = (name) =>
    new Promise((done, fail) => {
      const timer = setTimeout(fail, 5000);
      waiting.set(name, () => (clearTimeout(timer), waiting.delete(name), done()));
      probe.stdin.write(`want bench-0/${name}\n`);
    });
  while (!out.includes("synced\n")) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 5000));
  const idle = await cpuPercent(probe.pid, scale.idleS * 1000);
  fig(`adapter alone: idle CPU over ${scale.idleS} s`, `${idle.toFixed(1)} %`, "≤ 2 % (UI's)", idle <= 2);
  const cpu0 = { kwok: cpuSeconds(pids.kwok), api: cpuSeconds(pids["kube-apiserver"]) };
  const rss = rssSampler(probe.pid, 3000);
  const chatty = startChatty(c.podLog, { everyMs: 5 });
  const churn = startChurn(api, { rate: 20, nodes: scale.nodes, oldest: fillPods() });
  const latencies = await probeLatency(api, seen);
  const st = await churn.stop();
  const written = chatty.stop();
  rss.stop();
  churnLine(st);
  const s = st.seconds;
  note(`kwok CPU during the churn`, `${(((cpuSeconds(pids.kwok) - cpu0.kwok) / s) * 100).toFixed(0)} %`);
  note(
    `API server CPU during it`,
    `${(((cpuSeconds(pids["kube-apiserver"]) - cpu0.api) / s) * 100).toFixed(0)} %`,
  );
  probe.stdin.end();
  await new Promise((r) => probe.on("exit", r));
  const m = JSON.parse(out.trim().split("\n").pop());
  note(`chatty pod: lines written / adapter followed`, `${written} / ${m.counts["log lines"]}`);
  latencyFigures("adapter alone: API change → collection", latencies);
  rssFigures("adapter alone", rss.samples());
  await readyNodes(api);
}

/** The p95 figure, and beside it the median and how many probes never showed within 5 s (a miss is ∞). */
function latencyFigures(label, latencies) {
  const p95 = percentile(latencies, 95);
  fig(`${label} p95 (${latencies.length} probes)`, `${p95.toFixed(0)} ms`, "≤ 300 ms", p95 <= 300);
  const misses = latencies.filter((x) => x === Infinity).length;
  note(`  median; probes not shown within 5 s`, `${percentile(latencies, 50).toFixed(0)} ms; ${misses}`);
}

/** RSS after the churn, its slope over the last part, min and max. */
function rssFigures(who, samples) {
  const last = samples.at(-1)?.rss ?? NaN;
  fig(
    `${who}: RSS after ${scale.churnS / 60} min churn + log`,
    `${last.toFixed(0)} MB`,
    "≤ 150 MB",
    last <= 150,
    "~30 GB after 1 h on a log view",
  );
  const slope = slopeMBPerMinute(samples, scale.churnS - scale.lastS);
  fig(
    `${who}: RSS slope, last ${scale.lastS / 60} min`,
    `${slope.toFixed(2)} MB/min`,
    "no growth (≤ 0.5)",
    slope <= 0.5,
  );
  const rss = samples.map((x) => x.rss);
  note(
    `${who}: RSS min–max over the run`,
    `${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MB`,
  );
}

/** The fill's pods, oldest first: what the churn deletes while it creates its own. */
const fillPods = () =>
  Array.from({ length: scale.bigPods }, (_, i) => fill.podManifest(i, { nodes: scale.nodes }).metadata);

await main();
