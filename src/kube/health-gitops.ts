import {
  arr,
  condition,
  degraded,
  field,
  healthy,
  progressing,
  str,
  unknown,
  type Health,
} from "./health.js";
import type { KubeObject } from "./types.js";

// GitOps object health: Flux's Kustomization, HelmRelease and sources (kstatus conditions: Ready, Reconciling,
// Stalled; spec.suspend) and Argo CD's Application (sync status, health status, the last operation).

export interface GitOpsHealth extends Health {
  kind: string;
  namespace: string;
  name: string;
  suspended: boolean;
  /** What the object runs: a Kustomization's last applied revision, a source's artifact revision, … */
  revision?: string;
  /** What it last tried, when that differs from `revision` (a failing upgrade). */
  attempted?: string;
}

/** Where each kind keeps the revision it runs and the one it last attempted. */
const REVISION: Record<string, (o: KubeObject) => { revision?: string; attempted?: string }> = {
  Kustomization: (o) => ({
    revision: str(o.status?.lastAppliedRevision),
    attempted: str(o.status?.lastAttemptedRevision),
  }),
  HelmRelease: (o) => {
    const latest = arr(o.status?.history)[0];
    return {
      revision: str(field(latest, "chartVersion")),
      attempted: str(o.status?.lastAttemptedRevision),
    };
  },
  GitRepository: (o) => ({ revision: str(field(o.status, "artifact", "revision")) }),
  OCIRepository: (o) => ({ revision: str(field(o.status, "artifact", "revision")) }),
  HelmRepository: (o) => ({ revision: str(field(o.status, "artifact", "revision")) }),
  Application: (o) => ({
    revision:
      str(field(o.status, "sync", "revision")) ??
      (arr(field(o.status, "sync", "revisions"))
        .filter((r) => typeof r === "string")
        .join(",") ||
        undefined),
    attempted: str(field(o.status, "operationState", "syncResult", "revision")),
  }),
};

/** The health of a Flux object or an Argo CD Application. */
export function gitopsHealth(o: KubeObject): GitOpsHealth {
  const rev = (REVISION[o.kind] ?? REVISION.Kustomization!)(o);
  const suspended = o.spec?.suspend === true;
  const health = o.kind === "Application" ? argoHealth(o) : fluxHealth(o, suspended);
  return {
    ...health,
    kind: o.kind,
    namespace: o.metadata.namespace ?? "",
    name: o.metadata.name,
    suspended,
    ...(rev.revision ? { revision: rev.revision } : {}),
    ...(rev.attempted && rev.attempted !== rev.revision ? { attempted: rev.attempted } : {}),
  };
}

/** kstatus as Flux writes it: Stalled wins, then Ready=False, then Reconciling or Ready=Unknown. */
function fluxHealth(o: KubeObject, suspended: boolean): Health {
  const ready = condition(o, "Ready");
  const stalled = condition(o, "Stalled");
  const reconciling = condition(o, "Reconciling");
  if (suspended)
    return unknown("Suspended", `spec.suspend is true${ready?.message ? `; last: ${ready.message}` : ""}`);
  if (stalled?.status === "True")
    return degraded(
      ready?.status === "False" && ready.reason ? ready.reason : (stalled.reason ?? "Stalled"),
      ready?.message ?? stalled.message,
    );
  if (ready?.status === "False") return degraded(ready.reason ?? "NotReady", ready.message);
  if (reconciling?.status === "True" || ready?.status === "Unknown")
    return progressing(
      reconciling?.reason ?? ready?.reason ?? "Progressing",
      reconciling?.message ?? ready?.message,
    );
  if (!ready) return unknown("NoStatus", "no Ready condition: is the Flux controller for this kind running?");
  const observed = ready.observedGeneration ?? (o.status?.observedGeneration as number | undefined);
  if (observed !== undefined && o.metadata.generation !== undefined && observed < o.metadata.generation)
    return progressing(
      "NotObserved",
      `generation ${o.metadata.generation} not reconciled yet (at ${observed})`,
    );
  return healthy(ready.reason ?? "Ready", ready.message);
}

/** Argo CD's health.status values and what they mean here. */
const ARGO_HEALTH: Record<string, Health["level"]> = {
  Healthy: "healthy",
  Progressing: "progressing",
  Degraded: "degraded",
  Missing: "degraded",
  Suspended: "unknown",
  Unknown: "unknown",
};

function argoHealth(o: KubeObject): Health {
  const sync = str(field(o.status, "sync", "status")) ?? "Unknown";
  const health = str(field(o.status, "health", "status")) ?? "Unknown";
  const op = field(o.status, "operationState");
  const phase = str(field(op, "phase"));
  const opMessage = str(field(op, "message"));
  const message = str(field(o.status, "health", "message"));
  const syncError = arr(o.status?.conditions).find((c) => /Error$/.test(str(field(c, "type")) ?? ""));
  const detail = [
    message,
    phase === "Failed" || phase === "Error" ? opMessage : undefined,
    str(field(syncError, "message")),
  ]
    .filter(Boolean)
    .join("; ");
  const level = ARGO_HEALTH[health] ?? "unknown";
  const reason = `${sync}/${health}`;
  if (level === "degraded" || phase === "Failed" || phase === "Error")
    return degraded(reason, detail || undefined);
  if (sync === "OutOfSync") return progressing(reason, detail || "live state differs from the desired state");
  if (level === "progressing" || phase === "Running") return progressing(reason, detail || opMessage);
  if (level === "unknown" || sync === "Unknown") return unknown(reason, detail || undefined);
  return healthy(reason, opMessage);
}
