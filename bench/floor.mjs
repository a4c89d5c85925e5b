// The floor for the describe benchmark: read and parse the same manifest files with the same YAML
// parser, and nothing else. `js-yaml` is slipway's parsing path; `yaml` (full documents with source
// positions) is printed for comparison.
import { readFileSync } from "node:fs";
import { globSync } from "tinyglobby";

const [root, parser = "js-yaml"] = process.argv.slice(2);
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
process.stdout.write(`${n}\n`);
