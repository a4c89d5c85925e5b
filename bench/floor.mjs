// The floor for the describe benchmark: read and parse the same manifest files with the same YAML
// parser (yaml's parseDocument + toJS, as slipway's loader), and nothing else.
import { readFileSync } from "node:fs";
import { globSync } from "tinyglobby";
import { LineCounter, parseDocument } from "yaml";

const root = process.argv[2];
let n = 0;
for (const file of globSync(["stacks/**/*.yaml"], { cwd: root, absolute: true })) {
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: new LineCounter() });
  if (doc.toJS()) n++;
}
process.stdout.write(`${n}\n`);
