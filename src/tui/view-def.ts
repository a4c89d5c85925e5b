// What a view is: the types it watches, its columns, its rows (built and sorted once per batch of changes)
// and the cells of one row (built only for the rows on screen).
import type { ResourceType } from "../kube/types.js";
import type { Health } from "./health-lite.js";
import type { Cell, ClusterData, Item, ViewEnv } from "./model.js";

export type ViewName = "nodes" | "pods" | "workloads" | "services" | "events" | "gitops" | "stack" | "ctx";

export interface ViewDef<C = unknown> {
  name: ViewName;
  title: string;
  /** The types this view needs watched (their sync state is the view's "loading…"). */
  types: readonly ResourceType[];
  columns: readonly string[];
  /** The view's rows, sorted. */
  items(data: ClusterData, env: ViewEnv): Item[];
  /** What every row's cells need from the whole snapshot (requests per node, pods per workload). */
  context(data: ClusterData): C;
  cells(item: Item, ctx: C, now: number): Cell[];
  health(item: Item, ctx: C): Health;
  /** Whether the view lists namespaced rows (the namespace picker and `:pods ns` apply). */
  namespaced: boolean;
}

/** A view definition with its context type checked, stored without it. */
export const defineView = <C>(v: ViewDef<C>): ViewDef => v as unknown as ViewDef;

/** Rows sorted by namespace, then name. */
export const byNsName = (a: Item, b: Item): number =>
  (a.namespace ?? "").localeCompare(b.namespace ?? "") || a.name.localeCompare(b.name);
