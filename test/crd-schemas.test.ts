// The bundled CRD schemas (assets/crd-schemas) are what scripts/gen-crd-schemas.mjs makes from the pinned
// releases: sources.json records the pins and the hash of schemas.json, recomputed here; when the Go module
// cache and the peers hold every input, the data is regenerated and compared byte for byte.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "./helpers.js";
import { peersMissing } from "./peers.js";

const dir = join(repoRoot, "assets", "crd-schemas");
const body = readFileSync(join(dir, "schemas.json"), "utf8");
const manifest = JSON.parse(readFileSync(join(dir, "sources.json"), "utf8")) as {
  schemas: { sha256: string; bytes: number };
  sources: { name: string; module?: string; version: string; kinds: number }[];
};
const pins = JSON.parse(readFileSync(join(repoRoot, "scripts", "crd-sources.json"), "utf8")) as {
  sources: { name: string; module?: string; version?: string }[];
};

/** Why the inputs cannot all be had offline, or undefined when they can. */
function inputsMissing(): string | undefined {
  const peers = peersMissing("flux-crds", "controller-gen");
  if (peers) return peers;
  if (!existsSync(join(repoRoot, "dist", "manifests", "crd-shape.js")))
    return "dist/ is not built (npm run build)";
  for (const s of pins.sources.filter((p) => p.module)) {
    const r = spawnSync("go", ["mod", "download", "-json", `${s.module}@${s.version}`], {
      encoding: "utf8",
      env: { ...process.env, GOPROXY: "off", GOFLAGS: "-mod=mod" },
    });
    if (r.status !== 0) return `${s.module}@${s.version} is not in the Go module cache (go mod download it)`;
  }
  return undefined;
}

describe("the bundled CRD schemas", () => {
  it("schemas.json is the file sources.json describes (hash and size)", () => {
    expect(createHash("sha256").update(body).digest("hex")).toBe(manifest.schemas.sha256);
    expect(Buffer.byteLength(body)).toBe(manifest.schemas.bytes);
  });

  it("were made from exactly the pinned versions, and every source gave kinds", () => {
    const data = JSON.parse(body) as { sources: Record<string, string> };
    expect(manifest.sources.map((s) => s.name)).toEqual(pins.sources.map((s) => s.name));
    for (const p of pins.sources.filter((s) => s.version)) expect(data.sources[p.name]).toBe(p.version);
    for (const s of manifest.sources) expect(s.kinds).toBeGreaterThan(0);
  });

  const missing = inputsMissing();
  if (missing) process.stderr.write(`SKIPPED: regenerating the bundled CRD schemas: ${missing}\n`);
  it.runIf(!missing)(
    "regenerating them from the pinned inputs gives the committed files byte for byte",
    () => {
      const out = tempDir("slipway-crd-schemas-");
      const r = spawnSync(
        process.execPath,
        [join(repoRoot, "scripts", "gen-crd-schemas.mjs"), "--offline", "--out", out],
        {
          cwd: repoRoot,
          encoding: "utf8",
        },
      );
      expect(r.stderr).toMatch(/crd-schemas: \d+ kind versions/);
      expect(r.status).toBe(0);
      expect(readFileSync(join(out, "schemas.json"), "utf8")).toBe(body);
      expect(readFileSync(join(out, "sources.json"), "utf8")).toBe(
        readFileSync(join(dir, "sources.json"), "utf8"),
      );
    },
    300_000,
  );
});
