// Regenerates assets/crd-schemas/: the schemas of the CRD kinds slipway checks offline (Flux, Gateway API,
// cert-manager, Cilium, Kyverno, prometheus-operator, external-secrets, Argo CD, Traefik), read from the CRD
// YAML their releases publish. Versions are pinned in scripts/crd-sources.json (printed as it runs); the Go
// modules come from the module proxy (`go mod download`), Flux's CRDs from the flux-crds peer (npm run peers).
// Each served version is reduced to field names, types, enums and required fields (src/manifests/crd-shape.ts,
// so build first) and repeated subtrees are shared. sources.json records versions, input hashes and the hash
// of schemas.json, which test/crd-schemas.test.ts recomputes.
//
//   npx tsc -p tsconfig.json && node scripts/gen-crd-schemas.mjs [--out DIR] [--offline]
//
// --offline: use only modules already in the Go module cache (no download); a missing one is an error.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import jsyaml from "js-yaml";
import { binDir } from "./peers.mjs";
import { crdVersions, isCrd, shareShapes } from "../dist/manifests/crd-shape.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sha = (s) => createHash("sha256").update(s).digest("hex");

/** The folder of a module@version: downloaded, or (offline) only looked up in the module cache. */
export function moduleDir(module, version, { offline = false } = {}) {
  const args = ["mod", "download", "-json", `${module}@${version}`];
  const env = { ...process.env, GOFLAGS: "-mod=mod", ...(offline ? { GOPROXY: "off" } : {}) };
  const r = spawnSync("go", args, { encoding: "utf8", env, maxBuffer: 1 << 26 });
  let info;
  try {
    info = JSON.parse(r.stdout);
  } catch {
    throw new Error(`go ${args.join(" ")}: ${r.stderr || r.error?.message}`);
  }
  if (!info.Dir || !existsSync(info.Dir))
    throw new Error(`${module}@${version}: ${info.Error ?? "no folder"}`);
  return info.Dir;
}

/** CRDs written by the peers' controller-gen from the packages of a pinned module (s.controllerGen holds its go.mod). */
function controllerGen(s, { offline }) {
  const mod = join(root, s.controllerGen);
  const gomod = readFileSync(join(mod, "go.mod"), "utf8");
  if (!new RegExp(`\\s${s.module.replace(/[.]/g, "\\.")} ${s.version}\\b`).test(gomod))
    throw new Error(`${s.controllerGen}/go.mod does not require ${s.module} ${s.version}`);
  const out = join(tmpdir(), `slipway-crd-gen-${s.name}-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const env = { ...process.env, GOFLAGS: "-mod=mod", ...(offline ? { GOPROXY: "off" } : {}) };
  const args = ["crd", ...s.packages.map((p) => `paths=${p}`), `output:crd:dir=${out}`];
  const r = spawnSync(join(binDir(), "controller-gen"), args, { cwd: mod, encoding: "utf8", env });
  if (r.status !== 0)
    throw new Error(
      `${s.name}: controller-gen ${args.join(" ")}: ${(r.stderr || r.error?.message || "").slice(-2000)}`,
    );
  return out;
}

function yamlFiles(path, match) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .sort()
    .filter((f) => (match ? new RegExp(match).test(f) : /\.ya?ml$/.test(f)))
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile());
}

export function generate({ out = join(root, "assets", "crd-schemas"), offline = false } = {}) {
  const cfg = JSON.parse(readFileSync(join(root, "scripts", "crd-sources.json"), "utf8"));
  const kinds = {};
  const groups = {};
  const sources = [];
  for (const s of cfg.sources) {
    const dir = s.peer
      ? join(binDir(), s.peer)
      : s.controllerGen
        ? controllerGen(s, { offline })
        : moduleDir(s.module, s.version, { offline });
    if (!existsSync(dir)) throw new Error(`${s.name}: ${dir} is missing (npm run peers builds ${s.peer})`);
    const version = s.version ?? peerVersion(s.name);
    const files = {};
    let n = 0;
    for (const p of s.paths ?? ["."]) {
      for (const f of yamlFiles(join(dir, p), s.match)) {
        const text = readFileSync(f, "utf8");
        let docs;
        try {
          docs = jsyaml.loadAll(text);
        } catch (e) {
          throw new Error(`${s.name}: ${relative(dir, f)} does not parse: ${e.message}`, { cause: e });
        }
        const crds = docs.filter((d) => d && typeof d === "object" && isCrd(d));
        if (!crds.length) continue;
        files[relative(dir, f)] = sha(text).slice(0, 16);
        for (const crd of crds)
          for (const [gvk, v] of crdVersions(crd)) {
            kinds[gvk] = v;
            groups[gvk.split("/")[0]] = s.name;
            n++;
          }
      }
    }
    if (s.controllerGen) rmSync(dir, { recursive: true, force: true });
    if (!n) throw new Error(`${s.name}: no CRD found under ${(s.paths ?? [dir]).join(", ")}`);
    sources.push({
      name: s.name,
      ...(s.module ? { module: s.module } : { peer: s.peer }),
      version,
      kinds: n,
      files,
    });
    process.stderr.write(
      `crd-schemas: ${s.name} ${version}: ${n} kind versions from ${Object.keys(files).length} files\n`,
    );
  }
  const sorted = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1)));
  const shared = shareShapes(sorted);
  const body =
    JSON.stringify({
      $comment:
        "Generated by scripts/gen-crd-schemas.mjs from published CRDs (scripts/crd-sources.json); do not edit.",
      sources: Object.fromEntries(sources.map((s) => [s.name, s.version])),
      groups: Object.fromEntries(Object.entries(groups).sort(([a], [b]) => (a < b ? -1 : 1))),
      kinds: shared.kinds,
      defs: shared.defs,
    }) + "\n";
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "schemas.json"), body);
  const manifest = {
    $comment:
      "Written by scripts/gen-crd-schemas.mjs with schemas.json: what it was made from, and its hash (test/crd-schemas.test.ts checks it).",
    schemas: { sha256: sha(body), bytes: Buffer.byteLength(body) },
    sources,
  };
  writeFileSync(join(out, "sources.json"), JSON.stringify(manifest, null, 2) + "\n");
  process.stderr.write(
    `crd-schemas: ${Object.keys(sorted).length} kind versions, ${Object.keys(shared.defs).length} shared definitions, ${Buffer.byteLength(body)} bytes\n`,
  );
  return manifest;
}

/** Flux's version: the flux pin of the peers (its CRDs are generated at the API versions flux2 requires). */
function peerVersion(name) {
  const pins = JSON.parse(readFileSync(join(root, "test", "peers", "pins.json"), "utf8")).peers;
  return pins.find((p) => p.name === name)?.version ?? "unknown";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--out");
  try {
    generate({
      ...(at > 0 ? { out: process.argv[at + 1] } : {}),
      offline: process.argv.includes("--offline"),
    });
  } catch (e) {
    process.stderr.write(`gen-crd-schemas: ${e.message}\n`);
    process.exitCode = 1;
  }
}
