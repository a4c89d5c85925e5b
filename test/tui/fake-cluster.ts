// TEST DOUBLE: an in-memory ClusterView & ClusterActions over recorded objects, for the UI's unit tests. It is
// not the adapter (src/kube/cluster.ts); the pseudo-terminal test (test/tui-pty.e2e.test.ts) runs the UI
// against the real API server of the test control plane.
import type {
  ClusterActions,
  ClusterView,
  Collection,
  Connection,
  KubeObject,
  LogOptions,
  ResourceType,
} from "../../src/kube/types.js";

class FakeCollection implements Collection {
  synced = true;
  absent = false;
  error?: Collection["error"];
  readonly objects = new Map<string, KubeObject>();
  constructor(readonly type: ResourceType) {}
  get size() {
    return this.objects.size;
  }
  get(namespace: string | undefined, name: string) {
    return this.objects.get(`${namespace ?? ""}/${name}`);
  }
  values() {
    return this.objects.values();
  }
}

export class FakeCluster implements ClusterView, ClusterActions {
  readonly context = "fake";
  readonly server = "https://fake.invalid";
  conn: Connection = { state: "live", since: 0 };
  readonly collections = new Map<string, FakeCollection>();
  readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();
  readonly calls: string[] = [];
  /** The types the UI asked to watch, in order. */
  readonly watched: string[] = [];
  logLines: string[] = [];
  closed = false;
  /** Types the "server" does not serve. */
  absentTypes = new Set<string>();

  constructor(objects: Record<string, KubeObject[]> = {}) {
    for (const [resource, objs] of Object.entries(objects))
      for (const o of objs) this.put(resource, o, false);
  }
  private coll(resource: string, type?: ResourceType): FakeCollection {
    let c = this.collections.get(resource);
    if (!c) {
      c = new FakeCollection(
        type ?? { group: "", version: "v1", resource, kind: resource, namespaced: true },
      );
      this.collections.set(resource, c);
    }
    return c;
  }
  /** Adds or replaces an object; `notify` delivers a batch at once. */
  put(resource: string, o: KubeObject, notify = true) {
    this.coll(resource).objects.set(`${o.metadata.namespace ?? ""}/${o.metadata.name}`, o);
    if (notify) this.emit(resource);
  }
  remove(resource: string, ns: string | undefined, name: string) {
    this.coll(resource).objects.delete(`${ns ?? ""}/${name}`);
    this.emit(resource);
  }
  emit(...resources: string[]) {
    for (const l of this.listeners) l(new Set(resources));
  }
  connection() {
    return this.conn;
  }
  watch(type: ResourceType): Collection {
    this.watched.push(type.resource);
    const c = this.coll(type.resource, type);
    c.absent = this.absentTypes.has(type.resource);
    return c;
  }
  unwatch() {}
  subscribe(listener: (changed: ReadonlySet<string>) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  async synced() {}
  async close() {
    this.closed = true;
  }
  async cordon(node: string, unschedulable: boolean) {
    this.calls.push(`cordon ${node} ${unschedulable}`);
    const n = this.coll("nodes").objects.get(`/${node}`);
    if (n) this.put("nodes", { ...n, spec: { ...n.spec, unschedulable } });
  }
  async logs(namespace: string, pod: string, onLine: (line: string) => void, opts?: LogOptions) {
    this.calls.push(`logs ${namespace}/${pod} ${opts?.container ?? ""}`);
    for (const l of this.logLines) onLine(l);
  }
  async get(type: ResourceType, namespace: string | undefined, name: string) {
    const o = this.coll(type.resource).get(namespace, name);
    if (!o) throw new Error(`${name} not found`);
    return o;
  }
}
