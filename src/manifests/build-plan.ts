import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import jsyaml from "js-yaml";
import { hasKustomization, HELM_SKIP, kustomizationFile, type LoadRestrictor } from "./kustomize.js";
import type { ManifestObject } from "./types.js";
import { map, list, type Json } from "./json.js";

/**
 * One build the controllers would run: a temporary kustomization (`wrapper`) whose only resource is the
 * folder (or, for a Flux path without a kustomization.yaml, the files Flux would list), with the Flux
 * Kustomization's patches, images, prefixes and target namespace, and `buildMetadata: [originAnnotations]`
 * so every built object names the file it came from.
 */
export interface BuildPlan {
  /** The folder built, absolute. */
  dir: string;
  /** Where findings about the build are reported: the kustomization file or the Flux Kustomization. */
  file: string;
  line?: number;
  restrictor: LoadRestrictor;
  /** `flux`: a Flux Kustomization's spec.path; `kustomize`: a kustomization no other one includes. */
  via: "flux" | "kustomize";
  /** The wrapper kustomization, with paths relative to `dir` (made relative to the wrapper when written). */
  resources: string[];
  extra: Json;
  /** Set when the build is not run, with why. */
  skipped?: string;
  /** The Flux Kustomization's metadata.name (via `flux`). */
  name?: string;
}

export interface PlanResult {
  plans: BuildPlan[];
  /** Flux Kustomizations whose spec.path is not in the tree (from this repository's source). */
  missingPaths: { obj: ManifestObject; path: string }[];
  /** Flux Kustomizations not built: their source is another repository or artifact. */
  otherSources: { obj: ManifestObject; reason: string }[];
}

/** Flux's kustomize-controller takes its own repository as `flux-system` (the name `flux bootstrap` gives it). */
function fromThisRepository(spec: Json): boolean {
  const ref = map(spec.sourceRef);
  return (
    ref.name === "flux-system" && ["GitRepository", "OCIRepository", "Bucket"].includes(String(ref.kind))
  );
}

export function isFluxKustomization(v: Json): boolean {
  return v.kind === "Kustomization" && String(v.apiVersion).startsWith("kustomize.toolkit.fluxcd.io/");
}

/**
 * The folder a Flux Kustomization's spec.path names: relative to the repository root (a root given on the
 * command line, or the folder holding `.git`); when the artifact is a sub-folder of the repository (an
 * OCIRepository pushed from `kubernetes/`), relative to the nearest folder above the Kustomization's file
 * where the path exists.
 */
export function fluxPathDir(path: string, file: string, roots: string[]): string | undefined {
  const candidates: string[] = [];
  const above: string[] = [];
  for (const r of roots) if (file === r || file.startsWith(r + "/")) candidates.push(r);
  for (let d = dirname(file); d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, ".git"))) candidates.unshift(d);
    else if (roots.some((r) => d.startsWith(r + "/"))) candidates.push(d);
    // Last, the folders above the tree given (it may be a sub-folder of the repository: `gitops/`).
    else if (!roots.includes(d)) above.push(d);
  }
  candidates.push(...above);
  for (const c of candidates) {
    const dir = resolve(c, path);
    if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
  }
  return undefined;
}

/**
 * The resources Flux lists when spec.path has no kustomization file (fluxcd/pkg kustomize generator): every
 * .yaml/.yml file below the folder, and sub-folders holding a kustomization file as a whole.
 */
export function fluxGeneratedResources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (hasKustomization(p)) out.push(relative(dir, p));
        else walk(p);
      } else if (/\.ya?ml$/.test(e.name)) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Folders a kustomization includes (resources, bases, components that are folders), absolute. */
function includedDirs(dir: string, k: Json): string[] {
  return [...list(k.resources), ...list(k.bases), ...list(k.components)]
    .filter((r): r is string => typeof r === "string" && !r.includes("://") && !r.includes("?"))
    .map((r) => resolve(dir, r))
    .filter((p) => existsSync(p) && statSync(p).isDirectory());
}

/** What the Flux Kustomization adds to the build of its path, as kustomize fields. */
function fluxExtra(spec: Json): Json {
  const extra: Json = {};
  const patches = list(spec.patches).filter((p) => typeof map(p).patch === "string");
  if (patches.length) extra.patches = patches;
  if (list(spec.images).length) extra.images = spec.images;
  if (typeof spec.namePrefix === "string") extra.namePrefix = spec.namePrefix;
  if (typeof spec.nameSuffix === "string") extra.nameSuffix = spec.nameSuffix;
  if (typeof spec.targetNamespace === "string") extra.namespace = spec.targetNamespace;
  return extra;
}

