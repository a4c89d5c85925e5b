// What a process costs, read from /proc as `ps` and `top` would: resident memory, CPU time, and a sampler that
// keeps both every few seconds so the bench can print the RSS slope over a window and CPU over an interval.
import { readFileSync } from "node:fs";

const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s on Linux

/** Resident set size in MB (VmRSS). */
export function rssMB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid) {
  // The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** CPU use of `pid` over the next `ms`, as a percentage of one core. */
export async function cpuPercent(pid, ms) {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return ((cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
}

/** Samples RSS every `everyMs`; `samples()` gives [{t (s since start), rss (MB)}]. */
export function rssSampler(pid, everyMs = 3000) {
  const t0 = performance.now();
  const out = [];
  const sample = () => {
    try {
      out.push({ t: (performance.now() - t0) / 1000, rss: rssMB(pid) });
    } catch {
      /* the process has exited: the samples so far stand */
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return { samples: () => out, stop: () => clearInterval(timer) };
}

/** Least-squares slope of rss over t (MB per minute), for the samples with t ≥ `from`. */
export function slopeMBPerMinute(samples, from = 0) {
  const xs = samples.filter((s) => s.t >= from);
  if (xs.length < 2) return NaN;
  const mx = xs.reduce((a, s) => a + s.t, 0) / xs.length;
  const my = xs.reduce((a, s) => a + s.rss, 0) / xs.length;
  const num = xs.reduce((a, s) => a + (s.t - mx) * (s.rss - my), 0);
  const den = xs.reduce((a, s) => a + (s.t - mx) ** 2, 0);
  return den ? (num / den) * 60 : NaN;
}

/** The `p`th percentile (0–100) of numbers. */
export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
