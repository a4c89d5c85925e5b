import jsyaml from "js-yaml";
import { isFluxKustomization } from "./build-plan.js";
import type { ManifestObject } from "./types.js";
import { map, list, type Json } from "./json.js";

export interface FluxRefHit {
  obj: ManifestObject;
  path: (string | number)[];
  message: string;
}

/**
 * `spec.dependsOn` of Flux Kustomizations that names no Kustomization in the tree (the namespace defaults to
 * the object's own; where the tree leaves a namespace to be set by a build, the name decides). Only judged for Kustomizations of this repository (`sourceRef` flux-system): another
 * repository's Kustomizations are not in the tree.
 */
export function missingDependsOn(objects: ManifestObject[]): FluxRefHit[] {
  const ks = objects.filter((o) => isFluxKustomization(o.value));
  const key = (name: unknown, ns: unknown) => `${String(ns ?? "")}/${String(name)}`;
  const known = new Set(ks.map((o) => key(map(o.value.metadata).name, map(o.value.metadata).namespace)));
  // A Kustomization written without a namespace gets one from the kustomization that includes it (unbuilt
  // sources, `--no-build`): its name stands for any namespace, and so does a dependency whose namespace is
  // not known here.
  const anyNamespace = new Set(
    ks
      .filter((o) => map(o.value.metadata).namespace === undefined)
      .map((o) => String(map(o.value.metadata).name)),
  );
  const allNames = new Set(ks.map((o) => String(map(o.value.metadata).name)));
  // Flux bootstrap creates the flux-system Kustomization itself; the tree need not hold it.
  known.add(key("flux-system", "flux-system"));
  const hits: FluxRefHit[] = [];
  const seen = new Set<string>();
  for (const o of ks) {
    const spec = map(o.value.spec);
    if (map(spec.sourceRef).name !== "flux-system") continue;
    const ns = map(o.value.metadata).namespace;
    list(spec.dependsOn).forEach((d, i) => {
      const dep = map(d);
      if (typeof dep.name !== "string" || dep.name.includes("${")) return;
      const depNs = dep.namespace ?? ns;
      const k = key(dep.name, depNs);
      if (known.has(k) || anyNamespace.has(dep.name)) return;
      if ((depNs === undefined || String(depNs).includes("${")) && allNames.has(dep.name)) return;
      const id = `${o.file}:${key(map(o.value.metadata).name, ns)}:${k}`;
      if (seen.has(id)) return;
      seen.add(id);
      hits.push({
        obj: o,
        path: ["spec", "dependsOn", i],
        message: `dependsOn ${k.replace(/^\//, "")}: no Flux Kustomization of that name in the tree (fix the name or namespace, or add it)`,
      });
    });
  }
  return hits;
}

/**
 * The fields that Flux Kustomizations' `spec.patches` set on the Kustomizations their builds produce (a
 * parent giving its children `interval`, `prune`, … — the home-ops "defaults" pattern), as dotted paths.
 * Unbuilt (`--no-build`), a child written without them is not missing them: the parent's build adds them.
 */
export function fieldsParentsPatch(objects: ManifestObject[]): Set<string> {
  const out = new Set<string>();
  const leaves = (v: unknown, path: string) => {
    if (v && typeof v === "object" && !Array.isArray(v))
      for (const [k, x] of Object.entries(v as Json)) leaves(x, path ? `${path}.${k}` : k);
    else out.add(path);
  };
  for (const o of objects) {
    if (!isFluxKustomization(o.value)) continue;
    for (const p of list(map(o.value.spec).patches)) {
      const target = map(map(p).target);
      if (target.kind !== "Kustomization" || typeof map(p).patch !== "string") continue;
      if (target.group !== undefined && target.group !== "kustomize.toolkit.fluxcd.io") continue;
      let patch: unknown;
      try {
        patch = jsyaml.load(map(p).patch as string);
      } catch {
        continue;
      }
      if (Array.isArray(patch)) {
        // JSON 6902: the paths its add and replace operations write.
        for (const op of patch.map(map))
          if ((op.op === "add" || op.op === "replace") && typeof op.path === "string")
            leaves(op.value, op.path.split("/").filter(Boolean).join("."));
      } else leaves(map(patch).spec, "spec");
    }
  }
  return out;
}
