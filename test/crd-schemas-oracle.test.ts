// The real API server judges the schema fixtures (test/fixtures/manifests/schemas) with the real CRDs
// installed — Flux's from the flux-crds peer, the fixtures' own, and Gateway API, cert-manager and Cilium from
// their pinned Go modules when the module cache has them — and slipway must agree with it both ways: every
// object the server refuses is an error in slipway, and every object slipway calls wrong the server refuses.
// That second direction is what keeps the bundled (compacted) schemas from inventing errors.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { isCrd } from "../src/manifests/crd-shape.js";
import { validateManifests } from "../src/manifests/validate.js";
import { dryRunApply, haveCluster, kubectl, useCluster } from "./cluster.js";
import { fixture, repoRoot } from "./helpers.js";
import { havePeers, peersBin } from "./peers.js";

const what = "the API server as the oracle for the bundled CRD schemas (test/crd-schemas-oracle.test.ts)";
const ready = haveCluster(what) && havePeers(what, "flux-crds");
const root = fixture("manifests", "schemas");
const FILES = [
  "faults/core.yaml",
  "faults/custom.yaml",
  "faults/removed.yaml",
  "clean/open-maps.yaml",
  "gadgets/gadgets.yaml",
  "in-tree/widgets.yaml",
  "clean/gated.yaml",
];
/** Served by a real cluster only with --runtime-config: the server here refuses it, slipway warns (by design). */
const GATED = "clean/gated.yaml MutatingAdmissionPolicy/add-team-label";

/** CRD folders of the pinned modules, when the Go module cache holds them (no download in a test). */
function moduleCrds(): { dirs: string[]; absent: string[] } {
  const pins = JSON.parse(readFileSync(join(repoRoot, "scripts", "crd-sources.json"), "utf8")) as {
    sources: { name: string; module?: string; version?: string; paths?: string[] }[];
  };
  const wanted: Record<string, string[]> = {
    "gateway-api": ["config/crd/experimental"],
    "cert-manager": ["deploy/crds"],
    cilium: ["pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml"],
    kyverno: ["config/crds/kyverno/kyverno.io_clusterpolicies.yaml"],
    "cloudnative-pg": ["config/crd/bases/postgresql.cnpg.io_clusters.yaml"],
  };
  const dirs: string[] = [];
  const absent: string[] = [];
  for (const s of pins.sources.filter((p) => p.name in wanted)) {
    const r = spawnSync("go", ["mod", "download", "-json", `${s.module}@${s.version}`], {
      encoding: "utf8",
      env: { ...process.env, GOPROXY: "off", GOFLAGS: "-mod=mod" },
    });
    const dir = r.status === 0 ? (JSON.parse(r.stdout) as { Dir?: string }).Dir : undefined;
    if (dir) dirs.push(...wanted[s.name]!.flatMap((p) => crdFiles(join(dir, p))));
    else absent.push(`${s.name} (${s.module}@${s.version} not in the module cache)`);
  }
  return { dirs, absent };
}

/** The files of a folder (or the file) that hold CustomResourceDefinitions: not its kustomization or README. */
function crdFiles(path: string): string[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(path, f))
    : [path];
  return files.filter((f) => /^kind: CustomResourceDefinition$/m.test(readFileSync(f, "utf8")));
}

type Json = Record<string, unknown>;
const id = (file: string, o: Json) =>
  `${file} ${String(o.kind)}/${String((o.metadata as Json | undefined)?.name)}`;

describe.runIf(ready)(what, () => {
  const cluster = useCluster({ nodes: 0 });
  const objects: { file: string; value: Json }[] = [];
  let absent: string[] = [];

  beforeAll(() => {
    for (const file of FILES)
      for (const doc of parseAllDocuments(readFileSync(join(root, file), "utf8"))) {
        const value = doc.toJS() as Json;
        if (value && typeof value === "object") objects.push({ file, value });
      }
    const mods = moduleCrds();
    absent = mods.absent;
    const crds = [join(peersBin, "flux-crds") + "/", join(root, "gadget-crds") + "/", ...mods.dirs];
    for (const c of crds) {
      const r = kubectl(cluster, ["apply", "--server-side", "-f", c]);
      if (r.code !== 0) throw new Error(`installing ${c} failed: ${r.stderr}`);
    }
    // The tree's own CRD is installed for real, as a cluster would have it before its objects.
    for (const o of objects.filter((o) => isCrd(o.value)))
      kubectl(cluster, ["apply", "--server-side", "-f", "-"], JSON.stringify(o.value));
    kubectl(cluster, ["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
    for (const ns of ["shop", "flux-system"]) kubectl(cluster, ["create", "namespace", ns]);
  }, 180_000);

  it("slipway reports an error for exactly the objects the API server refuses", async () => {
    const server = new Map<string, string>();
    const unchecked: string[] = [];
    const leftOut: string[] = [];
    for (const o of objects) {
      if (isCrd(o.value)) continue;
      if (JSON.stringify(o.value).includes("${")) {
        leftOut.push(`${id(o.file, o.value)} (Flux \${VAR}: filled in before the server sees it)`);
        continue;
      }
      const r = await dryRunApply(cluster, o.value);
      if (r.ok) continue;
      const group = String(o.value.apiVersion).split("/").slice(0, -1).join("/");
      const builtin = !group.includes(".") || group.endsWith(".k8s.io");
      // A kind of a group the server has no CRD for (its module not in the cache): not judged, listed.
      if (
        !r.served &&
        !builtin &&
        !kubectl(cluster, ["api-versions"])
          .stdout.split("\n")
          .some((gv) => gv.startsWith(`${group}/`))
      ) {
        unchecked.push(id(o.file, o.value));
        continue;
      }
      server.set(id(o.file, o.value), r.message!);
    }
    const report = await validateManifests(
      FILES.map((f) => f),
      {
        cwd: root,
        build: false,
        crds: ["gadget-crds"],
        disable: ["no-requests", "image-unpinned", "helm-chart-unpinned"],
      },
    );
    const slipway = new Map<string, string>();
    for (const f of report.findings.filter((f) => f.severity === "error" && f.object))
      slipway.set(`${f.file} ${f.object!.kind}/${f.object!.name}`, f.message);
    const judged = (k: string) => !unchecked.includes(k) && !leftOut.some((l) => l.startsWith(k + " "));
    expect(server.get(GATED)).toMatch(/serves no MutatingAdmissionPolicy/);
    expect(report.findings.find((f) => f.file === "clean/gated.yaml")).toMatchObject({
      severity: "warning",
      rule: "api-version",
    });
    server.delete(GATED);
    const missed = [...server]
      .filter(([k]) => !slipway.has(k))
      .map(([k, why]) => `server refuses ${k}: ${why}`);
    const invented = [...slipway]
      .filter(([k]) => judged(k) && !server.has(k))
      .map(([k, why]) => `slipway calls ${k} wrong, the server accepts it: ${why}`);
    process.stderr.write(
      `crd oracle: ${objects.length} objects, server refused ${server.size}, slipway errors ${slipway.size}; ` +
        `not judged: ${[...unchecked, ...absent].join(", ") || "none"}; left out: ${leftOut.join(", ") || "none"}\n`,
    );
    expect(missed).toEqual([]);
    expect(invented).toEqual([]);
    // The planted faults must be refused, or the server is not judging them (at least the Flux, core,
    // removed-API and fixture-CRD ones, whose CRDs are always installed).
    expect(server.size).toBeGreaterThanOrEqual(12);
  }, 180_000);
});
