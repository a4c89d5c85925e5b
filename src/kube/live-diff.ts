import { stringify } from "yaml";
import type { Cluster } from "./cluster.js";
import { KubeError } from "./errors.js";
import type { KubeObject } from "./types.js";

// The live half of `slipway diff`: every object the tree's builds produce is sent to the cluster as a
// server-side apply dry run (nothing is persisted; admission, defaulting and field ownership are the server's
// own), and compared with the object as it is in the cluster — what `kubectl diff --server-side` does. Both
// sides come back from the same server, so they differ only where applying would change something.

export interface LiveDiff {
  /** The live objects (those that exist), one file per object: `Kind/namespace/name.yaml`. */
  live: Map<string, string>;
  /** The objects as the server would store them after the apply. */
  wanted: Map<string, string>;
  /** Kinds the cluster does not serve (a CRD not installed yet), with how many objects: not compared. */
  notServed: { apiVersion: string; kind: string; count: number }[];
  /** Objects the server refused (admission, validation), with its message. */
  refused: { object: string; message: string }[];
  /** Objects in namespaces this change creates: a dry run cannot place them, so they are shown as rendered. */
  inNewNamespaces: number;
}

/** Fields the server sets on every write: they differ between two reads of the same object. */
function normalise(o: KubeObject): Record<string, unknown> {
  const copy = structuredClone(o) as KubeObject;
  const m = copy.metadata as Record<string, unknown> & { annotations?: Record<string, string> };
  for (const k of ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink"])
    delete m[k];
  delete m.annotations?.["kubectl.kubernetes.io/last-applied-configuration"];
  if (m.annotations && Object.keys(m.annotations).length === 0) delete m.annotations;
  delete copy.status;
  return copy;
}

const fileOf = (kind: string, ns: string | undefined, name: string) =>
  `${kind}/${ns ? `${ns}/` : ""}${name}.yaml`;

/** Live versus applied for each object, at most `parallel` requests at once. */
export async function liveDiff(
  cluster: Cluster,
  objects: Record<string, unknown>[],
  parallel = 8,
): Promise<LiveDiff> {
  const out: LiveDiff = {
    live: new Map(),
    wanted: new Map(),
    notServed: [],
    refused: [],
    inNewNamespaces: 0,
  };
  const namespaces = new Set(
    objects.filter((o) => o.kind === "Namespace").map((o) => String((o.metadata as { name?: string }).name)),
  );
  const notServed = new Map<string, LiveDiff["notServed"][number]>();
  const seen = new Map<string, Record<string, unknown>>();
  for (const o of objects) {
    const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
    seen.set(`${String(o.apiVersion)}|${String(o.kind)}|${m.namespace ?? ""}|${m.name}`, o);
  }
  const queue = [...seen.values()];
  const one = async (o: Record<string, unknown>) => {
    const apiVersion = String(o.apiVersion);
    const kind = String(o.kind);
    const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
    const type = await cluster.typeOf(apiVersion, kind);
    if (!type) {
      const k = `${apiVersion}|${kind}`;
      const n = notServed.get(k) ?? { apiVersion, kind, count: 0 };
      n.count++;
      notServed.set(k, n);
      return;
    }
    const ns = type.namespaced ? (m.namespace ?? "default") : undefined;
    const file = fileOf(kind, ns, String(m.name));
    try {
      const live = await cluster.get(type, ns, String(m.name));
      out.live.set(file, stringify(normalise(live)));
    } catch (e) {
      if (!(e instanceof KubeError && e.kind === "not-found")) throw e;
    }
    try {
      out.wanted.set(file, stringify(normalise(await cluster.dryRunApply(type, o))));
    } catch (e) {
      if (
        !(e instanceof KubeError) ||
        (e.kind !== "invalid" && e.kind !== "forbidden" && e.kind !== "not-found")
      )
        throw e;
      const missing = /namespaces "([^"]+)" not found/.exec(e.message)?.[1];
      if (e.kind === "not-found" && missing && missing === ns && namespaces.has(missing)) {
        out.wanted.set(file, stringify(o));
        out.inNewNamespaces++;
        return;
      }
      out.refused.push({ object: file.replace(/\.yaml$/, ""), message: e.message });
    }
  };
  const workers = Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    for (let o = queue.shift(); o; o = queue.shift()) await one(o);
  });
  await Promise.all(workers);
  out.notServed = [...notServed.values()].sort((a, b) => (a.kind < b.kind ? -1 : 1));
  out.refused.sort((a, b) => (a.object < b.object ? -1 : 1));
  // Sorted, so the patch reads in the same order on every run.
  out.live = new Map([...out.live].sort(([a], [b]) => (a < b ? -1 : 1)));
  out.wanted = new Map([...out.wanted].sort(([a], [b]) => (a < b ? -1 : 1)));
  return out;
}
