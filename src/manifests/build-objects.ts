import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import jsyaml from "js-yaml";
import { buildAll } from "./kustomize.js";
import { wrapperText, type BuildPlan } from "./build-plan.js";
import { ALLOW_ANNOTATION, type ManifestFinding, type ManifestObject } from "./types.js";
import { map, list, type Json } from "./json.js";

const ORIGIN = "config.kubernetes.io/origin";

/**
 * Source files no successful build read although a built kustomization sits in their folder or above it:
 * no kustomization lists them, so neither Flux nor Argo CD applies them (a commented-out resource, an
 * app switched off). Their objects are skipped and counted, not checked as if applied.
 */
export function strayFiles(files: string[], covered: Set<string>, kustomizations: Set<string>): Set<string> {
  const builtDirs = new Set<string>();
  for (const f of covered)
    for (let d = dirname(f); d !== dirname(d) && d !== "."; d = dirname(d)) {
      if (builtDirs.has(d)) break;
      if (kustomizations.has(d)) builtDirs.add(d);
    }
  const stray = new Set<string>();
  for (const f of files) {
    if (covered.has(f)) continue;
    for (let d = dirname(f); d !== dirname(d) && d !== "."; d = dirname(d))
      if (builtDirs.has(d)) {
        stray.add(f);
        break;
      }
  }
  return stray;
}

export interface BuiltObjects {
  /** The objects the builds produced (patches applied), each placed at its source file and line. */
  objects: ManifestObject[];
  /** Source files (as shown) the successful builds read objects from: their objects are checked as built. */
  covered: Set<string>;
  findings: ManifestFinding[];
  skippedBuilds: { file: string; reason: string }[];
  /** The objects each successful build produced. */
  byPlan: Map<BuildPlan, ManifestObject[]>;
}

/** A path a kustomization lists that is local (not a remote base or a URL). */
const isLocal = (p: string) => !/:\/\/|^git@|\?ref=|^github\.com\//.test(p);

/**
 * Local files and folders a kustomization lists that do not exist: one finding at the entry's line. A build
 * that fails because of one of them is not reported again (nor once per overlay that includes it).
 */
export function missingInputs(
  kustomizeFiles: Map<string, Json>,
  shown: (abs: string) => string,
): { findings: ManifestFinding[]; missing: string[] } {
  const findings: ManifestFinding[] = [];
  const missing: string[] = [];
  for (const [file, k] of kustomizeFiles) {
    const entries: [string, unknown][] = [];
    for (const field of [
      "resources",
      "bases",
      "components",
      "patchesStrategicMerge",
      "transformers",
      "generators",
    ])
      for (const e of list(k[field])) entries.push([field, e]);
    for (const field of ["patches", "patchesJson6902"])
      for (const e of list(k[field])) entries.push([field, typeof e === "string" ? e : map(e).path]);
    let lines: string[] | undefined;
    for (const [field, e] of entries) {
      if (typeof e !== "string" || e.includes("\n") || !isLocal(e)) continue;
      const target = resolve(dirname(file), e);
      if (existsSafe(target)) continue;
      lines ??= readFileSync(file, "utf8").split("\n");
      const quoted = e.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const at = lines.findIndex((l) =>
        new RegExp(`^\\s*(-\\s*)?(path:\\s*)?["']?${quoted}["']?\\s*(#.*)?$`).test(l),
      );
      missing.push(target);
      findings.push({
        severity: "error",
        rule: "kustomize-build",
        file: shown(file),
        ...(at >= 0 ? { line: at + 1 } : {}),
        message: `${field}: ${e} does not exist (${shown(target)}): fix the path or remove the entry`,
      });
    }
  }
  return { findings, missing };
}

function existsSafe(p: string): boolean {
  try {
    readFileSync(p);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EISDIR";
  }
}

/** The source object a built object came from: same file, same kind, its name (before prefixes) or the only one. */
function sourceOf(candidates: ManifestObject[], built: Json): ManifestObject | undefined {
  const kind = built.kind;
  const name = String(map(built.metadata).name ?? "");
  const sameKind = candidates.filter((c) => c.value.kind === kind);
  return (
    sameKind.find((c) => map(c.value.metadata).name === name) ??
    sameKind.find((c) => name.includes(String(map(c.value.metadata).name ?? "\0"))) ??
    (sameKind.length === 1 ? sameKind[0] : undefined)
  );
}

