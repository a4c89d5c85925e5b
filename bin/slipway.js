#!/usr/bin/env node
// Kept tiny on purpose: `--version` answers before any module loads, and commands load lazily.
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`slipway ${pkg.version}\n`);
} else {
  // The CLI is a minified bundle: map --debug stack traces back to the readable tsc output in dist/.
  if (argv.includes("--debug")) process.setSourceMapsEnabled(true);
  const { main } = await import("../dist/bundle/main.js");
  const code = await main(argv, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
  });
  process.exitCode = code;
}