/**
 * The builds to run, the way the controller that applies the tree runs them: each Flux Kustomization of this
 * repository builds its spec.path with its patches and `LoadRestrictionsNone`; every other kustomization that
 * no kustomization or Flux build includes is built on its own with kustomize's default restrictor (Argo CD's).
 */
export function planBuilds(
  objects: ManifestObject[],
  kustomizations: string[],
  kustomizeFiles: Map<string, Json>,
  roots: string[],
  abs: (shown: string) => string,
): PlanResult {
  const plans: BuildPlan[] = [];
  const missingPaths: PlanResult["missingPaths"] = [];
  const otherSources: PlanResult["otherSources"] = [];
  const included = new Set<string>();
  for (const [file, k] of kustomizeFiles) for (const d of includedDirs(dirname(file), k)) included.add(d);
  const fluxDirs = new Set<string>();
  for (const obj of objects) {
    if (!isFluxKustomization(obj.value)) continue;
    const spec = map(obj.value.spec);
    const ref = map(spec.sourceRef);
    if (!fromThisRepository(spec)) {
      otherSources.push({
        obj,
        reason: `source ${String(ref.kind)}/${String(ref.name)} is not this repository`,
      });
      continue;
    }
    const path = typeof spec.path === "string" ? spec.path : "./";
    const dir = fluxPathDir(path, abs(obj.file), roots);
    if (!dir) {
      missingPaths.push({ obj, path });
      continue;
    }
    fluxDirs.add(dir);
    const generated = !hasKustomization(dir);
    const resources = generated ? fluxGeneratedResources(dir) : ["."];
    if (generated) for (const r of resources) included.add(resolve(dir, r));
    const extra = fluxExtra(spec);
    if (list(spec.components).length) extra.components = spec.components;
    plans.push({
      dir,
      file: abs(obj.file),
      line: obj.lineOf(["spec", "path"]),
      restrictor: "none",
      via: "flux",
      name: String(map(obj.value.metadata).name),
      resources,
      extra,
      ...(helmCharts(dir, kustomizeFiles) ? { skipped: HELM_SKIP } : {}),
    });
  }
  for (const dir of kustomizations) {
    if (included.has(dir) || fluxDirs.has(dir)) continue;
    plans.push({
      dir,
      file: kustomizationFile(dir),
      restrictor: "rootOnly",
      via: "kustomize",
      resources: ["."],
      extra: {},
      ...(helmCharts(dir, kustomizeFiles) ? { skipped: HELM_SKIP } : {}),
    });
  }
  return { plans, missingPaths, otherSources };
}

/** True when the folder's kustomization (or one it includes) inflates Helm charts. */
function helmCharts(dir: string, kustomizeFiles: Map<string, Json>, seen = new Set<string>()): boolean {
  if (seen.has(dir)) return false;
  seen.add(dir);
  const k = kustomizeFiles.get(kustomizationFile(dir));
  if (!k) return false;
  if (list(k.helmCharts).length) return true;
  return includedDirs(dir, k).some((d) => helmCharts(d, kustomizeFiles, seen));
}

/** The wrapper kustomization of a plan, written in `at` (a temporary folder). */
export function wrapperText(plan: BuildPlan, at: string): string {
  const rel = (p: string) => relative(at, resolve(plan.dir, p)) || ".";
  const extra = { ...plan.extra };
  if (Array.isArray(extra.components)) extra.components = (extra.components as string[]).map(rel);
  return jsyaml.dump(
    {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: plan.resources.map(rel),
      ...extra,
      buildMetadata: ["originAnnotations"],
    },
    { noRefs: true },
  );
}

/** The files a build reads as resources (through the kustomizations it includes), absolute. */
export function planReads(plan: BuildPlan, kustomizeFiles: Map<string, Json>): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (target: string) => {
    if (!existsSync(target)) return;
    if (!statSync(target).isDirectory()) return void out.add(target);
    if (seen.has(target)) return;
    seen.add(target);
    const k = kustomizeFiles.get(kustomizationFile(target));
    if (!k) return;
    for (const e of [...list(k.resources), ...list(k.bases), ...list(k.components)])
      if (typeof e === "string" && !e.includes("://")) visit(resolve(target, e));
  };
  for (const r of plan.resources) visit(resolve(plan.dir, r));
  return out;
}
