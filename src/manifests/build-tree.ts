import { resolve } from "node:path";
import { isFluxKustomization, planBuilds, planReads, type BuildPlan } from "./build-plan.js";
import { missingInputs, runBuilds, strayFiles, type BuiltObjects } from "./build-objects.js";
import type { ManifestTree } from "./load.js";
import type { ManifestFinding, ManifestObject } from "./types.js";

export interface TreeBuild {
  /** What to check: the built objects, and the source objects no successful build read. */
  objects: ManifestObject[];
  findings: ManifestFinding[];
  skippedBuilds: { file: string; reason: string }[];
  /** Flux Kustomizations whose spec.path is nowhere in the tree. */
  missingPaths: { obj: ManifestObject; path: string }[];
  /** Source files in built folders that no kustomization lists. */
  stray: Set<string>;
  /** Only what the builds produced: the objects the cluster would be given (for `slipway diff`). */
  applied: ManifestObject[];
}

const nameOf = (o: ManifestObject) => String((o.value.metadata as Record<string, unknown> | undefined)?.name);

/** Builds the tree as its controllers do, parents before the children their builds produce. */
export async function buildTree(
  tree: ManifestTree & { shown: (abs: string) => string },
  roots: string[],
  cwd: string,
): Promise<TreeBuild> {
  const abs = (f: string) => resolve(cwd, f);
  const plan = planBuilds(tree.objects, tree.kustomizations, tree.kustomizeFiles, roots, abs);
  const inputs = missingInputs(tree.kustomizeFiles, tree.shown);
  const sources = new Map<string, ManifestObject[]>();
  for (const o of tree.objects) sources.set(o.file, [...(sources.get(o.file) ?? []), o]);
  // Waves: a build runs once every build that reads its Flux Kustomization has run, and is planned from the
  // Kustomization as that build produced it — so a parent's patches to its children (their patches, images,
  // target namespace…) reach the children's own builds, as in the cluster.
  const reads = new Map(plan.plans.map((p) => [p, planReads(p, tree.kustomizeFiles)]));
  const readers = (p: BuildPlan) => plan.plans.filter((q) => q !== p && reads.get(q)!.has(p.file));
  const all: BuiltObjects = {
    objects: [],
    covered: new Set(),
    findings: [],
    skippedBuilds: [],
    byPlan: new Map(),
  };
  const done = new Set<BuildPlan>();
  let pending = plan.plans;
  while (pending.length) {
    let ready = pending.filter((p) => readers(p).every((q) => done.has(q)));
    if (!ready.length) ready = pending; // a cycle: build the rest as they are
    const planned = ready.map((p) => {
      if (p.via !== "flux") return p;
      const built = readers(p)
        .flatMap((q) => all.byPlan.get(q) ?? [])
        .find((o) => isFluxKustomization(o.value) && abs(o.file) === p.file && nameOf(o) === p.name);
      return (built && planBuilds([built], [], tree.kustomizeFiles, roots, abs).plans[0]) || p;
    });
    const wave = await runBuilds(planned, sources, tree.shown, inputs.missing);
    all.objects.push(...wave.objects);
    for (const f of wave.covered) all.covered.add(f);
    all.findings.push(...wave.findings);
    all.skippedBuilds.push(...wave.skippedBuilds);
    ready.forEach((p, i) => all.byPlan.set(p, wave.byPlan.get(planned[i]!) ?? []));
    for (const p of ready) done.add(p);
    pending = pending.filter((p) => !done.has(p));
  }
  const stray = strayFiles(
    [...sources.keys()],
    all.covered,
    new Set(tree.kustomizations.map((d) => tree.shown(d))),
  );
  const skippedBuilds = [...all.skippedBuilds];
  for (const { obj, reason } of plan.otherSources)
    skippedBuilds.push({
      file: obj.file,
      reason: `Kustomization ${nameOf(obj)}: spec.path not built: ${reason}`,
    });
  return {
    objects: [...tree.objects.filter((o) => !all.covered.has(o.file) && !stray.has(o.file)), ...all.objects],
    findings: [...inputs.findings, ...all.findings],
    skippedBuilds,
    missingPaths: plan.missingPaths,
    stray,
    applied: all.objects,
  };
}
