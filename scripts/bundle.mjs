// The CLI is shipped as one CommonJS bundle (plus lazily loaded chunks, one per command group): Node resolves and
// compiles a few files instead of several hundred, which is most of the start-up cost of a short command
// such as one driver run (see bench/plan.mjs). Dependencies are bundled too — built from node_modules at
// `npm run build`, never committed: zod alone is ~120 files, which cost more to resolve than to compile.
// dist/ from tsc stays the library entry point (with types).
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// fdir (tinyglobby's crawler) requires its own copy of picomatch from node_modules when it loads, for a
// glob option tinyglobby never uses (tinyglobby matches with the picomatch bundled here). That require
// cost ~7 ms on every command that globs; the plugin drops it from the bundled fdir. If a release of fdir
// changes those lines the build fails here rather than silently keep paying for it.
const fdirWithoutPicomatch = {
  name: "fdir-without-picomatch",
  transform(code, id) {
    if (!/[\\/]node_modules[\\/]fdir[\\/]dist[\\/]index\.mjs$/.test(id)) return null;
    const eager = /__require\.resolve\("picomatch"\);\s*pm = __require\("picomatch"\);/;
    if (!eager.test(code)) throw new Error(`fdir changed: no eager picomatch require in ${id}`);
    return { code: code.replace(eager, ""), map: null };
  },
};
const dir = join(root, "dist", "bundle");
rmSync(dir, { recursive: true, force: true });
await build({
  input: { main: join(root, "dist", "cli", "main.js") },
  platform: "node",
  // Packages that find their own files through __dirname (a WebAssembly blob) stay in node_modules.
  // Ink and React load only for the live display on a terminal; they stay as they are published.
  external: ["@cdktf/hcl2json", "ink", "react"],
  plugins: [fdirWithoutPicomatch],
  logLevel: "warn",
  output: {
    dir,
    // CommonJS, so bin/compile-cache.js can compile the chunks with V8's code cache (Node 20 has no
    // compile cache for ES modules); ESM-only packages (ink) are still loaded with import().
    format: "cjs",
    minify: true,
    sourcemap: true,
    entryFileNames: "[name].cjs",
    chunkFileNames: "[name]-[hash].cjs",
  },
});
