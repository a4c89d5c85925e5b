// V8 code cache for the CLI bundle. Node 20 has no built-in compile cache for user code
// (`module.enableCompileCache` arrived in Node 22), and compiling the bundle costs a short command such
// as one driver run ~30 ms of its ~90. So the bundle's CommonJS chunks are compiled here with
// `vm.Script`, handed the bytes V8 produced last time, and — after a run that had none, or whose bytes V8
// rejected (another Node, other V8 flags, a rebuilt chunk) — the cache is written anew from the scripts
// as they stand at exit, so it also holds the functions that run compiled lazily.
//
// V8 checks its own version, its flags and the source's length before it uses cached bytes, and the
// file name carries a hash of the source: a stale or damaged file is rejected and replaced, never run. The folder is per user (under the user's cache folder) and is
// written with temp file + rename, so concurrent runs never read half a file. Any failure to read or
// write the cache only costs speed. `SLIPWAY_COMPILE_CACHE=off` turns it off, `=<dir>` moves it.
import Module from "node:module";
import { hash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import vm from "node:vm";

/**
 * Compiles the CommonJS files under `bundleDir` with the code cache in `cacheDir` (undefined: off).
 * Returns `save`, to call once the run is done.
 */
export function installCompileCache(bundleDir, cacheDir) {
  if (!cacheDir) return { save() {} };
  const stale = [];
  let build;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    // Node 20 loses a script's dynamic-import callback when V8 takes its code from the cache, so a chunk
    // that calls import() (for ESM-only packages such as ink) is left to Node's own loader.
    if (!filename.startsWith(bundleDir) || content.includes("import("))
      return compile.call(this, content, filename);
    // V8 checks only the source's length, not its text: cached bytes of an older build whose file has the
    // same length would run the old code. So cache files are named by a hash of the content, in a folder
    // per build (the entry's hash: it names every chunk it loads, and each chunk's name hashes its content).
    const digest = contentHash(content);
    if (basename(filename) === "main.cjs") build = join(cacheDir, digest);
    if (!build) return compile.call(this, content, filename);
    const cacheFile = join(build, `${basename(filename)}.${digest}.v8`);
    let cachedData;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      /* not cached yet */
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) stale.push({ cacheFile, script });
    const wrapper = script.runInThisContext({ displayErrors: true });
    const require = (id) => this.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, this, false, options);
    require.cache = Module._cache;
    return wrapper.call(this.exports, this.exports, require, this, filename, dirname(filename));
  };
  return {
    save() {
      if (stale.length === 0 || !build) return;
      try {
        mkdirSync(build, { recursive: true, mode: 0o700 });
        for (const { cacheFile, script } of stale) {
          const tmp = `${cacheFile}.${process.pid}.tmp`;
          writeFileSync(tmp, script.createCachedData());
          renameSync(tmp, cacheFile);
        }
        // Only this build's folder is kept: the cache never grows past one build of slipway.
        for (const other of readdirSync(cacheDir))
          if (join(cacheDir, other) !== build)
            rmSync(join(cacheDir, other), { recursive: true, force: true });
      } catch {
        /* a read-only or full disk: the next run compiles again */
      }
    },
  };
}

/** A chunk's content as a short hex name (SHA-1: ~1 ms for the whole bundle; a JS loop took 8). */
const contentHash = (text) => hash("sha1", text, "hex").slice(0, 20);

/** `SLIPWAY_COMPILE_CACHE` (a folder, or `off`), else the user's cache folder; per Node version and arch. */
export function compileCacheDir(env) {
  const setting = env.SLIPWAY_COMPILE_CACHE;
  if (setting === "off" || setting === "0" || setting === "false") return undefined;
  const base = setting || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "slipway", "compile-cache");
  return join(base, `${process.version}-${process.arch}`);
}
