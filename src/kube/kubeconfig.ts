import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { SlipwayError } from "../core/errors.js";
import type { KubeTarget } from "./errors.js";

// The kubeconfig as kubectl reads it: an explicit file, else $KUBECONFIG (several files, merged), else
// ~/.kube/config — parsed and its credentials resolved by @kubernetes/client-node. A missing file or an unknown
// context is a clear error, never client-node's silent fallback to http://localhost:8080.

export interface KubeConfigOptions {
  /** A kubeconfig file; $KUBECONFIG / ~/.kube/config when absent. */
  kubeconfig?: string;
  /** The context; the kubeconfig's current one when absent. */
  context?: string;
  env?: NodeJS.ProcessEnv;
}

/** The files a kubeconfig is read from, in kubectl's order. */
export function kubeconfigFiles(opts: KubeConfigOptions): string[] {
  if (opts.kubeconfig) return [opts.kubeconfig];
  const env = (opts.env ?? process.env).KUBECONFIG;
  if (env) return env.split(delimiter).filter(Boolean);
  return [join((opts.env ?? process.env).HOME ?? homedir(), ".kube", "config")];
}

/** The loaded kubeconfig with the context picked, and where calls will go. */
export function loadKubeConfig(opts: KubeConfigOptions): { config: KubeConfig; target: KubeTarget } {
  const files = kubeconfigFiles(opts).filter((f) => existsSync(f));
  const where = kubeconfigFiles(opts).join(delimiter);
  if (files.length === 0)
    throw new SlipwayError({
      code: "config",
      message: `no kubeconfig at ${where}`,
      hint: "pass --kubeconfig FILE, set KUBECONFIG, or write the cluster's kubeconfig (the post_bootstrap role does)",
    });
  const config = new KubeConfig();
  try {
    if (files.length === 1) config.loadFromFile(files[0]!);
    else {
      // client-node merges $KUBECONFIG's files itself (first file wins for each name, as kubectl).
      config.loadFromDefault({}, false);
    }
  } catch (e) {
    throw new SlipwayError({
      code: "config",
      message: `cannot read the kubeconfig ${where}: ${(e as Error).message}`,
      hint: "check it with `kubectl config view`",
    });
  }
  const name = opts.context ?? config.getCurrentContext();
  const names = config.getContexts().map((c) => c.name);
  if (!name || !config.getContextObject(name))
    throw new SlipwayError({
      code: "config",
      message: name
        ? `no context ${name} in the kubeconfig ${where}`
        : `the kubeconfig ${where} has no current context`,
      hint: names.length
        ? `contexts there: ${names.join(", ")}; pick one with --context`
        : "it holds no context at all",
    });
  config.setCurrentContext(name);
  const cluster = config.getCurrentCluster();
  if (!cluster?.server)
    throw new SlipwayError({
      code: "config",
      message: `context ${name} in ${where} names no cluster with a server`,
      hint: "fix the context's cluster entry (`kubectl config view`)",
    });
  return { config, target: { context: name, server: cluster.server } };
}
