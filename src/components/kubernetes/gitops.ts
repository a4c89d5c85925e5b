import { z } from "zod";
import type { RenderContext, RenderedFile, Renderer } from "./types.js";

// Top level: loose, because global vars reach every component; nested fields are strict.
export const GitopsVars = z.object({
  engine: z.enum(["flux", "argocd"]).default("flux"),
  repository: z.strictObject({
    url: z.string().min(1).describe("Where the cluster pulls this tree from"),
    branch: z.string().default("main"),
    kind: z.enum(["git", "oci"]).default("git"),
    tag: z.string().optional().describe("OCI: the artifact tag"),
    path: z
      .string()
      .optional()
      .describe(
        "Where the rendered tree sits in that repository, relative to its root; by default where `slipway render` writes it (gitops/)",
      ),
  }),
  interval: z
    .string()
    .regex(/^\d+(s|m|h)$/, "a duration such as 10m")
    .default("10m"),
  /** Flux decrypts SOPS files with the age key in this Secret. */
  decryption: z.strictObject({ secret: z.string().default("sops-age") }).optional(),
  argocd_namespace: z.string().default("argocd"),
});
export type GitopsVars = z.infer<typeof GitopsVars>;

/** The three layers every cluster tree has, in dependency order. */
export const LAYERS = [
  { name: "infrastructure-controllers", dir: "infrastructure/controllers" },
  { name: "infrastructure-configs", dir: "infrastructure/configs" },
  { name: "apps", dir: "apps" },
] as const;

const clean = (p: string) => p.replace(/^\.?\/?/, "").replace(/\/$/, "");

/** A path inside the repository, in the `./a/b` form Flux and Argo CD take. */
function repoPath(prefix: string, rest: string): string {
  return `./${prefix ? `${prefix}/` : ""}${rest}`;
}

/**
 * Where the tree sits in the repository: `repository.path`, else where render writes it — so the paths
 * Flux and Argo CD follow are the paths render wrote. A path that differs from render's is a warning.
 */
function treePrefix(v: GitopsVars, ctx: RenderContext): string {
  if (v.repository.path === undefined) return clean(ctx.treePath);
  const set = clean(v.repository.path);
  if (set !== clean(ctx.treePath))
    ctx.warn({
      path: ["repository", "path"],
      message: `repository.path "${v.repository.path}" is not where render writes the tree (${clean(ctx.treePath) || "."}, from the repository root): ${v.engine === "flux" ? "Flux" : "Argo CD"} will look for ./${set ? `${set}/` : ""}clusters/${ctx.stack}, which render does not write`,
    });
  return set;
}

function flux(v: GitopsVars, stack: string, prefix: string): RenderedFile[] {
  const source =
    v.repository.kind === "oci"
      ? {
          apiVersion: "source.toolkit.fluxcd.io/v1beta2",
          kind: "OCIRepository",
          spec: { interval: v.interval, url: v.repository.url, ref: { tag: v.repository.tag ?? "latest" } },
        }
      : {
          apiVersion: "source.toolkit.fluxcd.io/v1",
          kind: "GitRepository",
          spec: { interval: v.interval, url: v.repository.url, ref: { branch: v.repository.branch } },
        };
  const objects = [
    { ...source, metadata: { name: "flux-system", namespace: "flux-system" } },
    ...LAYERS.map((layer, i) => ({
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: layer.name, namespace: "flux-system" },
      spec: {
        interval: v.interval,
        retryInterval: "2m",
        timeout: "5m",
        path: repoPath(prefix, `clusters/${stack}/${layer.dir}`),
        prune: true,
        wait: true,
        sourceRef: { kind: source.kind, name: "flux-system" },
        ...(i > 0 ? { dependsOn: [{ name: LAYERS[i - 1]!.name }] } : {}),
        ...(v.decryption
          ? { decryption: { provider: "sops", secretRef: { name: v.decryption.secret } } }
          : {}),
      },
    })),
  ];
  return [{ path: `clusters/${stack}/flux-system/sync.yaml`, objects }];
}

function argocd(v: GitopsVars, stack: string, prefix: string): RenderedFile[] {
  const app = (name: string, path: string, wave: number) => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: `${stack}-${name}`,
      namespace: v.argocd_namespace,
      annotations: { "argocd.argoproj.io/sync-wave": String(wave) },
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    },
    spec: {
      project: "default",
      source: { repoURL: v.repository.url, targetRevision: v.repository.branch, path },
      destination: { server: "https://kubernetes.default.svc", namespace: v.argocd_namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
    },
  });
  return [
    {
      path: `clusters/${stack}/argocd/root.yaml`,
      objects: [app("root", repoPath(prefix, `clusters/${stack}/argocd/layers`).slice(2), 0)],
    },
    {
      path: `clusters/${stack}/argocd/layers/layers.yaml`,
      objects: LAYERS.map((l, i) => app(l.name, repoPath(prefix, `clusters/${stack}/${l.dir}`).slice(2), i)),
    },
  ];
}

/** `gitops`: the source and the Kustomization chain (Flux), or an app-of-apps (Argo CD), for one cluster. */
export const gitopsRenderer: Renderer<GitopsVars> = {
  name: "gitops",
  varsSchema: GitopsVars,
  render: (v, _c, ctx) => {
    const prefix = treePrefix(v, ctx);
    return v.engine === "flux" ? flux(v, ctx.stack, prefix) : argocd(v, ctx.stack, prefix);
  },
};
