#!/usr/bin/env node
// Kept tiny on purpose: `--version` answers before any module loads, and commands load lazily.
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`slipway ${pkg.version}\n`);
} else {
  const { main } = await import("../dist/cli/main.js");
  const code = await main(argv, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
  });
  process.exitCode = code;
}
