// The least health the UI needs to colour a row, until the pure health model (src/kube/health*.ts, written on
// another branch for the status command) lands; the UI then reads that model and this file goes. It is kept to
// the signals the columns show — not a second health model.
import type { KubeObject } from "../kube/types.js";
import { condition, field, list } from "./format.js";

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
  const health: Health = ready !== "True" ? "bad" : cordoned || pressure.length ? "warn" : "ok";
  return { health, text: words.join(",") };
}

/** Restarts of all a pod's containers. */
export const podRestarts = (p: KubeObject): number =>
  list(p, "status", "containerStatuses").reduce((n, c) => n + (Number(c.restartCount) || 0), 0);

/** A pod: its phase, or the waiting reason of a container (CrashLoopBackOff, ImagePullBackOff). */
export function podHealth(p: KubeObject): Verdict {
  if (p.metadata.deletionTimestamp) return { health: "warn", text: "Terminating" };
  const phase = String(field(p, "status", "phase") ?? "Unknown");
  const statuses = list(p, "status", "containerStatuses");
  const waiting = statuses
    .map((c) => field(c, "state", "waiting", "reason"))
    .find((r) => typeof r === "string");
  if (typeof waiting === "string")
    return { health: /BackOff|Err|Invalid/.test(waiting) ? "bad" : "warn", text: waiting };
  if (phase === "Succeeded") return { health: "ok", text: "Completed" };
  if (phase === "Failed") return { health: "bad", text: String(field(p, "status", "reason") ?? "Failed") };
  if (phase === "Pending") return { health: "warn", text: "Pending" };
  if (phase === "Running") {
    const ready = statuses.length > 0 && statuses.every((c) => c.ready === true);
    return { health: ready ? "ok" : "warn", text: "Running" };
  }
  return { health: "unknown", text: phase };
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
  const { ready, desired } = replicas(w);
  const observed = Number(field(w, "status", "observedGeneration") ?? 0);
  if (w.metadata.generation !== undefined && observed < w.metadata.generation)
    return { health: "warn", text: "Progressing" };
  if (ready >= desired) return { health: "ok", text: desired === 0 ? "Scaled to 0" : "Ready" };
  return { health: ready === 0 ? "bad" : "warn", text: `${desired - ready} not ready` };
}

/** A Flux object or Argo CD Application: its Ready condition (Argo: sync and health status). */
export function gitopsHealth(o: KubeObject): Verdict {
  if (o.kind === "Application") {
    const sync = String(field(o, "status", "sync", "status") ?? "Unknown");
    const health = String(field(o, "status", "health", "status") ?? "Unknown");
    const good = sync === "Synced" && health === "Healthy";
    return { health: good ? "ok" : health === "Degraded" ? "bad" : "warn", text: `${sync}/${health}` };
  }
  if (field(o, "spec", "suspend") === true) return { health: "warn", text: "Suspended" };
  const ready = condition(o, "Ready");
  if (!ready) return { health: "unknown", text: "Unknown" };
  if (ready.status === "True") return { health: "ok", text: "Ready" };
  if (ready.status === "Unknown") return { health: "warn", text: ready.reason ?? "Progressing" };
  return { health: "bad", text: ready.reason ?? "NotReady" };
}

/** An event: warnings are a warning. */
export const eventHealth = (e: KubeObject): Verdict =>
  e.type === "Warning"
    ? { health: "warn", text: "Warning" }
    : { health: "ok", text: String(e.type ?? "Normal") };
