// The UI's whole state as plain data, and the derivations the reducers share: a view's rows are built and
// sorted once per batch of cluster changes (or when the view or namespaces change), filtered once per filter
// edit, and never per navigation key.
import { parseFilter, type Filter } from "./filter.js";
import { defaultBindings, type Bindings } from "./keys.js";
import type { ClusterData, Item, ViewEnv } from "./model.js";
import { emptyData } from "./model.js";
import type { ViewName } from "./view-def.js";
import { VIEWS } from "./views.js";

export type Mode =
  | { kind: "normal" }
  | { kind: "command"; text: string }
  | { kind: "filter"; text: string; before: string }
  | { kind: "drain"; node: string; text: string }
  | { kind: "namespaces"; cursor: number; picked: readonly string[] }
  | { kind: "help" };

export type Screen =
  | { kind: "table" }
  | { kind: "detail"; id: string; yamlOnly: boolean; top: number }
  | { kind: "logs"; namespace: string; pod: string; container?: string; follow: boolean; top: number };

/** What the reducer asks the runtime to do; the reducer itself never calls anything. */
export type Request =
  | { kind: "cordon"; node: string; unschedulable: boolean }
  | { kind: "drain"; node: string }
  | { kind: "logs"; namespace: string; pod: string; container?: string }
  | { kind: "stop-logs" }
  | { kind: "watch"; view: ViewName }
  | { kind: "switch-context"; name: string }
  | { kind: "quit" };

export interface UiState {
  view: ViewName;
  screen: Screen;
  mode: Mode;
  /** The namespaces shown; all when empty. */
  namespaces: readonly string[];
  filter: Filter;
  data: ClusterData;
  env: ViewEnv;
  /** The view's rows, sorted, all namespaces (rebuilt per batch). */
  items: readonly Item[];
  /** The view's per-batch context (requests per node, endpoints per service). */
  ctx: unknown;
  /** `items` in the chosen namespaces that pass the filter: what the table lists. */
  rows: readonly Item[];
  /** How many of the rows are degraded (bad) or need a look (warn): the header's summary. */
  unhealthy: { bad: number; warn: number };
  selected: number;
  /** The first row on screen. */
  top: number;
  /** The terminal's size. */
  height: number;
  width: number;
  readonly: boolean;
  /** Whether the CLI passed a drain function in. */
  canDrain: boolean;
  bindings: Bindings;
  message?: { text: string; level: "info" | "error" };
  /** Lines in the log buffer (the logs screen scrolls within them). */
  logLines: number;
  requests: readonly Request[];
}

export interface InitialOptions {
  view?: ViewName;
  namespaces?: readonly string[];
  height?: number;
  width?: number;
  readonly?: boolean;
  canDrain?: boolean;
  bindings?: Bindings;
  env?: ViewEnv;
  data?: ClusterData;
}

/** Lines besides the table body: the header, the column titles, the status line — and one row left free. */
export const CHROME_LINES = 4;

/** How many table rows fit on screen. */
export const bodyRows = (s: Pick<UiState, "height">): number => Math.max(1, s.height - CHROME_LINES);

/** The state the UI starts in. */
export function initialState(o: InitialOptions = {}): UiState {
  const view = o.view ?? "nodes";
  return rebuild({
    view,
    screen: { kind: "table" },
    mode: { kind: "normal" },
    namespaces: o.namespaces ?? [],
    filter: parseFilter(""),
    data: o.data ?? emptyData(),
    env: o.env ?? {},
    items: [],
    ctx: null,
    rows: [],
    unhealthy: { bad: 0, warn: 0 },
    selected: 0,
    top: 0,
    height: o.height ?? 24,
    width: o.width ?? 80,
    readonly: o.readonly ?? false,
    canDrain: o.canDrain ?? false,
    bindings: o.bindings ?? defaultBindings(),
    logLines: 0,
    requests: [{ kind: "watch", view }],
  });
}

/** Rebuilds the view's rows and context from the snapshot (once per batch), then filters. */
export function rebuild(s: UiState): UiState {
  const def = VIEWS[s.view];
  const ctx = def.context(s.data);
  const items = def.items(s.data, s.env);
  for (const i of items) i.health = def.health(i, ctx);
  return refilter({ ...s, items, ctx });
}

/** Applies namespaces and the filter to the view's rows, keeping the selection on the same row. */
export function refilter(s: UiState): UiState {
  const selectedId = s.rows[s.selected]?.id;
  const ns = new Set(s.namespaces);
  const scoped =
    ns.size && VIEWS[s.view].namespaced ? s.items.filter((i) => ns.has(i.namespace ?? "")) : s.items;
  const rows = s.filter.text.trim() ? scoped.filter(s.filter.test) : scoped;
  const kept = selectedId === undefined ? -1 : rows.findIndex((r) => r.id === selectedId);
  const unhealthy = { bad: 0, warn: 0 };
  for (const r of rows) if (r.health === "bad" || r.health === "warn") unhealthy[r.health]++;
  return clampSelection({ ...s, rows, unhealthy, selected: kept >= 0 ? kept : s.selected });
}

/** Keeps the selection inside the rows and on screen. */
export function clampSelection(s: UiState): UiState {
  const n = s.rows.length;
  const selected = n === 0 ? 0 : Math.min(Math.max(0, s.selected), n - 1);
  const h = bodyRows(s);
  let top = Math.min(s.top, selected);
  if (selected >= top + h) top = selected - h + 1;
  top = Math.max(0, Math.min(top, Math.max(0, n - h)));
  return s.selected === selected && s.top === top ? s : { ...s, selected, top };
}

/** The selected row, if any. */
export const selectedItem = (s: UiState): Item | undefined => s.rows[s.selected];

/** Hands the pending requests to the runtime. */
export function takeRequests(s: UiState): [UiState, readonly Request[]] {
  return s.requests.length ? [{ ...s, requests: [] }, s.requests] : [s, []];
}

export const request = (s: UiState, ...r: Request[]): UiState => ({ ...s, requests: [...s.requests, ...r] });

export const say = (s: UiState, text: string, level: "info" | "error" = "info"): UiState => ({
  ...s,
  message: { text, level },
});
