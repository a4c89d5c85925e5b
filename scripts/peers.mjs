// `npm run peers`: build the real tools the tests use as oracles ("peers") from their Go modules, pinned in
// test/peers/pins.json, each through its wrapper module test/peers/<name>/ (go.mod + go.sum). Binaries land in
// a per-user cache keyed by name, version and a hash of the wrapper, so a second run builds nothing; the bin
// folder holds a link to each, plus `tofurc` (OpenTofu's CLI config pointing at the providers' mirror).
//
//   npm run peers                       build what is missing (two at a time), print each build's time
//   npm run --silent peers -- --print-path   print the bin folder only (nothing built)
//   npm run peers -- --only tofu,sops   build just these
//
// A peer that fails to build is reported with the reason and recorded in the bin folder's status.json; the
// tests that need it skip, saying why (test/peers.ts). The exit code is 1 when any peer failed.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const peersSrc = join(root, "test", "peers");
const JOBS = 2;

/** The pins, each with the hash of its wrapper module (what the cache is keyed by beside name and version). */
export function readPins() {
  const { peers } = JSON.parse(readFileSync(join(peersSrc, "pins.json"), "utf8"));
  return peers.map((p) => {
    const dir = join(peersSrc, p.name);
    const read = (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
    const gomod = read("go.mod");
    const gosum = read("go.sum");
    const key = createHash("sha256").update(JSON.stringify(p)).update(gomod).update(gosum).digest("hex");
    return { ...p, dir, gomod, key: key.slice(0, 12) };
  });
}

/** The cache folder: $SLIPWAY_PEERS_CACHE, else $XDG_CACHE_HOME/slipway/peers, else ~/.cache/slipway/peers. */
export function cacheRoot(env = process.env) {
  if (env.SLIPWAY_PEERS_CACHE) return env.SLIPWAY_PEERS_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "slipway", "peers");
}

/** The bin folder for this set of pins: one link per binary, tofurc, status.json. */
export function binDir(pins = readPins(), env = process.env) {
  const all = createHash("sha256")
    .update(pins.map((p) => p.key).join(","))
    .digest("hex")
    .slice(0, 12);
  return join(cacheRoot(env), `bin-${all}`);
}

/** Whether a build folder holds everything the peer makes: binaries, data files, generated folders. */
const complete = (p, dest) =>
  [...p.binaries, ...Object.keys(p.data ?? {}), ...(p.generate ? [p.generate.folder] : [])].every((f) =>
    existsSync(join(dest, f)),
  );

const outDir = (p, env) => join(cacheRoot(env), p.name, `${p.version}-${p.key}`);

/** The packages a wrapper builds: its go.mod `tool` lines. */
function toolPackages(p) {
  const tools = [];
  const block = /^tool\s*\(([\s\S]*?)^\)/m.exec(p.gomod);
  if (block)
    tools.push(
      ...block[1]
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("//")),
    );
  for (const m of p.gomod.matchAll(/^tool\s+([^\s(]+)\s*$/gm)) tools.push(m[1]);
  return tools;
}

/** The wrapper must require the pinned module at the pinned version, so the pin file never lies. */
function checkPin(p) {
  if (!p.gomod) return `test/peers/${p.name}/go.mod is missing`;
  const re = new RegExp(`^\\s*(?:require\\s+)?${p.module.replace(/[.]/g, "\\.")}\\s+(\\S+)`, "m");
  const m = re.exec(p.gomod);
  if (!m) return `test/peers/${p.name}/go.mod does not require ${p.module}`;
  if (m[1] !== p.version)
    return `test/peers/${p.name}/go.mod requires ${p.module} ${m[1]}, pins.json says ${p.version}`;
  if (toolPackages(p).length === 0) return `test/peers/${p.name}/go.mod has no tool lines: nothing to build`;
  return undefined;
}

