import { SlipwayError } from "../core/errors.js";
import { KubeError } from "./errors.js";
import { KubeHttp } from "./http.js";
import { Informer } from "./informer.js";
import { loadKubeConfig, type KubeConfigOptions } from "./kubeconfig.js";
import { apiVersionOf, collectionPath } from "./resources.js";
import type {
  ClusterActions,
  ClusterView,
  Collection,
  Connection,
  KubeObject,
  LogOptions,
  ResourceType,
  WatchScope,
} from "./types.js";

// The kube adapter: one API server seen through list+watch collections (informer.ts), changes delivered to
// views in batches, and the few calls views make (cordon, logs, one object). Opening probes the server once,
// so a wrong context or a dead cluster is one clear error before any view draws.

export interface OpenClusterOptions extends KubeConfigOptions {
  /** Refuse every mutating call (the UI's --readonly). */
  readonly?: boolean;
  /** Listeners hear of changes at most this often (ms); 100 by default. */
  batchMs?: number;
  /** How long the first probe waits for the server (ms); 5,000 by default. */
  probeMs?: number;
  /** First lists from the API server's watch cache, unpaged (one-shot readers such as status). */
  listFromCache?: boolean;
}

/** What one eviction request did: accepted, refused by a PodDisruptionBudget for now, or the pod was gone. */
export type EvictOutcome =
  { outcome: "evicted" } | { outcome: "gone" } | { outcome: "blocked"; message: string };

export type Cluster = ClusterView &
  ClusterActions & {
    readonly serverVersion: string;
    /** The Eviction API: the pod is deleted unless a PodDisruptionBudget refuses for now. */
    evict(namespace: string, pod: string, gracePeriodSeconds?: number): Promise<EvictOutcome>;
    /** Deletes a pod outright (drain --force for a pod no controller recreates); a pod already gone is fine. */
    deletePod(namespace: string, pod: string, gracePeriodSeconds?: number): Promise<void>;
    /** The resource type the server serves for an apiVersion and kind (discovery, cached); undefined if none. */
    typeOf(apiVersion: string, kind: string): Promise<ResourceType | undefined>;
    /** A server-side apply as a dry run (nothing persisted): the object as the server would store it. */
    dryRunApply(type: ResourceType, obj: Record<string, unknown>): Promise<KubeObject>;
  };

/** Opens the cluster of a kubeconfig context: the server must answer /version, else a KubeError. */
export async function openCluster(opts: OpenClusterOptions = {}): Promise<Cluster> {
  const { config, target } = loadKubeConfig(opts);
  const http = new KubeHttp(config, target);
  let version: { gitVersion?: string };
  try {
    version = await http.json<{ gitVersion?: string }>("GET", "/version", {
      timeoutMs: opts.probeMs ?? 5000,
    });
  } catch (e) {
    http.close();
    throw e;
  }
  return new LiveCluster(http, version.gitVersion ?? "", opts);
}

/** Several namespaces' collections of one type, seen as one. */
class Joined implements Collection {
  constructor(
    readonly type: ResourceType,
    readonly parts: Informer[],
  ) {}
  get synced() {
    return this.parts.every((p) => p.synced);
  }
  get absent() {
    return this.parts.some((p) => p.absent);
  }
  get error() {
    return this.parts.find((p) => p.error)?.error;
  }
  get size() {
    return this.parts.reduce((n, p) => n + p.size, 0);
  }
  get(namespace: string | undefined, name: string) {
    for (const p of this.parts) {
      const o = p.get(namespace, name);
      if (o) return o;
    }
    return undefined;
  }
  *values() {
    for (const p of this.parts) yield* p.values();
  }
}

const scopeKey = (t: ResourceType, s: WatchScope = {}) =>
  JSON.stringify([t.group, t.resource, [...(s.namespaces ?? [])].sort(), s.labelSelector, s.fieldSelector]);

