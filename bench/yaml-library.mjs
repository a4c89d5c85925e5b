// `describe stacks` output written by the `yaml` library, stack by stack as the CLI streams it: what
// YAML output cost before slipway's own writer (src/yaml/emit.ts), and the bytes that writer must equal.
// Loading the JSON output is no part of it (`excluded_ms=`, `excluded_cpu_ms=` on stderr).
import { readFileSync, writeSync } from "node:fs";
import { stringify } from "yaml";

const [t0, c0] = [performance.now(), process.cpuUsage()];
const data = JSON.parse(readFileSync(process.argv[2], "utf8"));
const c = process.cpuUsage(c0);
process.stderr.write(
  `\nexcluded_ms=${performance.now() - t0} excluded_cpu_ms=${(c.user + c.system) / 1000}\n`,
);
const entries = Object.entries(data);
for (const [key, value] of entries)
  writeSync(1, stringify({ [key]: value }, { lineWidth: 0, aliasDuplicateObjects: false }));
if (entries.length === 0) writeSync(1, "{}\n");
