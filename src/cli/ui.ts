import { SlipwayError } from "../core/errors.js";
import { ADDONS } from "../components/kubernetes/addons.js";
import { openCluster, type Cluster } from "../kube/cluster.js";
import { drainNode } from "../kube/drain.js";
import { loadKubeConfig } from "../kube/kubeconfig.js";
import { openNodes } from "../nodes/nodes.js";
import type { StackEngine } from "../stack/engine.js";
import { loadKeyBindings } from "../tui/key-bindings.js";
import type { ContextInfo, StackDesired } from "../tui/model.js";
import type { CommandContext, CommandResult } from "./command.js";
import { kubeTarget } from "./kube-target.js";
import { EVENT_TEXT } from "./node-ops.js";
import { listFlag, openEngine, requireStack } from "./open-engine.js";

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

/**
 * What the stack declares, for the Stack view: its nodes (when it has a k3s nodes component) and the add-ons
 * its addons renderers enable. A stack without nodes gives none, and says so in `notes`.
 */
export function stackDesired(engine: StackEngine, stack: string, notes: string[]): StackDesired {
  const desired: StackDesired = { stack, nodes: [], addons: [] };
  try {
    const view = openNodes(engine, stack);
    desired.version = view.config.cluster.version;
    desired.nodes = view.config.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      address: n.address,
      tailscaleIp: n.tailscale_ip,
    }));
  } catch (e) {
    if (!(e instanceof SlipwayError)) throw e;
    notes.push(`note: the Stack view lists no declared nodes: ${e.message}`);
  }
  const entry = engine.stack(stack);
  for (const name of entry.componentNames("kubernetes")) {
    const c = engine.resolveComponent(entry.name, name, "kubernetes");
    if (String((c.settings.renderer as string | undefined) ?? c.component) !== "addons") continue;
    for (const [key, v] of Object.entries(c.vars))
      if (key in ADDONS && (v as { enabled?: boolean } | null)?.enabled !== false)
        desired.addons.push(key.replace(/_/g, "-"));
  }
  return desired;
}

/** `slipway ui -s <stack>`: the terminal UI on the stack's cluster until the user quits. */
export async function uiCommand(ctx: CommandContext): Promise<CommandResult> {
  if (!process.stdin.isTTY || !process.stdout.isTTY)
    throw new SlipwayError({
      code: "usage",
      message: "slipway ui needs a terminal: stdin and stdout must both be one",
      hint: "for output a script can read, run the status command on the stack (`status -s <stack>`)",
    });
  // Ink loads while the stack is resolved and the cluster opened (it is most of the start otherwise).
  const app = import("../tui/app.js");
  void app.then((a) => a.loadInk()).catch(() => {});
  // The bindings first: a mistake in ui.yaml is reported before anything connects.
  const { bindings } = loadKeyBindings(str(ctx.flags.keys), ctx.env);
  const { engine, notes } = openEngine(ctx);
  const stack = requireStack(ctx);
  const target = kubeTarget(engine, stack, {
    context: str(ctx.flags.context),
    kubeconfig: str(ctx.flags.kubeconfig),
  });
  const desired = stackDesired(engine, stack, notes);
  const readonly = ctx.flags.readonly === true;
  const open = (context: string) =>
    openCluster({ kubeconfig: target.kubeconfig, context, readonly, env: ctx.env as NodeJS.ProcessEnv });
  const kc = loadKubeConfig({
    kubeconfig: target.kubeconfig,
    context: target.context,
    env: ctx.env as NodeJS.ProcessEnv,
  }).config;
  const contexts: ContextInfo[] = kc
    .getContexts()
    .map((c) => ({ name: c.name, cluster: c.cluster, current: c.name === target.context }));
  const { runUi } = await app;
  const cluster = await open(target.context);
  await runUi({
    cluster,
    stdin: process.stdin,
    stdout: process.stdout,
    env: ctx.env,
    bindings,
    readonly,
    namespaces: listFlag(ctx.flags.namespace) ?? [],
    viewEnv: { stack: desired, contexts },
    switchContext: open,
    // As `slipway node drain` with its defaults: pods with emptyDir data or no controller refuse the drain.
    drain: async (node, c, progress) => {
      // Every cluster the UI holds came from `open` (the first, and any `:ctx` switched to).
      const r = await drainNode(c as Cluster, node, {}, (e) => progress(EVENT_TEXT[e.type](e)));
      return `drained ${r.node} in ${(r.ms / 1000).toFixed(1)} s: ${r.evicted.length} pod(s) evicted, ${r.skipped.length} skipped`;
    },
  });
  return { notes };
}