class LiveCluster implements Cluster {
  readonly context: string;
  readonly server: string;
  private state: Connection = { state: "live", since: Date.now() };
  private readonly collections = new Map<string, Collection & { parts?: Informer[] }>();
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly http: KubeHttp,
    readonly serverVersion: string,
    private readonly opts: OpenClusterOptions,
  ) {
    this.context = http.target.context;
    this.server = http.target.server;
  }

  connection(): Connection {
    return this.state;
  }

  private readonly hooks = {
    changed: (c: Informer) => this.mark(c.type.resource),
    reached: () => {
      if (this.state.state !== "live") {
        this.state = { state: "live", since: Date.now() };
        this.mark("connection");
      }
    },
    lost: (err: KubeError, attempt: number, retryAt: number) => {
      this.state = { state: "reconnecting", attempt, retryAt, message: err.message };
      this.mark("connection");
    },
  };

  /** Queues a change; listeners hear of all queued changes once the batch interval has passed. */
  private mark(what: string): void {
    this.pending.add(what);
    this.settle();
    if (this.timer || this.listeners.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const changed = this.pending;
      this.pending = new Set();
      for (const l of this.listeners) l(changed);
    }, this.opts.batchMs ?? 100);
  }

  private settle(): void {
    if (this.waiters.length === 0) return;
    const all = [...this.collections.values()];
    if (all.every((c) => c.synced || c.absent || c.error)) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w();
    }
  }

  watch(type: ResourceType, scope: WatchScope = {}): Collection {
    const key = scopeKey(type, scope);
    const have = this.collections.get(key);
    if (have) return have;
    const one = (namespace?: string) =>
      new Informer(
        type,
        {
          namespace,
          labelSelector: scope.labelSelector,
          fieldSelector: scope.fieldSelector,
          fromCache: this.opts.listFromCache,
        },
        this.http,
        this.hooks,
      ).start();
    const namespaces = type.namespaced ? [...new Set(scope.namespaces ?? [])] : [];
    const c = namespaces.length === 0 ? one() : new Joined(type, namespaces.map(one));
    this.collections.set(key, c);
    return c;
  }

  unwatch(c: Collection): void {
    for (const [key, have] of this.collections)
      if (have === c) {
        this.collections.delete(key);
        for (const i of c instanceof Joined ? c.parts : [c as Informer]) i.stop();
        this.mark(c.type.resource);
      }
  }

  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  synced(): Promise<void> {
    return new Promise((done) => {
      this.waiters.push(done);
      this.settle();
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    for (const c of this.collections.values())
      for (const i of c instanceof Joined ? c.parts : [c as Informer]) i.stop();
    this.collections.clear();
    this.listeners.clear();
    this.http.close();
  }

  private writable(what: string): void {
    if (this.opts.readonly)
      throw new SlipwayError({
        code: "usage",
        message: `${what}: refused, the cluster was opened read-only`,
        hint: "run without --readonly to change the cluster",
      });
  }

  async cordon(node: string, unschedulable: boolean): Promise<void> {
    this.writable(unschedulable ? `cordon ${node}` : `uncordon ${node}`);
    await this.http.text("PATCH", `/api/v1/nodes/${encodeURIComponent(node)}`, {
      body: JSON.stringify({ spec: { unschedulable: unschedulable || null } }),
      contentType: "application/merge-patch+json",
      timeoutMs: 30_000,
    });
  }

  async evict(namespace: string, pod: string, gracePeriodSeconds?: number): Promise<EvictOutcome> {
    this.writable(`evict ${namespace}/${pod}`);
    const body = {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: pod, namespace },
      ...(gracePeriodSeconds === undefined ? {} : { deleteOptions: { gracePeriodSeconds } }),
    };
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/eviction`;
    try {
      await this.http.text("POST", path, { body: JSON.stringify(body), timeoutMs: 30_000 });
      return { outcome: "evicted" };
    } catch (e) {
      if (!(e instanceof KubeError)) throw e;
      if (e.kind === "not-found") return { outcome: "gone" };
      // 429: a PodDisruptionBudget allows no disruption now — kubectl drain retries these.
      if (e.kind === "too-many-requests") return { outcome: "blocked", message: e.message };
      throw e;
    }
  }

  async deletePod(namespace: string, pod: string, gracePeriodSeconds?: number): Promise<void> {
    this.writable(`delete ${namespace}/${pod}`);
    const q = gracePeriodSeconds === undefined ? "" : `?gracePeriodSeconds=${gracePeriodSeconds}`;
    try {
      await this.http.text(
        "DELETE",
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}${q}`,
        { timeoutMs: 30_000 },
      );
    } catch (e) {
      if (!(e instanceof KubeError && e.kind === "not-found")) throw e;
    }
  }

  private readonly discovery = new Map<
    string,
    Promise<{ name: string; kind: string; namespaced: boolean }[]>
  >();

  async typeOf(apiVersion: string, kind: string): Promise<ResourceType | undefined> {
    const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list = this.discovery.get(path);
    if (!list) {
      list = this.http
        .json<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>("GET", path, {
          timeoutMs: 30_000,
        })
        .then(
          (r) => r.resources ?? [],
          (e: unknown) => {
            if (e instanceof KubeError && e.kind === "not-found") return [];
            throw e;
          },
        );
      this.discovery.set(path, list);
    }
    const r = (await list).find((x) => x.kind === kind && !x.name.includes("/"));
    if (!r) return undefined;
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    return { group: group!, version: version!, resource: r.name, kind, namespaced: r.namespaced };
  }

  async dryRunApply(type: ResourceType, obj: Record<string, unknown>): Promise<KubeObject> {
    const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
    const ns = type.namespaced ? (meta.namespace ?? "default") : undefined;
    const path = `${collectionPath(type, ns)}/${encodeURIComponent(String(meta.name))}?dryRun=All&fieldManager=slipway&force=true`;
    return this.http.json<KubeObject>("PATCH", path, {
      body: JSON.stringify(obj),
      contentType: "application/apply-patch+yaml",
      timeoutMs: 30_000,
    });
  }

  async logs(
    namespace: string,
    pod: string,
    onLine: (line: string) => void,
    o: LogOptions = {},
  ): Promise<void> {
    const q = new URLSearchParams();
    if (o.container) q.set("container", o.container);
    if (o.follow) q.set("follow", "true");
    if (o.previous) q.set("previous", "true");
    if (o.tailLines !== undefined) q.set("tailLines", String(o.tailLines));
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q}`;
    await this.http.lines(path, onLine, { signal: o.signal });
  }

  async get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> {
    const o = await this.http.json<KubeObject>(
      "GET",
      `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`,
      { timeoutMs: 30_000 },
    );
    o.apiVersion ??= apiVersionOf(type);
    o.kind ??= type.kind;
    return o;
  }
}
