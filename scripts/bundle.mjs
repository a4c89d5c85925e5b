// The CLI is shipped as one CommonJS bundle (plus lazily loaded chunks, one per command group): Node resolves and
// compiles a few files instead of several hundred, which is most of the start-up cost of a short command
// such as one driver run (see bench/plan.mjs). Dependencies are bundled too — built from node_modules at
// `npm run build`, never committed: zod alone is ~120 files, which cost more to resolve than to compile.
// dist/ from tsc stays the library entry point (with types).
import { readdirSync, readFileSync, rmSync } from "node:fs";
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
// The `yaml` library is only needed by some commands (YAML output, positions for errors, edits), so the
// code loads it on demand with a synchronous require("yaml"). From node_modules that is ~70 files to
// resolve and compile (~25 ms); here it is bundled as its own chunk, yaml.cjs, and those requires point
// at it (the bundle's chunks all sit in one folder). The tsc output in dist/ keeps require("yaml").
const lazyYaml = {
  name: "lazy-yaml-chunk",
  transform(code, id) {
    if (!id.startsWith(join(root, "dist")) || !code.includes('require("yaml")')) return null;
    return { code: code.replaceAll('require("yaml")', 'require("./yaml.cjs")'), map: null };
  },
};

await build({
  input: { main: join(root, "dist", "cli", "main.js"), yaml: "yaml" },
  platform: "node",
  // Packages that find their own files through __dirname (a WebAssembly blob) stay in node_modules.
  // Ink and React load only for the live display on a terminal; they stay as they are published.
  external: ["@cdktf/hcl2json", "ink", "react"],
  plugins: [fdirWithoutPicomatch, lazyYaml],
  // @kubernetes/client-node's index re-exports every generated API and model class; slipway uses its
  // KubeConfig (contexts, credentials, auth plugins) only. Its modules have no side effects we rely on, so
  // unused exports are dropped: the kube chunk loads in ~75 ms instead of ~215 ms (954 KB → 521 KB).
  treeshake: { moduleSideEffects: (id) => !/[\\/]@kubernetes[\\/]client-node[\\/]/.test(id) },
  logLevel: "warn",
  output: {
    dir,
    // CommonJS: the lazily loaded `yaml` chunk is require()d by code that must stay synchronous (positions
    // for an error); ESM-only packages (ink) are loaded with import().
    format: "cjs",
    minify: true,
    sourcemap: true,
    entryFileNames: "[name].cjs",
    chunkFileNames: "[name]-[hash].cjs",
  },
});

// A require("yaml") the plugin missed would load the library from node_modules again, silently.
for (const f of readdirSync(dir).filter((n) => n.endsWith(".cjs")))
  if (readFileSync(join(dir, f), "utf8").includes("(`yaml`)"))
    throw new Error(`${f} requires "yaml" from node_modules; route it to ./yaml.cjs (see lazyYaml)`);
