import { isAbsolute, join } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { openCluster, type Cluster } from "../kube/cluster.js";
import { nodesComponent } from "../nodes/nodes.js";
import type { ResolvedComponent } from "../stack/types.js";
import type { StackEngine } from "../stack/engine.js";

// Which cluster a stack's live commands (status, ui, drain) talk to, in this order: the --context/--kubeconfig
// flags; `settings.kubernetes.context` / `settings.kubernetes.kubeconfig` of the stack's nodes component, else
// of its kubernetes components; the nodes component's `vars.cluster.kubeconfig_context`; else the context the
// post_bootstrap role writes by default — the stack's name with `/` as `-`. `from` says which one it was, for
// error messages.

export interface KubeTargetFlags {
  context?: string;
  kubeconfig?: string;
}

export interface StackKubeTarget {
  context: string;
  kubeconfig?: string;
  /** Where the context came from, in words: `--context`, `settings.kubernetes.context of k3s`, … */
  from: string;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

function kubeSettings(c: ResolvedComponent): { context?: string; kubeconfig?: string } {
  const k = (c.settings as Record<string, unknown> | undefined)?.kubernetes as
    Record<string, unknown> | undefined;
  return { context: str(k?.context), kubeconfig: str(k?.kubeconfig) };
}

/** The kubeconfig context (and file) a stack's cluster is reached through. */
export function kubeTarget(engine: StackEngine, stack: string, flags: KubeTargetFlags): StackKubeTarget {
  const entry = engine.stack(stack);
  let nodes: ResolvedComponent | undefined;
  try {
    nodes = nodesComponent(engine, entry.name);
  } catch (e) {
    if (!(e instanceof SlipwayError)) throw e;
  }
  const kube = entry
    .componentNames("kubernetes")
    .map((n) => engine.resolveComponent(entry.name, n, "kubernetes"));
  const candidates = [
    ...(nodes ? [{ c: nodes, s: kubeSettings(nodes) }] : []),
    ...kube.map((c) => ({ c, s: kubeSettings(c) })),
  ];
  const withContext = candidates.find((x) => x.s.context);
  const withFile = candidates.find((x) => x.s.kubeconfig);
  const file = flags.kubeconfig ?? withFile?.s.kubeconfig;
  const kubeconfig =
    file === undefined ? undefined : isAbsolute(file) ? file : join(engine.config.basePath, file);
  if (flags.context) return { context: flags.context, kubeconfig, from: "--context" };
  if (withContext)
    return {
      context: withContext.s.context!,
      kubeconfig,
      from: `settings.kubernetes.context of ${withContext.c.atmos_component}`,
    };
  const cluster = (nodes?.vars as Record<string, unknown> | undefined)?.cluster as
    Record<string, unknown> | undefined;
  const named = str(cluster?.kubeconfig_context);
  if (named && nodes)
    return {
      context: named,
      kubeconfig,
      from: `vars.cluster.kubeconfig_context of ${nodes.atmos_component}`,
    };
  return {
    context: entry.name.replace(/\//g, "-"),
    kubeconfig,
    from: "the stack's name (the context post_bootstrap writes by default)",
  };
}

/** The stack's cluster, opened through `kubeTarget` (a command's --context/--kubeconfig first). */
export function openStackCluster(
  engine: StackEngine,
  stack: string,
  c: { flags: Record<string, unknown>; env: Record<string, string | undefined> },
  opts: { readonly?: boolean; listFromCache?: boolean } = {},
): Promise<Cluster> {
  const t = kubeTarget(engine, stack, { context: str(c.flags.context), kubeconfig: str(c.flags.kubeconfig) });
  return openCluster({
    kubeconfig: t.kubeconfig,
    context: t.context,
    env: c.env as NodeJS.ProcessEnv,
    ...(opts.readonly ? { readonly: true } : {}),
    ...(opts.listFromCache ? { listFromCache: true } : {}),
  });
}
