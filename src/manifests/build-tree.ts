import { resolve } from "node:path";
import { isFluxKustomization, planBuilds, type BuildPlan } from "./build-plan.js";
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
}

/** The fields of a Flux Kustomization's spec that change what its build produces. */
const BUILD_FIELDS = [
  "path",
  "patches",
  "images",
  "namePrefix",
  "nameSuffix",
  "targetNamespace",
  "components",
];
function sameBuild(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const spec = (o: Record<string, unknown>) => (o.spec ?? {}) as Record<string, unknown>;
  return BUILD_FIELDS.every((k) => JSON.stringify(spec(a)[k]) === JSON.stringify(spec(b)[k]));
}

const nameOf = (o: ManifestObject) => String((o.value.metadata as Record<string, unknown> | undefined)?.name);

/**
 * Builds the tree as its controllers do: every planned build; then each Flux Kustomization whose build a
 * parent's patches changed (its patches, images, target namespace…) again, as its parent built it — so
 * those patches reach the child's own build, as they do in the cluster.
 */
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
  const first = await runBuilds(plan.plans, sources, tree.shown, inputs.missing);
  // The Flux Kustomizations the builds produced, as built: where a parent's patches changed what a child
  // builds (its patches, images, prefixes, target namespace, components, path), the child is built again so.
  const builtKs = first.objects.filter((o) => isFluxKustomization(o.value));
  const again = new Map<BuildPlan, BuildPlan>();
  for (const p of plan.plans) {
    if (p.via !== "flux") continue;
    const built = builtKs.find((o) => abs(o.file) === p.file && nameOf(o) === p.name);
    const source = tree.objects.find((o) => abs(o.file) === p.file && nameOf(o) === p.name);
    if (!built || !source || sameBuild(built.value, source.value)) continue;
    const re = planBuilds([built], [], tree.kustomizeFiles, roots, abs).plans[0];
    if (re) again.set(p, re);
  }
  const second = await runBuilds([...again.values()], sources, tree.shown, inputs.missing);
  const replaced = (f: { file: string }) => [...again.keys()].some((p) => tree.shown(p.file) === f.file);
  const all: BuiltObjects = {
    objects: [...[...first.byPlan].flatMap(([p, objs]) => (again.has(p) ? [] : objs)), ...second.objects],
    covered: new Set([...first.covered, ...second.covered]),
    findings: [...first.findings.filter((f) => !replaced(f)), ...second.findings],
    skippedBuilds: [...first.skippedBuilds.filter((s) => !replaced(s)), ...second.skippedBuilds],
    byPlan: new Map(),
  };
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
  };
}
