// TEST DOUBLE: an in-memory ClusterView over the objects recorded from the test control plane
// (test/fixtures/kube/, see its README for who wrote each status). No watch, no server: `watch` returns a
// Collection filled from the fixture file of that resource type; a type without a file is "absent", as an
// uninstalled CRD is for the real adapter. `set`/`remove` change a collection and notify subscribers once.
import { readFileSync } from "node:fs";
import type { ClusterView, Collection, Connection, KubeObject, ResourceType } from "../../src/kube/types.js";
import { fixture } from "../helpers.js";

const FILES: Record<string, string> = {
  nodes: "nodes.json",
  pods: "pods.json",
  deployments: "deployments.json",
  statefulsets: "statefulsets.json",
  daemonsets: "daemonsets.json",
  persistentvolumeclaims: "pvcs.json",
  events: "events.json",
  kustomizations: "kustomizations.json",
  helmreleases: "helmreleases.json",
  gitrepositories: "gitrepositories.json",
  ocirepositories: "ocirepositories.json",
  helmrepositories: "helmrepositories.json",
  applications: "applications.json",
};

/** The recorded objects of one resource (`pods`, `nodes`, …). */
export function recorded(resource: string): KubeObject[] {
  const file = FILES[resource];
  if (!file) throw new Error(`no recorded fixture for ${resource}`);
  return (JSON.parse(readFileSync(fixture("kube", file), "utf8")) as { items: KubeObject[] }).items;
}

/** One recorded object by name. */
export function recordedObject(resource: string, name: string): KubeObject {
  const o = recorded(resource).find((x) => x.metadata.name === name);
  if (!o) throw new Error(`no recorded ${resource} named ${name}`);
  return o;
}

const key = (ns: string | undefined, name: string) => `${ns ?? ""}/${name}`;

class MemoryCollection implements Collection {
  readonly synced = true;
  readonly objects = new Map<string, KubeObject>();
  constructor(
    readonly type: ResourceType,
    readonly absent: boolean,
    items: KubeObject[],
  ) {
    for (const o of items) this.objects.set(key(o.metadata.namespace, o.metadata.name), o);
  }
  get size() {
    return this.objects.size;
  }
  get(namespace: string | undefined, name: string) {
    return this.objects.get(key(namespace, name));
  }
  values() {
    return this.objects.values();
  }
}

export interface MemoryCluster extends ClusterView {
  set(resource: string, o: KubeObject): void;
  remove(resource: string, namespace: string | undefined, name: string): void;
}

/** A ClusterView holding the recorded objects; `override` replaces a resource's objects (or makes it absent: null). */
export function memoryCluster(override: Record<string, KubeObject[] | null> = {}): MemoryCluster {
  const collections = new Map<string, MemoryCollection>();
  const listeners = new Set<(changed: ReadonlySet<string>) => void>();
  const connection: Connection = { state: "live", since: 0 };
  const watch = (type: ResourceType): MemoryCollection => {
    let c = collections.get(type.resource);
    if (!c) {
      const o = override[type.resource];
      const items = o === null ? [] : (o ?? (FILES[type.resource] ? recorded(type.resource) : []));
      const absent = o === null || (o === undefined && !FILES[type.resource]);
      c = new MemoryCollection(type, absent, items);
      collections.set(type.resource, c);
    }
    return c;
  };
  const notify = (resource: string) => {
    for (const l of listeners) l(new Set([resource]));
  };
  return {
    context: "recorded",
    server: "https://recorded.invalid",
    connection: () => connection,
    watch,
    unwatch: (c) => void collections.delete(c.type.resource),
    subscribe(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    synced: async () => {},
    close: async () => {},
    set(resource, o) {
      const c = collections.get(resource);
      if (!c) throw new Error(`${resource} is not watched`);
      c.objects.set(key(o.metadata.namespace, o.metadata.name), o);
      notify(resource);
    },
    remove(resource, ns, name) {
      collections.get(resource)?.objects.delete(key(ns, name));
      notify(resource);
    },
  };
}
