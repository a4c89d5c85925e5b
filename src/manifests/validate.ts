import { SlipwayError } from "../core/errors.js";
import { closestName } from "../core/suggest.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { hasKubectl, kustomizationFile } from "./kustomize.js";
import { loadTree } from "./load.js";
import { buildTree } from "./build-tree.js";
import { fieldsParentsPatch, missingDependsOn } from "./flux-refs.js";
import { isFluxKustomization } from "./build-plan.js";
import { crossObjectRules } from "./cross-rules.js";
import { readKustomizations, secretGeneratorPlaintext } from "./generator-secrets.js";
import { allowedRules, OBJECT_RULES, tenantRules, type RuleHit } from "./rules.js";
import { serverDryRun, type ServerCheckOptions, type ServerCheckReport } from "./server.js";
import { stackOriginOf } from "./render-origins.js";
import { parseKubeVersion } from "./api-versions.js";
import { crdCatalog, readCrdDir } from "./crd-schemas.js";
import { isCrd } from "./crd-shape.js";
import { bundledKubeVersion, checkObjectSchema, installsFluxOperator } from "./object-schema.js";
import { RULES, type ManifestFinding, type ManifestObject, type RuleId } from "./types.js";

export interface ValidateManifestsOptions {
  cwd: string;
  strict?: boolean;
  disable?: string[];
  /** Skip `kubectl kustomize` builds. */
  build?: boolean;
  /** Globs (relative to each folder given) of files to leave out. */
  exclude?: string[];
  /** Also send every object to a cluster as a server-side dry run (`--server [--context C]`). */
  server?: ServerCheckOptions;
  /** Kubernetes version (`1.33`) removed and deprecated APIs are judged against; default: the bundled data's. */
  kubernetesVersion?: string;
  /** Folders (or files) of CustomResourceDefinitions whose kinds get checked against them. */
  crds?: string[];
  /** Called with the objects the builds produced (what Flux and Argo CD would apply), when builds ran. */
  onApplied?: (objects: ManifestObject[]) => void;
}

export interface ManifestReport {
  findings: ManifestFinding[];
  /**
   * Kinds no schema package knows: listed, not failed. `fieldsOnly`: the API server's field names (from the
   * bundled Kubernetes and Flux data) were checked, types were not.
   */
  unknownKinds: { kind: string; apiVersion: string; count: number; fieldsOnly?: true }[];
  skippedBuilds: { file: string; reason: string }[];
  /** Files and documents not validated (Helm templates, Go templates, `--exclude`), with why. */
  skipped: { file: string; line?: number; reason: string }[];
  /** The server-side dry run, when asked for: where, how many objects went, and what was not judged. */
  server?: Omit<ServerCheckReport, "hits">;
  summary: {
    files: number;
    objects: number;
    kustomizations: number;
    errors: number;
    warnings: number;
    skipped: number;
    buildMs?: number;
    kubectl: boolean;
    /** Objects no schema judged at all (listed in unknownKinds); `--strict` fails on them. */
    withoutSchema: number;
    /** The Kubernetes minor version removed APIs were judged against, as `1.N`. */
    kubernetesVersion: string;
  };
}

function describeObject(o: ManifestObject): ManifestFinding["object"] {
  const meta = (o.value.metadata ?? {}) as Record<string, unknown>;
  return {
    apiVersion: String(o.value.apiVersion),
    kind: String(o.value.kind),
    ...(typeof meta.name === "string" ? { name: meta.name } : {}),
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
  };
}

