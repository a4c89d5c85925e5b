// The CLI is shipped as one ESM bundle (plus lazily loaded chunks, one per command group): Node resolves and
// compiles a few files instead of several hundred, which is most of the start-up cost of a short command
// such as one driver run (see bench/plan.mjs). Dependencies are bundled too — built from node_modules at
// `npm run build`, never committed: zod alone is ~120 files, which cost more to resolve than to compile.
// dist/ from tsc stays the library entry point (with types).
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "dist", "bundle");
rmSync(dir, { recursive: true, force: true });
await build({
  input: { main: join(root, "dist", "cli", "main.js") },
  platform: "node",
  // Packages that find their own files through __dirname (a WebAssembly blob) stay in node_modules.
  // Ink and React load only for the live display on a terminal; they stay as they are published.
  external: ["@cdktf/hcl2json", "ink", "react"],
  logLevel: "warn",
  output: {
    dir,
    format: "esm",
    minify: true,
    sourcemap: true,
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
  },
});
