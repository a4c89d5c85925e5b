import { openCluster, type Cluster } from "../kube/cluster.js";
import { drainNode, type DrainEvent } from "../kube/drain.js";
import { SlipwayError } from "../core/errors.js";
import { parseDuration } from "../workflow/duration.js";
import type { CommandContext, CommandResult } from "./command.js";
import { kubeTarget } from "./kube-target.js";
import { openEngine, requireStack } from "./open-engine.js";

// `slipway node cordon`, `slipway node uncordon` and `slipway node drain`: node operations through the API server of the
// stack's cluster (src/kube/), never kubectl.

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The stack's cluster, opened through its context (flags first). */
export async function openStackCluster(c: CommandContext): Promise<{ cluster: Cluster; notes: string[] }> {
  const { engine, notes } = openEngine(c);
  const t = kubeTarget(engine, requireStack(c), {
    context: str(c.flags.context),
    kubeconfig: str(c.flags.kubeconfig),
  });
  const cluster = await openCluster({
    kubeconfig: t.kubeconfig,
    context: t.context,
    env: c.env as NodeJS.ProcessEnv,
  });
  return { cluster, notes };
}

async function cordonCommand(c: CommandContext, on: boolean): Promise<CommandResult> {
  const { cluster, notes } = await openStackCluster(c);
  try {
    const name = c.args[0]!;
    await cluster.cordon(name, on);
    return { text: `${on ? "cordoned" : "uncordoned"} ${name} (context ${cluster.context})\n`, notes };
  } finally {
    await cluster.close();
  }
}

/** `slipway node cordon <name> -s <stack>` */
export const nodeCordonCommand = (c: CommandContext) => cordonCommand(c, true);
/** `slipway node uncordon <name> -s <stack>` */
export const nodeUncordonCommand = (c: CommandContext) => cordonCommand(c, false);

/** One line per drain event, as `node drain` prints them (the UI shows them in its status line). */
export const EVENT_TEXT: Record<DrainEvent["type"], (e: DrainEvent) => string> = {
  cordoned: (e) => `cordoned ${(e as { node: string }).node}`,
  skipped: (e) => `skipped ${(e as { pod: string }).pod}: ${(e as { reason: string }).reason}`,
  evicting: (e) => `evicting ${(e as { pod: string }).pod}`,
  blocked: (e) => `waiting: ${(e as { pod: string }).pod}: ${(e as { message: string }).message}`,
  gone: (e) => `evicted ${(e as { pod: string }).pod}`,
};

/** `slipway node drain <name> -s <stack> [--force] [--delete-emptydir-data] [--timeout 5m]` */
export async function nodeDrainCommand(c: CommandContext): Promise<CommandResult> {
  const timeout = str(c.flags.timeout);
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  if (timeout !== undefined && timeoutMs === undefined)
    throw new SlipwayError({
      code: "usage",
      message: `--timeout ${timeout}: expected a duration like 90s, 5m or 1h`,
    });
  const grace = str(c.flags["grace-period"]);
  if (grace !== undefined && !/^\d+$/.test(grace))
    throw new SlipwayError({
      code: "usage",
      message: `--grace-period ${grace}: expected whole seconds, like 30`,
    });
  const { cluster, notes } = await openStackCluster(c);
  try {
    const r = await drainNode(
      cluster,
      c.args[0]!,
      {
        force: c.flags.force === true,
        deleteEmptyDirData: c.flags["delete-emptydir-data"] === true,
        timeoutMs,
        gracePeriodSeconds: grace === undefined ? undefined : Number(grace),
      },
      (e) => c.progress(EVENT_TEXT[e.type](e) + "\n"),
    );
    const s = (r.ms / 1000).toFixed(1);
    return {
      text: `drained ${r.node} in ${s} s: ${r.evicted.length} pod(s) evicted, ${r.skipped.length} skipped${r.blocked ? `, ${r.blocked} eviction(s) waited on a PodDisruptionBudget` : ""}\n`,
      notes,
    };
  } finally {
    await cluster.close();
  }
}
