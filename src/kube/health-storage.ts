import { degraded, field, healthy, num, progressing, str, unknown, type Health } from "./health.js";
import type { KubeObject } from "./types.js";

// PersistentVolumeClaims (bound, pending, lost) and warning events (who, why, how often, when last).

/** A PVC's phase as health. */
export function pvcHealth(pvc: KubeObject): Health {
  const phase = str(pvc.status?.phase) ?? "Pending";
  if (phase === "Bound") return healthy("Bound", str(pvc.spec?.volumeName));
  if (phase === "Lost") return degraded("Lost", "the bound PersistentVolume no longer exists");
  if (phase === "Pending")
    return progressing("Pending", `storage class ${str(pvc.spec?.storageClassName) ?? "(default)"}`);
  return unknown(phase);
}

export interface WarningEvent {
  namespace: string;
  /** `Kind/name` of the object the event is about. */
  object: string;
  reason: string;
  message: string;
  count: number;
  /** When it last happened (ISO time), from the series, lastTimestamp, eventTime or creation time. */
  last: string;
  source?: string;
}

/**
 * The warning events, newest first, at most `limit`. Reads both shapes the core/v1 list carries: events
 * recorded the old way (count, lastTimestamp, source) and through events.k8s.io (series, eventTime,
 * reportingController).
 */
export function warningEvents(events: Iterable<KubeObject>, limit = Infinity): WarningEvent[] {
  const out: WarningEvent[] = [];
  for (const e of events) {
    if (e.type !== "Warning") continue;
    const involved = (e.involvedObject ?? e.regarding) as Record<string, unknown> | undefined;
    const last =
      str(field(e, "series", "lastObservedTime")) ??
      str(e.lastTimestamp) ??
      str(e.eventTime) ??
      str(e.metadata.creationTimestamp) ??
      "";
    const source =
      str(field(e, "source", "component")) ?? str(e.reportingComponent) ?? str(e.reportingController);
    out.push({
      namespace: e.metadata.namespace ?? "",
      object: `${str(involved?.kind) ?? "?"}/${str(involved?.name) ?? "?"}`,
      reason: str(e.reason) ?? "",
      message: (str(e.message) ?? str(e.note) ?? "").trim(),
      count: num(field(e, "series", "count")) ?? num(e.count) ?? 1,
      last,
      ...(source ? { source } : {}),
    });
  }
  out.sort((a, b) => (a.last < b.last ? 1 : a.last > b.last ? -1 : a.object.localeCompare(b.object)));
  return out.slice(0, limit);
}
