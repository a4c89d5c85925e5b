import { posix } from "node:path";
import { SlipwayError } from "../../core/errors.js";
import type { StackEngine } from "../../stack/engine.js";
import { toYamlStream } from "./canonical.js";
import { LAYERS } from "./gitops.js";
import { RENDERERS } from "./renderers.js";
import type { Warning } from "../../core/place.js";
import type { RenderContext, RenderedFile } from "./types.js";
import { renderedOrigins, varSources, type RenderedOrigins } from "./origin-index.js";
import { traceRender } from "./trace.js";

export { RENDERERS } from "./renderers.js";

export interface RenderOptions {
  /** Where the tree sits in the repository (render's --out from the repository root); default `gitops`. */
  treePath?: string;
  /** Collects what does not stop the render, at its place. */
  warnings?: Warning[];
  /** When given, filled with where each rendered file's values came from (render's provenance index). */
  origins?: Map<string, RenderedOrigins>;
}

/** The rendered tree of one stack: path → file text, sorted, byte-stable. */
export function renderStack(
  engine: StackEngine,
  stack: string,
  opts: RenderOptions = {},
): Map<string, string> {
  const entry = engine.stack(stack);
  const files: (RenderedFile & { component: string })[] = [];
  checkEngines(engine, entry.name);
  for (const name of entry.componentNames("kubernetes")) {
    const c = engine.resolveComponent(entry.name, name, "kubernetes");
    if (c.metadata.type === "abstract" || c.metadata.enabled === false) continue;
    const rendererName = String((c.settings.renderer as string | undefined) ?? c.component);
    const renderer = RENDERERS[rendererName];
    const build = entry.buildsDefining("kubernetes", name)[0]!;
    if (!renderer) {
      throw new SlipwayError({
        code: "validation",
        message: `kubernetes component "${name}" in stack "${entry.name}" names renderer "${rendererName}", which slipway does not have`,
        ...build.componentPlace("kubernetes", name),
        hint: `built-in renderers: ${Object.keys(RENDERERS).join(", ")} (set metadata.component or settings.renderer)`,
      });
    }
    const parsed = renderer.varsSchema.safeParse(c.vars);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const place = engine.placeOf(entry.name, name, "vars", issue.path as (string | number)[], "kubernetes");
      throw new SlipwayError({
        code: "validation",
        message: `stack "${entry.name}", component "${name}": vars.${issue.path.join(".")}: ${issue.message}`,
        ...place,
        hint: `\`slipway schema kubernetes/${rendererName}\` prints the vars the ${rendererName} renderer takes`,
      });
    }
    const ctx: RenderContext = {
      stack: entry.name,
      treePath: opts.treePath ?? "gitops",
      warn: (w) =>
        opts.warnings?.push({
          ...engine.placeOf(entry.name, name, "vars", w.path, "kubernetes"),
          message: `component "${name}": ${w.message}`,
        }),
    };
    const made = renderer.render(parsed.data as never, c, ctx);
    for (const f of made) files.push({ ...f, component: name });
    if (opts.origins) {
      // The probes re-render the component: their warnings are the same ones, already collected.
      const quiet = { ...ctx, warn: () => {} };
      const trace = traceRender((v) => renderer.render(v as never, c, quiet), parsed.data, made);
      const source = varSources(engine, entry.name, name, c.vars);
      // Every file of the stack's import graph: an edit to any of them may change what render would write.
      const stackFiles = build.layers.map((l) => l.file.path);
      made.forEach((f, i) =>
        opts.origins!.set(f.path, {
          ...renderedOrigins(trace, i, name, rendererName, source),
          stackFiles,
        }),
      );
    }
  }
  const out = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const f of files) {
    const prev = owner.get(f.path);
    if (prev)
      throw new SlipwayError({
        code: "conflict",
        message: `components "${prev}" and "${f.component}" of stack "${entry.name}" both render ${f.path}`,
        hint: "give one of them another name or target",
      });
    owner.set(f.path, f.component);
    out.set(f.path, toYamlStream(f.objects));
  }
  if (files.length) addKustomizations(out, entry.name);
  addBaseKustomizations(out);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The GitOps engine is one per cluster: tenants rendered for Flux under an Argo CD cluster (or the other
 * way round) would write objects no controller there reads. Each renderer that takes `engine` must agree.
 */
