// The UI's effects, apart from drawing: keeping the watched collections, taking a snapshot of them once per
// batch of changes, and carrying out what the reducer asks (cordon, drain, follow a log, switch context).
// Driven by ClusterView.subscribe — there is no polling loop.
import { EVENTS, NAMESPACES } from "../kube/resources.js";
import type { ClusterActions, ClusterView, Collection, ResourceType } from "../kube/types.js";
import { LogRing } from "./log-ring.js";
import type { ClusterData, TypeSnapshot } from "./model.js";
import { onCluster, onLogLines, onNotice } from "./reducer.js";
import { takeRequests, type Request, type UiState } from "./state.js";
import { VIEWS } from "./views.js";

export type Cluster = ClusterView & ClusterActions;

export interface RuntimeOptions {
  cluster: Cluster;
  /**
   * Drains a node of the cluster in use (the Eviction API), telling its progress; resolves to what it did.
   * Without one, `D` says it is not available in this build.
   */
  drain?: (node: string, cluster: Cluster, progress: (text: string) => void) => Promise<string>;
  /** Opens another context's cluster for `:ctx NAME`; without one, switching is refused with the reason. */
  switchContext?: (name: string) => Promise<Cluster>;
  logCapacity?: number;
  /** How long log lines are gathered before the screen shows them. */
  logBatchMs?: number;
}

/** Owns the collections and the log follow; hands state changes to `dispatch`. */
export class Runtime {
  readonly logs: LogRing;
  private cluster: Cluster;
  private readonly collections = new Map<string, Collection>();
  private snapshot = new Map<string, TypeSnapshot>();
  private unsubscribe?: () => void;
  private logAbort?: AbortController;
  private logTimer?: ReturnType<typeof setTimeout>;
  private state!: UiState;
  onQuit: () => void = () => {};

  constructor(
    private readonly opts: RuntimeOptions,
    private readonly publish: (s: UiState) => void,
  ) {
    this.cluster = opts.cluster;
    this.logs = new LogRing(opts.logCapacity ?? 5000);
  }

  /** Starts: watches what the first view needs and subscribes to the cluster's batches. */
  start(initial: UiState): void {
    this.state = initial;
    this.watch(NAMESPACES);
    this.subscribe();
    this.apply(initial);
  }

  /** The current state. */
  get current(): UiState {
    return this.state;
  }

  /** Takes a new state from a reducer: publishes it and carries out its requests. */
  apply(next: UiState): void {
    const [s, requests] = takeRequests(next);
    this.state = s;
    this.publish(s);
    for (const r of requests) this.run(r);
    // The detail lists the object's events: watched from the first detail on, shown as soon as taken.
    if (s.screen.kind === "detail" && this.watch(EVENTS)) this.refresh(new Set([EVENTS.resource]));
  }

  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.cluster.subscribe((changed) => this.refresh(changed));
  }

  /** Watches a type (once); true when it was not watched before. */
  private watch(t: ResourceType): boolean {
    if (this.collections.has(t.resource)) return false;
    this.collections.set(t.resource, this.cluster.watch(t));
    return true;
  }

  /** One batch of changes: the changed types' objects copied once, the rows rebuilt once. */
  private refresh(changed: ReadonlySet<string> | "all"): void {
    const next = new Map(this.snapshot);
    for (const [resource, c] of this.collections)
      if (changed === "all" || changed.has(resource) || !next.has(resource))
        next.set(resource, { synced: c.synced, absent: c.absent, error: c.error, objects: [...c.values()] });
    this.snapshot = next;
    const data: ClusterData = {
      context: this.cluster.context,
      server: this.cluster.server,
      connection: this.cluster.connection(),
      types: Object.fromEntries(next),
    };
    this.apply(onCluster(this.state, data));
  }

  private run(r: Request): void {
    const note = (text: string, level: "info" | "error" = "info") =>
      this.apply(onNotice(this.state, text, level));
    const failed = (what: string) => (e: unknown) => note(`${what}: ${(e as Error).message}`, "error");
    switch (r.kind) {
      case "watch":
        for (const t of VIEWS[r.view].types) this.watch(t);
        this.refresh("all");
        return;
      case "cordon":
        this.cluster
          .cordon(r.node, r.unschedulable)
          .then(
            () => note(`${r.node} ${r.unschedulable ? "cordoned" : "uncordoned"}`),
            failed(r.unschedulable ? "cordon" : "uncordon"),
          );
        return;
      case "drain":
        if (!this.opts.drain) return note("drain: not available in this build", "error");
        this.opts
          .drain(r.node, this.cluster, (text) => note(`drain ${r.node}: ${text}`))
          .then((text) => note(text), failed(`drain ${r.node}`));
        return;
      case "logs":
        this.followLogs(r.namespace, r.pod, r.container);
        return;
      case "stop-logs":
        this.stopLogs();
        return;
      case "switch-context":
        void this.switchContext(r.name).catch(failed(`context ${r.name}`));
        return;
      case "quit":
        this.onQuit();
        return;
    }
  }

  private followLogs(namespace: string, pod: string, container?: string): void {
    this.stopLogs();
    this.logs.clear();
    const abort = (this.logAbort = new AbortController());
    const flush = () => {
      this.logTimer = undefined;
      if (this.logAbort === abort) this.apply(onLogLines(this.state, this.logs.size));
    };
    this.cluster
      .logs(
        namespace,
        pod,
        (line) => {
          if (this.logAbort !== abort) return;
          this.logs.push(line);
          this.logTimer ??= setTimeout(flush, this.opts.logBatchMs ?? 100);
        },
        { container, follow: true, tailLines: 1000, signal: abort.signal },
      )
      .then(
        () =>
          this.logAbort === abort &&
          this.apply(onNotice(onLogLines(this.state, this.logs.size), "log ended")),
        (e: Error) =>
          this.logAbort === abort &&
          !abort.signal.aborted &&
          this.apply(onNotice(this.state, `logs: ${e.message}`, "error")),
      );
  }

  private stopLogs(): void {
    this.logAbort?.abort();
    this.logAbort = undefined;
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = undefined;
  }

  private async switchContext(name: string): Promise<void> {
    if (!this.opts.switchContext)
      throw new Error("switching needs a kubeconfig context list; restart with --context");
    const next = await this.opts.switchContext(name);
    const old = this.cluster;
    this.stopLogs();
    this.unsubscribe?.();
    this.collections.clear();
    this.snapshot = new Map();
    this.cluster = next;
    this.watch(NAMESPACES);
    for (const t of VIEWS[this.state.view === "ctx" ? "nodes" : this.state.view].types) this.watch(t);
    this.subscribe();
    const contexts = this.state.env.contexts?.map((c) => ({ ...c, current: c.name === name }));
    this.state = {
      ...this.state,
      view: this.state.view === "ctx" ? "nodes" : this.state.view,
      env: { ...this.state.env, contexts },
    };
    this.refresh("all");
    await old.close();
  }

  /** Stops the log follow and the subscription (the CLI closes the cluster). */
  stop(): void {
    this.stopLogs();
    this.unsubscribe?.();
  }

  /** The cluster in use now (after `:ctx` it is not the one the UI started with). */
  get clusterInUse(): Cluster {
    return this.cluster;
  }
}
