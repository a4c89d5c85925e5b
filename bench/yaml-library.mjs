// `describe stacks` output written by the `yaml` library, stack by stack as the CLI streams it: what
// YAML output cost before slipway's own writer (src/yaml/emit.ts), and the bytes that writer must equal.
// Loading the JSON output is no part of it (`excluded_ms=` on stderr).
import { readFileSync, writeSync } from "node:fs";
import { stringify } from "yaml";

const t0 = performance.now();
const data = JSON.parse(readFileSync(process.argv[2], "utf8"));
process.stderr.write(`\nexcluded_ms=${performance.now() - t0}\n`);
const entries = Object.entries(data);
for (const [key, value] of entries)
  writeSync(1, stringify({ [key]: value }, { lineWidth: 0, aliasDuplicateObjects: false }));
if (entries.length === 0) writeSync(1, "{}\n");
