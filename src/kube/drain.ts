import { SlipwayError } from "../core/errors.js";
import type { Cluster } from "./cluster.js";
import { PODS } from "./resources.js";
import type { Collection, KubeObject } from "./types.js";

// Drain as `kubectl drain --ignore-daemonsets` does it, through the API: cordon, sort the node's pods (the
// same filters, in kubectl's order, and every refusal listed at once before anything is evicted), evict each
// through the Eviction API — a PodDisruptionBudget's 429 is retried every few seconds, never forced — and wait
// for the evicted pods to be gone. The waits watch the node's pods; nothing polls.

export interface DrainOptions {
  /** Delete pods no controller recreates (kubectl --force). */
  force?: boolean;
  /** Evict pods with emptyDir volumes, losing that data (kubectl --delete-emptydir-data). */
  deleteEmptyDirData?: boolean;
  /** Gives up after this long, leaving the node cordoned (ms); 5 minutes by default. */
  timeoutMs?: number;
  /** Overrides each pod's terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
  /** How long to wait before asking again when a PodDisruptionBudget refuses (ms); 5 s, as kubectl. */
  retryMs?: number;
}

export type DrainEvent =
  | { type: "cordoned"; node: string }
  | { type: "skipped"; pod: string; reason: string }
  | { type: "evicting"; pod: string }
  | { type: "blocked"; pod: string; message: string }
  | { type: "gone"; pod: string };

export interface DrainReport {
  node: string;
  /** Pods evicted (or deleted with --force) and gone, `namespace/name`. */
  evicted: string[];
  skipped: { pod: string; reason: string }[];
  /** Times a PodDisruptionBudget refused an eviction before it was allowed. */
  blocked: number;
  ms: number;
}

const id = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;
const controllerOf = (p: KubeObject) => p.metadata.ownerReferences?.find((o) => o.controller);
const finished = (p: KubeObject) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
const volumes = (p: KubeObject) => (p.spec?.volumes as { emptyDir?: unknown }[] | undefined) ?? [];

/** What drain does with one pod: skip it, evict it, delete it, or refuse the whole drain (kubectl's filters). */
export function sortPod(
  p: KubeObject,
  o: DrainOptions,
): { action: "skip" | "evict" | "delete"; reason?: string } | { action: "refuse"; reason: string } {
  if (p.metadata.annotations?.["kubernetes.io/config.mirror"] !== undefined)
    return { action: "skip", reason: "a mirror pod (the kubelet's static pod)" };
  const owner = controllerOf(p);
  if (owner?.kind === "DaemonSet") return { action: "skip", reason: `managed by DaemonSet ${owner.name}` };
  if (volumes(p).some((v) => v.emptyDir) && !finished(p) && !o.deleteEmptyDirData)
    return {
      action: "refuse",
      reason: "has emptyDir data (--delete-emptydir-data evicts it and loses the data)",
    };
  if (!owner && !finished(p)) {
    if (!o.force) return { action: "refuse", reason: "no controller recreates it (--force deletes it)" };
    return { action: "delete", reason: "no controller recreates it: deleted (--force)" };
  }
  return { action: "evict" };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `test` holds, checked on every change of the collection; false when the deadline passes. */
function whenTrue(
  cluster: Cluster,
  pods: Collection,
  test: () => boolean,
  deadline: number,
): Promise<boolean> {
  if (test()) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => finish(test()), Math.max(0, deadline - Date.now()));
    const off = cluster.subscribe((changed) => {
      if (changed.has(pods.type.resource) && test()) finish(true);
    });
    function finish(v: boolean) {
      clearTimeout(timer);
      off();
      done(v);
    }
  });
}

/** Cordons a node and moves its pods off through the Eviction API; a clear error names what stopped it. */
export async function drainNode(
  cluster: Cluster,
  node: string,
  o: DrainOptions = {},
  onEvent: (e: DrainEvent) => void = () => {},
): Promise<DrainReport> {
  const started = Date.now();
  const deadline = started + (o.timeoutMs ?? 300_000);
  await cluster.cordon(node, true);
  onEvent({ type: "cordoned", node });
  const pods = cluster.watch(PODS, { fieldSelector: `spec.nodeName=${node}` });
  try {
    await cluster.synced();
    if (pods.error)
      throw new SlipwayError({
        code: "cluster",
        message: `drain ${node}: listing its pods: ${pods.error.message}`,
      });
    const sorted = [...pods.values()].map((p) => ({ p, s: sortPod(p, o) }));
    const refused = sorted.filter((x) => x.s.action === "refuse");
    if (refused.length)
      throw new SlipwayError({
        code: "cluster",
        message: `drain ${node}: ${refused.length} pod(s) cannot be moved: ${refused.map((x) => `${id(x.p)} ${x.s.reason}`).join("; ")}`,
        hint: `the node stays cordoned (\`slipway node uncordon ${node}\` undoes it); nothing was evicted`,
      });
    const skipped = sorted
      .filter((x) => x.s.action === "skip")
      .map((x) => ({ pod: id(x.p), reason: x.s.reason ?? "" }));
    for (const s of skipped) onEvent({ type: "skipped", ...s });
    const moving = sorted.filter((x) => x.s.action === "evict" || x.s.action === "delete").map((x) => x);
    let blocked = 0;
    const waiting = new Map<string, { message: string }>();
    await Promise.all(
      moving.map(async ({ p, s }) => {
        const name = id(p);
        onEvent({ type: "evicting", pod: name });
        for (;;) {
          if (s.action === "delete") {
            await cluster.deletePod(p.metadata.namespace!, p.metadata.name, o.gracePeriodSeconds);
            break;
          }
          const r = await cluster.evict(p.metadata.namespace!, p.metadata.name, o.gracePeriodSeconds);
          if (r.outcome !== "blocked") break;
          blocked++;
          waiting.set(name, { message: r.message });
          onEvent({ type: "blocked", pod: name, message: r.message });
          if (Date.now() + (o.retryMs ?? 5000) > deadline) return;
          await sleep(o.retryMs ?? 5000);
        }
        waiting.delete(name);
        const uid = p.metadata.uid;
        const gone = () => pods.get(p.metadata.namespace, p.metadata.name)?.metadata.uid !== uid;
        if (await whenTrue(cluster, pods, gone, deadline)) onEvent({ type: "gone", pod: name });
      }),
    );
    const left = moving.filter(
      ({ p }) => pods.get(p.metadata.namespace, p.metadata.name)?.metadata.uid === p.metadata.uid,
    );
    if (left.length)
      throw new SlipwayError({
        code: "cluster",
        message: `drain ${node}: timed out after ${Math.round((Date.now() - started) / 1000)} s with ${left.length} pod(s) still there: ${left
          .map(({ p }) => {
            const w = waiting.get(id(p));
            return w ? `${id(p)} (eviction refused: ${w.message})` : `${id(p)} (still terminating)`;
          })
          .join("; ")}`,
        hint: "a PodDisruptionBudget allows no disruption until more replicas are ready elsewhere; raise --timeout, or fix the budget. The node stays cordoned",
      });
    return { node, evicted: moving.map(({ p }) => id(p)), skipped, blocked, ms: Date.now() - started };
  } finally {
    cluster.unwatch(pods);
  }
}