function run(argv, opts) {
  return new Promise((done) => {
    const child = spawn(argv[0], argv.slice(1), { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", (e) => done({ code: -1, out: String(e) }));
    child.on("close", (code) => done({ code, out }));
  });
}

async function build(p, env) {
  // A pin can say why it is not built at all (the module cannot build offline); that is reported, not failed.
  if (p.skip) return { name: p.name, ok: false, skipped: true, reason: p.skip, seconds: 0 };
  const dest = outDir(p, env);
  if (complete(p, dest)) return { name: p.name, ok: true, cached: true, seconds: 0, dest };
  const bad = checkPin(p);
  if (bad) return { name: p.name, ok: false, reason: bad, seconds: 0 };
  const tmp = `${dest}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const goEnv = {
    ...env,
    GOFLAGS: [env.GOFLAGS, "-trimpath", "-buildvcs=false"].filter(Boolean).join(" "),
    GOTOOLCHAIN: env.GOTOOLCHAIN || "local",
    CGO_ENABLED: env.CGO_ENABLED ?? "0",
  };
  const started = Date.now();
  // One package builds to the pinned name (go would name etcd's `server/v3` package "server").
  const pkgs = toolPackages(p);
  const out = pkgs.length === 1 && p.binaries.length === 1 ? join(tmp, p.binaries[0]) : tmp + "/";
  const ldflags = p.ldflags ? ["-ldflags", p.ldflags] : [];
  const r = await run(["go", "build", ...ldflags, "-o", out, ...pkgs], { cwd: p.dir, env: goEnv });
  const seconds = (Date.now() - started) / 1000;
  if (r.code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const tail = r.out.trim().split("\n").slice(-15).join("\n");
    return { name: p.name, ok: false, seconds, reason: `go build failed (exit ${r.code}):\n${tail}` };
  }
  const missing = p.binaries.filter((b) => !existsSync(join(tmp, b)));
  if (missing.length) {
    rmSync(tmp, { recursive: true, force: true });
    return { name: p.name, ok: false, seconds, reason: `go build made no ${missing.join(", ")}` };
  }
  if (p.data) {
    const d = await copyData(p, tmp, goEnv);
    if (d) {
      rmSync(tmp, { recursive: true, force: true });
      return { name: p.name, ok: false, seconds, reason: d };
    }
  }
  if (p.generate) {
    const g = await generate(p, tmp, goEnv);
    if (g) {
      rmSync(tmp, { recursive: true, force: true });
      return { name: p.name, ok: false, seconds, reason: g };
    }
  }
  rmSync(dest, { recursive: true, force: true });
  renameSync(tmp, dest);
  return { name: p.name, ok: true, cached: false, seconds: (Date.now() - started) / 1000, dest };
}

/** Data files from the peer's module (not code), each list joined into one multi-document YAML file. */
async function copyData(p, tmp, goEnv) {
  const r = await run(["go", "list", "-m", "-f", "{{.Dir}}", p.module], { cwd: p.dir, env: goEnv });
  const dir = r.out.trim();
  if (r.code !== 0 || !existsSync(dir)) return `cannot find ${p.module}'s files: ${r.out.trim()}`;
  for (const [name, files] of Object.entries(p.data)) {
    const missing = files.filter((f) => !existsSync(join(dir, f)));
    if (missing.length) return `${p.module} has no ${missing.join(", ")}`;
    writeFileSync(
      join(tmp, name),
      files.map((f) => readFileSync(join(dir, f), "utf8").trim() + "\n").join("---\n"),
    );
  }
  return undefined;
}

/** Files a peer's tool makes from Go packages (CRDs by controller-gen); the reason when it fails. */
async function generate(p, tmp, goEnv) {
  const out = join(tmp, p.generate.folder);
  const paths = p.generate.packages.map((pkg) => `paths=${pkg}`);
  const r = await run([join(tmp, p.binaries[0]), "crd", ...paths, `output:crd:dir=${out}`], {
    cwd: p.dir,
    env: goEnv,
  });
  if (r.code !== 0)
    return `${p.binaries[0]} crd failed (exit ${r.code}):\n${r.out.trim().split("\n").slice(-15).join("\n")}`;
  return existsSync(out) && readdirSync(out).length > 0 ? undefined : `${p.binaries[0]} crd wrote no CRDs`;
}

/**
 * OpenTofu's unpacked filesystem mirror, one for every provider peer, in the bin folder:
 * <host>/<namespace>/<type>/<version>/<os>_<arch>/<binary>_v<version>, and `tofurc` pointing at it.
 */
function writeProviderMirror(providerPeers, bin) {
  const mirror = join(bin, "tofu-mirror");
  const target = `linux_${process.arch === "x64" ? "amd64" : process.arch}`;
  for (const { p, dest } of providerPeers) {
    for (const [binary, { source, version }] of Object.entries(p.providers)) {
      const d = join(mirror, "registry.opentofu.org", source, version, target);
      mkdirSync(d, { recursive: true });
      linkSync(join(dest, binary), join(d, `${binary}_v${version}`));
    }
  }
  writeFileSync(
    join(bin, "tofurc"),
    `# Written by npm run peers: providers come from the local mirror only (no network).\n` +
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.opentofu.org/*/*"]\n  }\n}\n`,
  );
}

function linkBinaries(results, pins, bin) {
  mkdirSync(bin, { recursive: true });
  for (const f of readdirSync(bin))
    if (f !== "status.json") rmSync(join(bin, f), { force: true, recursive: true });
  const providerPeers = [];
  for (const r of results) {
    if (!r.ok) continue;
    const p = pins.find((x) => x.name === r.name);
    if (p.providers) providerPeers.push({ p, dest: r.dest });
    for (const b of p.binaries) symlinkSync(join(r.dest, b), join(bin, b));
    if (p.generate) symlinkSync(join(r.dest, p.generate.folder), join(bin, p.generate.folder));
    for (const name of Object.keys(p.data ?? {})) symlinkSync(join(r.dest, name), join(bin, name));
  }
  if (providerPeers.length) writeProviderMirror(providerPeers, bin);
}

async function pool(items, jobs, fn) {
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        results.push(await fn(item));
      }
    }),
  );
  return results;
}

async function main(argv) {
  const pins = readPins();
  const bin = binDir(pins);
  if (argv.includes("--print-path")) {
    process.stdout.write(bin + "\n");
    return 0;
  }
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1].split(",")) : undefined;
  const go = await run(["go", "version"], { env: process.env });
  if (go.code !== 0) {
    process.stderr.write("peers: `go` is not on PATH; install Go 1.26 to build the peers\n");
    return 1;
  }
  process.stderr.write(`peers: ${go.out.trim()}; cache ${cacheRoot()}\n`);
  const started = Date.now();
  const chosen = pins.filter((p) => !only || only.has(p.name));
  const results = await pool(chosen, JOBS, async (p) => {
    const r = await build(p, process.env);
    const what = r.ok
      ? r.cached
        ? "cached"
        : `built in ${r.seconds.toFixed(0)} s`
      : r.skipped
        ? "not built (see its pin)"
        : `FAILED after ${r.seconds.toFixed(0)} s`;
    process.stderr.write(`peers: ${p.name} ${p.version}: ${what}\n`);
    if (!r.ok) process.stderr.write(r.reason.replace(/^/gm, "    ") + "\n");
    return r;
  });
  // Peers not chosen this run keep what an earlier run recorded.
  const statusFile = join(bin, "status.json");
  const earlier = existsSync(statusFile) ? JSON.parse(readFileSync(statusFile, "utf8")) : {};
  for (const p of pins) {
    if (chosen.includes(p)) continue;
    const dest = outDir(p, process.env);
    if (complete(p, dest)) results.push({ name: p.name, ok: true, cached: true, dest });
    else if (earlier[p.name]) results.push({ ...earlier[p.name], name: p.name });
  }
  linkBinaries(results, pins, bin);
  const status = Object.fromEntries(
    results.map((r) => [
      r.name,
      r.ok
        ? { ok: true, version: pins.find((p) => p.name === r.name).version, seconds: r.seconds ?? 0 }
        : { ok: false, reason: r.reason, seconds: r.seconds ?? 0 },
    ]),
  );
  writeFileSync(statusFile, JSON.stringify(status, null, 2) + "\n");
  const failed = results.filter((r) => !r.ok && !r.skipped);
  const skipped = results.filter((r) => r.skipped);
  const ready = results.length - failed.length - skipped.length;
  process.stderr.write(
    `peers: ${ready} of ${pins.length} ready in ${((Date.now() - started) / 1000).toFixed(0)} s` +
      `${skipped.length ? `; not built, as their pins say: ${skipped.map((r) => r.name).join(", ")}` : ""}` +
      `${failed.length ? `; FAILED: ${failed.map((r) => r.name).join(", ")}` : ""}\npeers: bin folder ${bin}\n`,
  );
  return failed.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
