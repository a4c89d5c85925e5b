// The contract of the live-cluster half: what the kube adapter (`src/kube/cluster.ts`) gives its users —
// the status command, the terminal UI (`src/tui/`), drain, bootstrap — and what the health model reads. Plain
// data and two interfaces; no I/O here, so a view or a health rule can be tested on recorded objects.

/** An object as the API server returns it; the adapter fills in `apiVersion`/`kind` for list items. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  [field: string]: unknown;
}

/** A resource type the adapter can list and watch. */
export interface ResourceType {
  /** "" for the core group. */
  group: string;
  version: string;
  /** The plural the API path uses: `pods`, `kustomizations`. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** Why a call to the API server failed, in the user's terms; each carries the context and server. */
export type KubeErrorKind =
  | "unreachable" // no TCP/TLS connection, DNS failure, timeout
  | "unauthorised" // 401: the credentials are not accepted
  | "forbidden" // 403: RBAC refuses this verb on this resource
  | "not-found" // 404: the object, or the resource type (CRD not installed)
  | "conflict" // 409
  | "invalid" // 422 and 400: the server refused the request's content
  | "too-many-requests" // 429: eviction refused by a PodDisruptionBudget, or throttled
  | "server"; // 5xx and anything else

/** A live object collection kept current by one list + watch. */
export interface Collection {
  readonly type: ResourceType;
  /** True once the first list has arrived (until then a view shows "loading…"). */
  readonly synced: boolean;
  /** The API does not serve this type (e.g. Flux not installed): a fact, not an error. */
  readonly absent: boolean;
  /** The last error of this collection's list/watch (e.g. forbidden); cleared when it recovers. */
  readonly error?: { kind: KubeErrorKind; message: string };
  readonly size: number;
  get(namespace: string | undefined, name: string): KubeObject | undefined;
  values(): IterableIterator<KubeObject>;
}

/** The adapter's connection, as a view shows it. */
export type Connection =
  | { state: "connecting" }
  | { state: "live"; since: number }
  | { state: "reconnecting"; attempt: number; retryAt: number; message: string }
  | { state: "failed"; kind: KubeErrorKind; message: string };

export interface WatchScope {
  /** Only these namespaces (one list+watch each); all namespaces when absent or empty. */
  namespaces?: string[];
  labelSelector?: string;
  fieldSelector?: string;
}

/** A cluster seen through watches: collections kept current, changes delivered in batches. */
export interface ClusterView {
  readonly context: string;
  readonly server: string;
  connection(): Connection;
  /** Starts (or returns the running) list+watch of a type in a scope; the same scope gives the same collection. */
  watch(type: ResourceType, scope?: WatchScope): Collection;
  /** Stops a collection's watch and drops its objects. */
  unwatch(collection: Collection): void;
  /**
   * Called at most once per batch interval (100 ms by default) with the resources (`ResourceType.resource`)
   * whose collections changed, or whose sync/error/connection state changed, since the last call.
   */
  subscribe(listener: (changed: ReadonlySet<string>) => void): () => void;
  /** Resolves when every collection watched so far has its first list (or is absent or failed). */
  synced(): Promise<void>;
  close(): Promise<void>;
}

/** Options for following or reading a container's log. */
export interface LogOptions {
  container?: string;
  follow?: boolean;
  tailLines?: number;
  previous?: boolean;
  signal?: AbortSignal;
}

/** Mutating and one-off calls; every one is refused by a read-only adapter. */
export interface ClusterActions {
  /** Sets `spec.unschedulable` on a node. */
  cordon(node: string, unschedulable: boolean): Promise<void>;
  /** Streams a container's log line by line until it ends or the signal aborts. */
  logs(namespace: string, pod: string, onLine: (line: string) => void, opts?: LogOptions): Promise<void>;
  /** One object, fresh from the server. */
  get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject>;
}
