import { parseQuantity } from "./quantity.js";
import {
  arr,
  condition,
  degraded,
  field,
  healthy,
  num,
  progressing,
  str,
  unknown,
  type Health,
} from "./health.js";
import type { KubeObject } from "./types.js";

// Pod health: phase, readiness, restarts and the kubelet's waiting/terminated reasons, as one table.

/** Waiting reasons that mean the container will not start without a change (an image, a secret, the code). */
const WAITING: Record<string, "degraded" | "progressing"> = {
  CrashLoopBackOff: "degraded",
  ImagePullBackOff: "degraded",
  ErrImagePull: "degraded",
  ErrImageNeverPull: "degraded",
  InvalidImageName: "degraded",
  CreateContainerConfigError: "degraded",
  CreateContainerError: "degraded",
  RunContainerError: "degraded",
  PreStartHookError: "degraded",
  PostStartHookError: "degraded",
  ContainerCreating: "progressing",
  PodInitializing: "progressing",
};

export interface ContainerState {
  name: string;
  init: boolean;
  ready: boolean;
  restarts: number;
  /** `waiting` / `terminated` reason (CrashLoopBackOff, OOMKilled …), or undefined when running. */
  reason?: string;
  message?: string;
  exitCode?: number;
}

export interface PodHealth extends Health {
  phase: string;
  node?: string;
  /** "1/2": ready containers of all regular containers. */
  ready: string;
  restarts: number;
  containers: ContainerState[];
}

function containerStates(pod: KubeObject): ContainerState[] {
  const read = (list: unknown, init: boolean) =>
    arr(list).map((c): ContainerState => {
      const waiting = field(c, "state", "waiting");
      const terminated = field(c, "state", "terminated");
      const s = waiting ?? terminated;
      const exitCode = num(field(terminated, "exitCode"));
      return {
        name: str(field(c, "name")) ?? "?",
        init,
        ready: field(c, "ready") === true,
        restarts: num(field(c, "restartCount")) ?? 0,
        ...(str(field(s, "reason")) ? { reason: str(field(s, "reason")) } : {}),
        ...(str(field(s, "message")) ? { message: str(field(s, "message")) } : {}),
        ...(exitCode !== undefined ? { exitCode } : {}),
      };
    });
  return [...read(pod.status?.initContainerStatuses, true), ...read(pod.status?.containerStatuses, false)];
}

/** The health of one pod. */
export function podHealth(pod: KubeObject): PodHealth {
  const phase = str(pod.status?.phase) ?? "Unknown";
  const containers = containerStates(pod);
  const regular = containers.filter((c) => !c.init);
  const specCount = arr(pod.spec?.containers).length || regular.length;
  const base = {
    phase,
    ...(str(pod.spec?.nodeName) ? { node: str(pod.spec?.nodeName) } : {}),
    ready: `${regular.filter((c) => c.ready).length}/${specCount}`,
    restarts: containers.reduce((n, c) => n + c.restarts, 0),
    containers,
  };
  return { ...base, ...judge(pod, phase, containers) };
}

function judge(pod: KubeObject, phase: string, containers: ContainerState[]): Health {
  if (pod.metadata.deletionTimestamp) return progressing("Terminating");
  if (phase === "Succeeded") return healthy("Completed");
  if (phase === "Failed")
    return degraded(
      str(pod.status?.reason) ?? "Failed",
      str(pod.status?.message) ?? failedContainer(containers),
    );
  for (const c of containers) {
    const level = c.reason ? WAITING[c.reason] : undefined;
    if (level === "degraded") return degraded(c.reason!, `container ${c.name}: ${c.message ?? c.reason}`);
  }
  const bad = containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0 && !c.init);
  if (bad) return degraded(bad.reason ?? "Error", `container ${bad.name} exited ${bad.exitCode}`);
  const scheduled = condition(pod, "PodScheduled");
  if (scheduled?.status === "False")
    return scheduled.reason === "Unschedulable"
      ? degraded("Unschedulable", scheduled.message)
      : progressing("Pending", scheduled.message);
  if (phase === "Pending") {
    const waiting = containers.find((c) => c.reason);
    return progressing(waiting?.reason ?? "Pending", waiting?.message);
  }
  if (phase === "Running") {
    const ready = condition(pod, "Ready");
    if (ready?.status === "True") return healthy("Running");
    return progressing("NotReady", ready?.message);
  }
  return unknown(phase, str(pod.status?.message));
}

const failedContainer = (containers: ContainerState[]) => {
  const c = containers.find((x) => x.exitCode !== undefined && x.exitCode !== 0);
  return c ? `container ${c.name} exited ${c.exitCode}${c.reason ? ` (${c.reason})` : ""}` : undefined;
};

/** Whether a pod still holds its node's resources (what the scheduler and `kubectl describe node` count). */
export const isTerminated = (pod: KubeObject): boolean =>
  pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

export interface Requests {
  cpu: number;
  memory: number;
}

/**
 * A pod's effective requests, as the scheduler counts them (simplified for sidecars): the larger of (the sum of the containers plus
 * restartable init containers — sidecars) and each ordinary init container, plus the pod overhead.
 */
export function podRequests(pod: KubeObject): Requests {
  const req = (c: unknown, r: "cpu" | "memory") => {
    const q = str(field(c, "resources", "requests", r));
    return (q && parseQuantity(q)) || 0;
  };
  const out: Requests = { cpu: 0, memory: 0 };
  for (const r of ["cpu", "memory"] as const) {
    const sidecars = arr(pod.spec?.initContainers).filter((c) => field(c, "restartPolicy") === "Always");
    const running = [...arr(pod.spec?.containers), ...sidecars].reduce((n: number, c) => n + req(c, r), 0);
    const init = arr(pod.spec?.initContainers)
      .filter((c) => field(c, "restartPolicy") !== "Always")
      .reduce((m: number, c) => Math.max(m, req(c, r)), 0);
    const overhead = str(field(pod.spec, "overhead", r));
    out[r] = Math.max(running, init) + ((overhead && parseQuantity(overhead)) || 0);
  }
  return out;
}
