#!/usr/bin/env node
// Kept tiny on purpose: `--version` answers before any module loads, and commands load lazily.
import { hash } from "node:crypto";
import { readFileSync } from "node:fs";
import module, { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);

// A reader that goes away (`slipway … | head`) is not an error: later output is dropped and the command
// finishes as it would have — an apply is never cut short because its pager closed.
const gone = new Set();
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e) => {
    if (e.code !== "EPIPE") throw e;
    gone.add(stream);
  });
const writer = (stream) => (s) => {
  if (!gone.has(stream)) stream.write(s);
};
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`slipway ${pkg.version}\n`);
} else {
  const bundleDir = fileURLToPath(new URL("../dist/bundle/", import.meta.url));
  const debug = argv.includes("--debug");
  // The CLI is a minified CommonJS bundle: map --debug stack traces back to the readable tsc output in
  // dist/.
  if (debug) process.setSourceMapsEnabled(true);
  // Node's own compile cache where Node has it (22.1 and later), in slipway's cache folder
  // (src/cache/policy.ts); on Node 20 there is none, and the bundle is compiled on every run.
  else if (typeof module.enableCompileCache === "function") {
    const { cacheDir } = await import("../dist/cache/policy.js");
    const dir = cacheDir(process.env, "compile", 1);
    if (dir) module.enableCompileCache(dir);
  }
  const { main } = createRequire(import.meta.url)(`${bundleDir}main.cjs`);
  const code = await main(argv, {
    stdout: writer(process.stdout),
    stderr: writer(process.stderr),
    cwd: process.cwd(),
    env: process.env,
    terminal: process.stderr.isTTY ? process.stderr : undefined,
    // The entry's hash names the whole build (each chunk it loads is named by its content's hash); worked
    // out only for a command that keys a cache on it.
    build: () => hash("sha1", readFileSync(`${bundleDir}main.cjs`), "hex"),
  });
  process.exitCode = code;
}
