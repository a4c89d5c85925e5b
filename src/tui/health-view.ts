// A row's colour and status word. The judgement is the health model's (src/kube/health*.ts, the one `slipway
// status` reports from): this file maps its level to a colour and keeps the words kubectl users read in a
// STATUS column (`Ready,SchedulingDisabled`, `CrashLoopBackOff`, `Synced/Healthy`).
import { gitopsHealth as gitopsModel } from "../kube/health-gitops.js";
import { nodeHealth as nodeModel } from "../kube/health-nodes.js";
import { podHealth as podModel } from "../kube/health-pods.js";
import { workloadHealth as workloadModel } from "../kube/health-workloads.js";
import type { HealthLevel } from "../kube/health.js";
import type { KubeObject } from "../kube/types.js";
import { condition } from "../kube/health.js";
import { field, list } from "./format.js";

const COLOUR: Record<HealthLevel, Health> = {
  healthy: "ok",
  progressing: "warn",
  degraded: "bad",
  unknown: "unknown",
};

export type Health = "ok" | "warn" | "bad" | "unknown";

export interface Verdict {
  health: Health;
  text: string;
}

/** A node: Ready, pressure conditions, cordoned. */
export function nodeHealth(n: KubeObject): Verdict {
  const ready = condition(n, "Ready")?.status;
  const pressure = list(n, "status", "conditions")
    .filter((c) => c.type !== "Ready" && c.status === "True")
    .map((c) => String(c.type));
  const cordoned = field(n, "spec", "unschedulable") === true;
  const words = [ready === "True" ? "Ready" : ready === "False" ? "NotReady" : "Unknown"];
  if (cordoned) words.push("SchedulingDisabled");
  words.push(...pressure);
  return { health: COLOUR[nodeModel(n, []).level], text: words.join(",") };
}

/** Restarts of all a pod's containers. */
export const podRestarts = (p: KubeObject): number =>
  list(p, "status", "containerStatuses").reduce((n, c) => n + (Number(c.restartCount) || 0), 0);

/** A pod: its phase, or the waiting reason of a container (CrashLoopBackOff, ImagePullBackOff). */
export function podHealth(p: KubeObject): Verdict {
  return { health: COLOUR[podModel(p).level], text: podWord(p) };
}

/** kubectl's STATUS word for a pod. */
function podWord(p: KubeObject): string {
  if (p.metadata.deletionTimestamp) return "Terminating";
  const phase = String(field(p, "status", "phase") ?? "Unknown");
  const statuses = list(p, "status", "containerStatuses");
  const waiting = statuses
    .map((c) => field(c, "state", "waiting", "reason"))
    .find((r) => typeof r === "string");
  if (typeof waiting === "string") return waiting;
  if (phase === "Succeeded") return "Completed";
  if (phase === "Failed") return String(field(p, "status", "reason") ?? "Failed");
  if (phase === "Pending") return "Pending";
  return phase;
}

/** Ready and desired replicas of a Deployment, StatefulSet or DaemonSet. */
export function replicas(w: KubeObject): { ready: number; desired: number } {
  if (w.kind === "DaemonSet")
    return {
      ready: Number(field(w, "status", "numberReady") ?? 0),
      desired: Number(field(w, "status", "desiredNumberScheduled") ?? 0),
    };
  return {
    ready: Number(field(w, "status", "readyReplicas") ?? 0),
    desired: Number(field(w, "spec", "replicas") ?? 1),
  };
}

/** A workload: all replicas ready, progressing (an old generation observed), or short of replicas. */
export function workloadHealth(w: KubeObject): Verdict {
  return { health: COLOUR[workloadModel(w, []).level], text: workloadWord(w) };
}

function workloadWord(w: KubeObject): string {
  const { ready, desired } = replicas(w);
  const observed = Number(field(w, "status", "observedGeneration") ?? 0);
  if (w.metadata.generation !== undefined && observed < w.metadata.generation) return "Progressing";
  if (ready >= desired) return desired === 0 ? "Scaled to 0" : "Ready";
  return `${desired - ready} not ready`;
}

/** A Flux object or Argo CD Application: its Ready condition (Argo: sync and health status). */
export function gitopsHealth(o: KubeObject): Verdict {
  return { health: COLOUR[gitopsModel(o).level], text: gitopsWord(o) };
}

function gitopsWord(o: KubeObject): string {
  if (o.kind === "Application") {
    const sync = String(field(o, "status", "sync", "status") ?? "Unknown");
    const health = String(field(o, "status", "health", "status") ?? "Unknown");
    return `${sync}/${health}`;
  }
  if (field(o, "spec", "suspend") === true) return "Suspended";
  const ready = condition(o, "Ready");
  if (!ready) return "Unknown";
  if (ready.status === "True") return "Ready";
  if (ready.status === "Unknown") return ready.reason ?? "Progressing";
  return ready.reason ?? "NotReady";
}

/** An event: warnings are a warning. */
export const eventHealth = (e: KubeObject): Verdict =>
  e.type === "Warning"
    ? { health: "warn", text: "Warning" }
    : { health: "ok", text: String(e.type ?? "Normal") };
