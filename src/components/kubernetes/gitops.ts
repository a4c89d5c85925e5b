import { z } from "zod";
import type { RenderedFile, Renderer } from "./types.js";

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
      .default(".")
      .describe("Where the rendered tree sits in that repository (render's --out, relative to its root)"),
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

/** A path inside the repository, in the `./a/b` form Flux and Argo CD take. */
function repoPath(v: GitopsVars, rest: string): string {
  const prefix = v.repository.path.replace(/^\.?\/?/, "").replace(/\/$/, "");
  return `./${prefix ? `${prefix}/` : ""}${rest}`;
}

function flux(v: GitopsVars, stack: string): RenderedFile[] {
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
        path: repoPath(v, `clusters/${stack}/${layer.dir}`),
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

function argocd(v: GitopsVars, stack: string): RenderedFile[] {
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
      objects: [app("root", repoPath(v, `clusters/${stack}/argocd/layers`).slice(2), 0)],
    },
    {
      path: `clusters/${stack}/argocd/layers/layers.yaml`,
      objects: LAYERS.map((l, i) => app(l.name, repoPath(v, `clusters/${stack}/${l.dir}`).slice(2), i)),
    },
  ];
}

/** `gitops`: the source and the Kustomization chain (Flux), or an app-of-apps (Argo CD), for one cluster. */
export const gitopsRenderer: Renderer<GitopsVars> = {
  name: "gitops",
  varsSchema: GitopsVars,
  render: (v, _c, ctx) => (v.engine === "flux" ? flux(v, ctx.stack) : argocd(v, ctx.stack)),
};
