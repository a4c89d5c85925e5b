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

// Ink and React as published are ~200 ESM and CommonJS files: loading them took ~1.2 s of the terminal UI's
// start (the module loader, not their code). They are bundled into one ESM file of their own, ink-react.mjs
// (ESM: Ink has a top-level await), and the CLI's import("ink") / import("react") load that file instead —
// ~165 ms. One file holds both, so Ink renders with the same React the CLI's elements are made with.
// (The import names a placeholder while bundling, or the bundler would make the relative path absolute.)
const INK_REACT = "@slipway/ink-ui"; // as long as "./ink-react.mjs", so the source map stays right
const inkFromBundle = {
  name: "ink-from-bundle",
  transform(code, id) {
    if (!id.startsWith(join(root, "dist")) || !/import\("(ink|react)"\)/.test(code)) return null;
    return {
      code: code.replace(/import\("(ink|react)"\)/g, (_, m) => `import("${INK_REACT}").then((b) => b.${m})`),
      map: null,
    };
  },
  renderChunk: (code) => ({
    code: code.replace(/([`"'])@slipway\/ink-ui\1/g, "$1./ink-react.mjs$1"),
    map: null,
  }),
};

await build({
  input: { main: join(root, "dist", "cli", "main.js"), yaml: "yaml" },
  platform: "node",
  // Packages that find their own files through __dirname (a WebAssembly blob) stay in node_modules.
  // Ink and React load only for the live display on a terminal; they stay as they are published.
  external: ["@cdktf/hcl2json", "ink", "react", INK_REACT],
  plugins: [fdirWithoutPicomatch, lazyYaml, inkFromBundle],
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

await build({
  input: { "ink-react": join(root, "scripts", "ink-react-entry.mjs") },
  platform: "node",
  // Ink loads React's devtools only when DEV=true; they are not shipped.
  external: ["react-devtools-core"],
  transform: { define: { "process.env.NODE_ENV": '"production"' } },
  logLevel: "warn",
  output: {
    dir,
    format: "esm",
    minify: true,
    entryFileNames: "[name].mjs",
    chunkFileNames: "[name]-[hash].mjs",
  },
});

// A require("yaml") the plugin missed would load the library from node_modules again, silently.
for (const f of readdirSync(dir).filter((n) => n.endsWith(".cjs")))
  if (readFileSync(join(dir, f), "utf8").includes("(`yaml`)"))
    throw new Error(`${f} requires "yaml" from node_modules; route it to ./yaml.cjs (see lazyYaml)`);
// Nor may an import("ink") be left to load Ink's ~200 files from node_modules.
for (const f of readdirSync(dir).filter((n) => n.endsWith(".cjs")))
  if (/import\(`(ink|react|@slipway\/ink-ui)`\)/.test(readFileSync(join(dir, f), "utf8")))
    throw new Error(
      `${f} imports ink or react from node_modules; route it to ${INK_REACT} (see inkFromBundle)`,
    );