/** `validate manifests`: schemas, kustomize builds and platform rules over trees of YAML files. */
export async function validateManifests(
  paths: string[],
  opts: ValidateManifestsOptions,
): Promise<ManifestReport> {
  const disabled = new Set(opts.disable ?? []);
  // A rule name that is not one is a typo that would leave the rule on: refused, with the closest name.
  for (const rule of disabled) {
    if (Object.hasOwn(RULES, rule)) continue;
    const near = closestName(rule, Object.keys(RULES));
    throw new SlipwayError({
      code: "usage",
      message: `--disable ${rule}: no such rule${near ? ` (did you mean ${near}?)` : ""}`,
      hint: `rules: ${Object.keys(RULES).join(", ")}`,
    });
  }
  const severity = (rule: RuleId): ManifestFinding["severity"] => (opts.strict ? "error" : RULES[rule]);
  const kubernetes = opts.kubernetesVersion ? parseKubeVersion(opts.kubernetesVersion) : bundledKubeVersion();
  const userCrds = (opts.crds ?? []).flatMap((d) => readCrdDir(resolve(opts.cwd, d)));
  const given = paths.length ? paths : ["."];
  const tree = loadTree(given, opts.cwd, { exclude: opts.exclude ?? [] });
  // CRDs in the tree describe the kinds the same tree uses; --crds ones win over them.
  const treeCrds = tree.objects
    .filter((o) => isCrd(o.value))
    .map((o) => ({ crd: o.value, from: `the CRD in ${tree.shown(o.file)}` }));
  const schemaCtx = {
    catalog: crdCatalog([...treeCrds, ...userCrds]),
    kubernetes,
    fluxOperator: installsFluxOperator(tree.objects),
  };
  let withoutSchema = 0;
  const findings: ManifestFinding[] = tree.findings.filter((f) => !disabled.has(f.rule));
  const unknown = new Map<string, ManifestReport["unknownKinds"][number]>();
  const hit = (h: RuleHit) => {
    if (disabled.has(h.rule) || allowedRules(h.obj).has(h.rule)) return;
    findings.push({
      severity: severity(h.rule),
      rule: h.rule,
      file: h.obj.file,
      line: (h.path ? h.obj.lineOf(h.path) : h.obj.line) || undefined,
      object: describeObject(h.obj),
      message: h.message,
    });
  };
  // Builds first, the way Flux and Argo CD build the tree: the objects they produce (patches applied) are
  // checked in place of their source documents; sources no successful build reads are checked as written.
  const kubectl = hasKubectl();
  const skippedBuilds: ManifestReport["skippedBuilds"] = [];
  let buildMs: number | undefined;
  let checked = tree.objects;
  if (opts.build !== false && kubectl && !disabled.has("kustomize-build")) {
    const t0 = performance.now();
    const built = await buildTree(
      tree,
      given.map((p) => resolve(opts.cwd, p)),
      opts.cwd,
    );
    findings.push(...built.findings);
    skippedBuilds.push(...built.skippedBuilds);
    for (const { obj, path } of built.missingPaths)
      hit({
        rule: "flux-reference",
        obj,
        path: ["spec", "path"],
        message: `spec.path ${path} does not exist in the tree: fix the path (it is relative to the repository root)`,
      });
    for (const f of built.stray)
      tree.skipped.push({ file: f, reason: "no kustomization lists it: not applied by Flux or Argo CD" });
    checked = built.objects;
    opts.onApplied?.(built.applied);
    buildMs = performance.now() - t0;
  }
  for (const h of missingDependsOn(checked)) hit({ rule: "flux-reference", ...h });
  // Unbuilt, a child Kustomization lacks what its parent's patches will give it: not judged, and said so.
  const patchedByParents = buildMs === undefined ? fieldsParentsPatch(tree.objects) : new Set<string>();
  for (const obj of checked) {
    if (!disabled.has("schema") && !allowedRules(obj).has("schema")) {
      const { issues, coverage } = checkObjectSchema(obj.value, schemaCtx);
      if (coverage !== "full") {
        if (coverage === "none") withoutSchema++;
        const key = `${String(obj.value.apiVersion)}/${String(obj.value.kind)}`;
        const u = unknown.get(key) ?? {
          kind: String(obj.value.kind),
          apiVersion: String(obj.value.apiVersion),
          count: 0,
          ...(coverage === "fields" ? { fieldsOnly: true as const } : {}),
        };
        u.count++;
        unknown.set(key, u);
      }
      const parentSets: string[] = [];
      for (const e of issues) {
        const rule = e.rule;
        if (disabled.has(rule)) continue;
        if (
          patchedByParents.has(e.path.join(".")) &&
          isFluxKustomization(obj.value) &&
          /^missing required field/.test(e.message)
        ) {
          parentSets.push(e.path.join("."));
          continue;
        }
        const drift =
          rule === "schema-drift"
            ? " (per kubernetes-models' CRD schema, which may predate your controller; --crds DIR gives yours)"
            : "";
        findings.push({
          severity: severity(rule),
          rule,
          file: obj.file,
          line: obj.lineOf(e.path) || undefined,
          object: describeObject(obj),
          message: `${e.path.join(".") || "(object)"}: ${e.message}${drift}`,
        });
      }
      if (parentSets.length)
        tree.skipped.push({
          file: obj.file,
          reason: `a parent Kustomization's patches set ${parentSets.join(", ")}: not judged without builds`,
        });
    }
    for (const rule of OBJECT_RULES) for (const h of rule(obj)) hit(h);
  }
  for (const h of tenantRules(checked)) hit(h);
  for (const h of crossObjectRules(checked)) hit(h);
  const kfiles = tree.kustomizations.map(kustomizationFile);
  for (const h of secretGeneratorPlaintext(readKustomizations(kfiles, tree.shown))) hit(h);
  let server: ManifestReport["server"];
  if (opts.server) {
    const readText = (file: string) => {
      try {
        return readFileSync(resolve(opts.cwd, file), "utf8");
      } catch {
        return undefined;
      }
    };
    const { hits, ...rest } = serverDryRun(tree.objects, { readText, ...opts.server });
    for (const h of hits) hit(h);
    server = rest;
  }
  // Findings in a rendered tree name the stack line to edit (render's provenance index; stale ones get none).
  for (const f of findings) {
    const origin = stackOriginOf(resolve(opts.cwd, f.file), f.line);
    if (origin) f.origin = origin;
  }
  // An object several overlays include is reported once: one finding per place and message.
  const once = new Map<string, ManifestFinding>();
  for (const f of findings) once.set(`${f.rule}\0${f.file}\0${f.line ?? ""}\0${f.message}`, f);
  findings.splice(0, findings.length, ...once.values());
  findings.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.rule < b.rule ? -1 : 1),
  );
  return {
    findings,
    unknownKinds: [...unknown.values()].sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1)),
    skippedBuilds,
    skipped: tree.skipped,
    ...(server ? { server } : {}),
    summary: {
      files: tree.files,
      objects: checked.length,
      kustomizations: tree.kustomizations.length,
      errors: findings.filter((f) => f.severity === "error").length,
      warnings: findings.filter((f) => f.severity === "warning").length,
      skipped: tree.skipped.length,
      ...(buildMs !== undefined ? { buildMs: Math.round(buildMs) } : {}),
      kubectl,
      withoutSchema,
      kubernetesVersion: `1.${kubernetes.minor}`,
    },
  };
}
