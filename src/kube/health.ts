import type { KubeObject } from "./types.js";

// The health model's shared vocabulary: one result type for every object, and the few readers of the status
// shapes (conditions, nested fields) every table-driven rule module uses. Pure: no I/O, no clock (callers pass
// `now` where an age matters).

/** How an object is doing, in four words a view colours: green, yellow, red, grey. */
export type HealthLevel = "healthy" | "progressing" | "degraded" | "unknown";

/** One object's health: a level, a short machine-stable reason (`CrashLoopBackOff`), and the detail. */
export interface Health {
  level: HealthLevel;
  reason: string;
  message?: string;
}

/** A `metav1.Condition` or a core condition (NodeCondition, PodCondition, DeploymentCondition …). */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown" | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

const RANK: Record<HealthLevel, number> = { healthy: 0, unknown: 1, progressing: 2, degraded: 3 };

/** The worse of several levels (degraded > progressing > unknown > healthy). */
export function worstLevel(levels: Iterable<HealthLevel>): HealthLevel {
  let worst: HealthLevel = "healthy";
  for (const l of levels) if (RANK[l] > RANK[worst]) worst = l;
  return worst;
}

export const healthy = (reason: string, message?: string): Health => ({
  level: "healthy",
  reason,
  ...(message ? { message } : {}),
});
export const degraded = (reason: string, message?: string): Health => ({
  level: "degraded",
  reason,
  ...(message ? { message } : {}),
});
export const progressing = (reason: string, message?: string): Health => ({
  level: "progressing",
  reason,
  ...(message ? { message } : {}),
});
export const unknown = (reason: string, message?: string): Health => ({
  level: "unknown",
  reason,
  ...(message ? { message } : {}),
});

/** A nested field read without trusting the shape: `field(o, "status", "artifact", "revision")`. */
export function field(o: unknown, ...path: string[]): unknown {
  let v = o;
  for (const k of path) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The object's status.conditions (entries without a type are not conditions and are skipped). */
export function conditions(o: KubeObject): Condition[] {
  return arr(o.status?.conditions).filter(
    (c): c is Condition => typeof c === "object" && c !== null && typeof (c as Condition).type === "string",
  );
}

/** One condition by type. */
export const condition = (o: KubeObject, type: string): Condition | undefined =>
  conditions(o).find((c) => c.type === type);

/** `namespace/name`, or the name of a cluster-scoped object. */
export const objectKey = (o: { metadata: { name: string; namespace?: string } }): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