function checkEngines(engine: StackEngine, stack: string): void {
  const entry = engine.stack(stack);
  const engines: { name: string; renderer: string; value: string; explicit: boolean }[] = [];
  for (const name of entry.componentNames("kubernetes")) {
    const c = engine.resolveComponent(stack, name, "kubernetes");
    if (c.metadata.type === "abstract" || c.metadata.enabled === false) continue;
    const renderer = String((c.settings.renderer as string | undefined) ?? c.component);
    if (renderer !== "gitops" && renderer !== "tenants") continue;
    const value = typeof c.vars.engine === "string" ? c.vars.engine : "flux";
    engines.push({ name, renderer, value, explicit: typeof c.vars.engine === "string" });
  }
  // The gitops component decides (it installs the sync objects); the others must follow it.
  const right = engines.find((e) => e.renderer === "gitops") ?? engines[0];
  const wrong = engines.find((e) => right && e.value !== right.value);
  if (!right || !wrong) return;
  throw new SlipwayError({
    code: "validation",
    message: `stack "${stack}": component "${wrong.name}" renders for ${wrong.value}${wrong.explicit ? "" : " (the default)"}, but component "${right.name}" uses ${right.value}; one cluster has one GitOps engine`,
    ...engine.placeOf(stack, wrong.name, "vars", wrong.explicit ? ["engine"] : [], "kubernetes"),
    hint: `set vars.engine: ${right.value} on component "${wrong.name}"`,
  });
}

/** Every folder under clusters/<stack>/ gets a kustomization.yaml listing its files and subfolders; layers always exist. */
function addKustomizations(out: Map<string, string>, stack: string): void {
  const root = `clusters/${stack}`;
  const dirs = new Set<string>([root, ...LAYERS.map((l) => `${root}/${l.dir}`)]);
  for (const path of out.keys())
    for (let d = posix.dirname(path); d.startsWith(root); d = posix.dirname(d)) dirs.add(d);
  for (const l of LAYERS)
    for (let d = `${root}/${l.dir}`; d.startsWith(root); d = posix.dirname(d)) dirs.add(d);
  for (const dir of dirs) {
    if (out.has(`${dir}/kustomization.yaml`)) continue;
    // The cluster root is what bootstrap applies: Flux's own sync objects, not the layers (Flux applies those).
    const children = [...dirs].filter(
      (d) =>
        posix.dirname(d) === dir && !(dir === root && d !== `${root}/flux-system` && d !== `${root}/argocd`),
    );
    const resources = [
      ...[...out.keys()]
        .filter((p) => posix.dirname(p) === dir && p.endsWith(".yaml"))
        .map((p) => posix.basename(p)),
      ...children.map((d) => posix.basename(d)),
    ].sort();
    out.set(
      `${dir}/kustomization.yaml`,
      toYamlStream([{ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources }]),
    );
  }
}

/** Every folder under bases/ gets a kustomization.yaml listing its files. */
function addBaseKustomizations(out: Map<string, string>): void {
  const dirs = new Set([...out.keys()].filter((p) => p.startsWith("bases/")).map((p) => posix.dirname(p)));
  for (const dir of dirs) {
    if (out.has(`${dir}/kustomization.yaml`)) continue;
    const resources = [...out.keys()]
      .filter((p) => posix.dirname(p) === dir && p.endsWith(".yaml"))
      .map((p) => posix.basename(p))
      .sort();
    out.set(
      `${dir}/kustomization.yaml`,
      toYamlStream([{ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources }]),
    );
  }
}
