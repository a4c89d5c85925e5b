// The figures of docs/validation.md: `slipway validate manifests` on checked-out GitOps repositories, one
// Markdown row each — objects, objects with a schema, errors, warnings, skipped, time, peak RSS. Which
// errors are true findings and which are false is judged by reading them (the doc lists them); this
// script only measures. Usage: node scripts/validation-table.mjs [NAME=]DIR… (after `npm run build`).
import { spawnSync } from "node:child_process";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "slipway.js");
const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error("usage: node scripts/validation-table.mjs [NAME=]DIR…");
  process.exit(2);
}
console.log(
  "| repository | files | objects | without a schema | errors | warnings | kustomizations | skipped builds / documents | time | peak RSS |",
);
console.log("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
for (const arg of dirs) {
  const eq = arg.indexOf("=");
  const [name, dir] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [basename(arg), arg];
  const t0 = performance.now();
  // GNU time's %M: the peak resident set of the command, in KiB.
  const r = spawnSync(
    "/usr/bin/time",
    ["-f", "rss_kib=%M", process.execPath, bin, "validate", "manifests", dir, "--format", "json"],
    { encoding: "utf8", maxBuffer: 1 << 28 },
  );
  const ms = performance.now() - t0;
  const rss = Number(/rss_kib=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    console.log(`| ${name} | failed (exit ${r.status}): ${r.stderr.trim().split("\n")[0]} |`);
    continue;
  }
  const s = report.summary;
  const noSchema =
    s.withoutSchema ?? (s.unknownKinds ?? []).filter((u) => !u.fieldsOnly).reduce((n, u) => n + u.count, 0);
  const skipped = `${s.skippedBuilds?.length ?? 0} / ${s.skipped ?? 0}`;
  console.log(
    `| ${name} | ${s.files} | ${s.objects} | ${noSchema} | ${s.errors} | ${s.warnings} | ${s.kustomizations} | ${skipped} | ${(ms / 1000).toFixed(1)} s | ${rss.toFixed(0)} MB |`,
  );
}