/** Runs the planned builds and turns their output into objects placed at their sources. */
export async function runBuilds(
  plans: BuildPlan[],
  sources: Map<string, ManifestObject[]>,
  shown: (abs: string) => string,
  missing: string[],
): Promise<BuiltObjects> {
  const objects: ManifestObject[] = [];
  const covered = new Set<string>();
  const findings: ManifestFinding[] = [];
  const skippedBuilds: BuiltObjects["skippedBuilds"] = [];
  const byPlan = new Map<BuildPlan, ManifestObject[]>();
  const tmp = mkdtempSync(join(tmpdir(), "slipway-build-"));
  try {
    const runnable = plans.filter((p) => {
      if (p.skipped) skippedBuilds.push({ file: shown(p.file), reason: p.skipped });
      return !p.skipped;
    });
    const dirs = runnable.map((p, i) => {
      const at = join(tmp, `b${i}`);
      mkdirSync(at);
      writeFileSync(join(at, "kustomization.yaml"), wrapperText(p, at));
      return { dir: at, restrictor: p.restrictor };
    });
    const failures = new Map<string, string[]>();
    const perBuild: ManifestObject[][] = [];
    // Each build's output is read as it ends (while the others run); outcomes are taken in plan order
    // below, whatever order the builds ended in, so the report is deterministic.
    const results = await buildAll(dirs, 4, (r, i) => {
      if (!r.ok || r.skipped) return;
      const objs: ManifestObject[] = [];
      for (const value of jsyaml.loadAll(r.output ?? "", undefined, {
        schema: jsyaml.CORE_SCHEMA,
        json: true,
      })) {
        const o = map(value);
        if (typeof o.kind === "string")
          objs.push(placed(o, dirs[i]!.dir, runnable[i]!, sources, shown, covered));
      }
      perBuild[i] = objs;
    });
    results.forEach((r, i) => {
      const plan = runnable[i]!;
      const where = `${shown(plan.file)}${plan.line ? `:${plan.line}` : ""}`;
      if (r.skipped) skippedBuilds.push({ file: shown(plan.file), reason: r.skipped });
      else if (!r.ok) {
        const raw = r.error ?? "";
        // A missing input already reported at its line is the cause: not reported again per build.
        if (missing.some((m) => raw.includes(m) || raw.includes(relative(dirs[i]!.dir, m)))) return;
        const error = raw.replace(/\/[^\s':"]+/g, (p) => shown(p));
        failures.set(error, [...(failures.get(error) ?? []), where]);
      } else {
        objects.push(...(perBuild[i] ?? []));
        byPlan.set(plan, perBuild[i] ?? []);
      }
    });
    for (const [error, where] of failures) {
      const plan = runnable.find((p) => `${shown(p.file)}${p.line ? `:${p.line}` : ""}` === where[0])!;
      findings.push({
        severity: "error",
        rule: "kustomize-build",
        file: shown(plan.file),
        ...(plan.line ? { line: plan.line } : {}),
        message: `kubectl kustomize ${shown(plan.dir)} failed: ${error}${where.length > 1 ? ` (also breaks the builds of ${where.slice(1).join(", ")})` : ""}`,
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { objects, covered, findings, skippedBuilds, byPlan };
}

/** A built object with its origin annotation taken off, placed at the source file and line it came from. */
function placed(
  o: Json,
  wrapper: string,
  plan: BuildPlan,
  sources: Map<string, ManifestObject[]>,
  shown: (abs: string) => string,
  covered: Set<string>,
): ManifestObject {
  const meta = map(o.metadata);
  const ann = map(meta.annotations);
  const origin = typeof ann[ORIGIN] === "string" ? map(jsyaml.load(ann[ORIGIN] as string)) : {};
  delete ann[ORIGIN];
  if (Object.keys(ann).length === 0) delete meta.annotations;
  // kustomize wraps long base64 values over lines; the API server's decoder skips the line breaks.
  const base64 = o.kind === "Secret" ? map(o.data) : o.kind === "ConfigMap" ? map(o.binaryData) : {};
  if (o.apiVersion === "v1")
    for (const [k, v] of Object.entries(base64)) if (typeof v === "string") base64[k] = v.replace(/\s+/g, "");
  let file = plan.file;
  let src: ManifestObject | undefined;
  if (typeof origin.path === "string" && origin.repo === undefined) {
    file = resolve(wrapper, origin.path);
    covered.add(shown(file));
    src = sourceOf(sources.get(shown(file)) ?? [], o);
  } else if (typeof origin.configuredIn === "string") {
    file = resolve(wrapper, origin.configuredIn);
  }
  // Lines are found only when a finding needs one (finding them parses the source file with positions).
  let fallback = file === plan.file ? (plan.line ?? 0) : 0;
  if (typeof origin.configuredIn === "string" && o.kind === "Secret") {
    // A generated Secret's values are judged where they are written, by `secret-generator-plaintext` at the
    // generator's literal or file (a SOPS-encrypted file passes); not a second time here.
    const anns = (meta.annotations ??= {}) as Json;
    anns[ALLOW_ANNOTATION] = "plaintext-secret: judged at its secretGenerator";
  }
  if (typeof origin.configuredIn === "string") {
    // A generated ConfigMap or Secret: the `- name:` line of its generator (the name without kustomize's hash).
    const base = String(meta.name ?? "").replace(/-[a-z0-9]{10}$/, "");
    const lines = readFileSync(file, "utf8").split("\n");
    const at = lines.findIndex((l) => l.replace(/["']/g, "").trim().replace(/^-\s*/, "") === `name: ${base}`);
    if (at >= 0) fallback = at + 1;
  }
  return {
    file: shown(file),
    get line() {
      return src ? src.line : fallback;
    },
    value: o,
    lineOf: (path) => (src ? src.lineOf(path) : fallback),
  };
}
