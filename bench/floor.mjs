// The floors for the describe benchmark: read and parse the same manifest files with the same YAML
// parser, and nothing else. `js-yaml` is slipway's parsing path; `yaml` (full documents with source
// positions) is printed for comparison.
//
// With a third argument (a file holding slipway's JSON output), the I/O floor: the parse, then
// `JSON.stringify` of that same output object written to stdout, as `describe stacks --format json`
// writes it. Loading the object from the file is no part of the floor: its wall and CPU time go to
// stderr as `excluded_ms=` and `excluded_cpu_ms=`, and the bench subtracts them.
import { readFileSync } from "node:fs";
import { globSync } from "tinyglobby";

const [root, parser = "js-yaml", output] = process.argv.slice(2);
const files = globSync(["stacks/**/*.yaml"], { cwd: root, absolute: true });
let parse;
if (parser === "yaml") {
  const { LineCounter, parseDocument } = await import("yaml");
  parse = (text) => parseDocument(text, { lineCounter: new LineCounter() }).toJS();
} else {
  const { default: jsyaml } = await import("js-yaml");
  parse = (text) => jsyaml.load(text);
}
let n = 0;
for (const file of files) if (parse(readFileSync(file, "utf8"))) n++;
if (output) {
  const [t0, c0] = [performance.now(), process.cpuUsage()];
  const data = JSON.parse(readFileSync(output, "utf8"));
  const c = process.cpuUsage(c0);
  process.stderr.write(
    `\nexcluded_ms=${performance.now() - t0} excluded_cpu_ms=${(c.user + c.system) / 1000}\n`,
  );
  process.stdout.write(JSON.stringify(data, null, 2) + "\n");
} else process.stdout.write(`${n}\n`);
