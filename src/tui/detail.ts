// The detail screen: the object's YAML (managedFields dropped: they are the server's bookkeeping, pages of
// it) and, below it, the object's own events, warnings first — what k9s makes you look for elsewhere.
import { EVENTS } from "../kube/resources.js";
import type { KubeObject } from "../kube/types.js";
import { yamlLib } from "../yaml/parse.js";
import { age, field } from "./format.js";
import { objectsOf, type ClusterData } from "./model.js";
import { eventOrder, lastSeen } from "./views-apps.js";

/**
 * The object as kubectl shows it: apiVersion, kind and metadata first (the adapter fills the first two in
 * after the fact, so they would come last), without `metadata.managedFields`.
 */
export function withoutManagedFields(o: KubeObject): KubeObject {
  const { managedFields: _dropped, ...metadata } = o.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = o;
  return { apiVersion, kind, metadata: metadata as KubeObject["metadata"], ...rest };
}

/** The events about an object: by uid, or by kind, namespace and name for events recorded before it had one. */
export function eventsOf(data: ClusterData, o: KubeObject): KubeObject[] {
  return objectsOf(data, EVENTS)
    .filter((e) => {
      const inv = field(e, "involvedObject") as Record<string, unknown> | undefined;
      if (!inv) return false;
      if (inv.uid && o.metadata.uid) return inv.uid === o.metadata.uid;
      return (
        inv.kind === o.kind &&
        inv.name === o.metadata.name &&
        (inv.namespace ?? "") === (o.metadata.namespace ?? "")
      );
    })
    .sort(eventOrder);
}

/** The lines of the detail screen. */
export function detailLines(data: ClusterData, o: KubeObject, yamlOnly: boolean, now: number): string[] {
  const text = yamlLib().stringify(withoutManagedFields(o), { lineWidth: 0 });
  const lines = text.replace(/\n$/, "").split("\n");
  if (yamlOnly) return lines;
  const events = eventsOf(data, o);
  lines.push("", `Events (${events.length}):`);
  if (!events.length) lines.push("  none");
  for (const e of events)
    lines.push(
      `  ${String(e.type ?? "Normal").padEnd(7)} ${String(e.reason ?? "").padEnd(18)} ${age(lastSeen(e) || undefined, now).padStart(4)}  x${String(e.count ?? 1)}  ${String(e.message ?? "").replace(/\s+/g, " ")}`,
    );
  return lines;
}
