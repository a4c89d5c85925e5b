// Running one command for the benchmarks: wall time, CPU time and peak RSS, stdout to a file (as
// `> out.json` would). Node commands report their own figures through rss-probe.mjs; any other program
// (the Atmos peer) is run under /usr/bin/time when the machine has it.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const TIME = "/usr/bin/time";

/**
 * One run. `cmd` is `{ node: args }` for a Node script or `{ exe, args }` for another program. Returns
 * ms (wall, minus what the command reports as `excluded_ms=`), cpu (ms, minus `excluded_cpu_ms=`), rss
 * (MB), bytes written.
 */
export function runOnce(cmd, { cwd, env = {}, outFile, probe }) {
  const fd = openSync(outFile, "w");
  const timeFile = `${outFile}.time`;
  const [exe, args] = cmd.node
    ? [process.execPath, ["--import", probe, ...cmd.node]]
    : existsSync(TIME)
      ? [TIME, ["-o", timeFile, "-f", "maxrss_kib=%M cpu_s=%U+%S", cmd.exe, ...cmd.args]]
      : [cmd.exe, cmd.args];
  const t0 = performance.now();
  const r = spawnSync(exe, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", fd, "pipe"],
    env: cmd.env ?? { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = performance.now() - t0;
  closeSync(fd);
  if (r.status !== 0)
    throw new Error(`${[exe, ...args].join(" ")} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  let report = r.stderr;
  if (!cmd.node && existsSync(timeFile)) {
    report += readFileSync(timeFile, "utf8");
    rmSync(timeFile);
  }
  const excluded = Number(/excluded_ms=([\d.]+)/.exec(report)?.[1] ?? 0);
  const cpuUs = /cpu_us=(\d+)/.exec(report);
  const cpuS = /cpu_s=([\d.]+)\+([\d.]+)/.exec(report);
  const excludedCpu = Number(/excluded_cpu_ms=([\d.]+)/.exec(report)?.[1] ?? 0);
  const cpu =
    (cpuUs ? Number(cpuUs[1]) / 1000 : cpuS ? (Number(cpuS[1]) + Number(cpuS[2])) * 1000 : NaN) - excludedCpu;
  return {
    ms: wall - excluded,
    excluded,
    cpu,
    rss: Number(/maxrss_kib=(\d+)/.exec(report)?.[1] ?? NaN) / 1024,
    bytes: statSync(outFile).size,
  };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A warm-up run (file cache; the output cache where it is on), then the median of `runs`; peak RSS is the max. */
export function measure(label, cmd, opts) {
  if (opts.warm !== false) runOnce(cmd, opts);
  const runs = Array.from({ length: opts.runs }, () => runOnce(cmd, opts));
  return {
    label,
    ms: median(runs.map((r) => r.ms)),
    cpu: median(runs.map((r) => r.cpu)),
    rss: Math.max(...runs.map((r) => r.rss)),
    bytes: runs[0].bytes,
  };
}

/** One row of figures: label, median wall, median CPU, peak RSS. */
export function row(r, width = 64) {
  const cpu = Number.isNaN(r.cpu) ? "" : `${r.cpu.toFixed(0).padStart(7)} ms CPU`;
  const rss = Number.isNaN(r.rss) ? "    ? MB" : `${r.rss.toFixed(0).padStart(5)} MB`;
  return `${r.label.padEnd(width)} ${r.ms.toFixed(0).padStart(7)} ms ${cpu}  ${rss}`;
}

/** `meets`/`MISSES` and the figure against its target. */
export function check(label, ok) {
  return `${ok ? "meets " : "MISSES"}  ${label}`;
}

export const outPath = (here, ...parts) => join(here, ".out", ...parts);
