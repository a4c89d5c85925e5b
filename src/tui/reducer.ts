// The UI's two pure reducers: (state, key) → state and (state, cluster snapshot) → state. Neither calls
// anything: what must happen outside (cordon, drain, follow logs, watch a type, quit) is queued on
// `state.requests` for the runtime (app.ts) to take.
import { closestName } from "../core/suggest.js";
import { NAMESPACES } from "../kube/resources.js";
import { detailLines } from "./detail.js";
import { parseFilter } from "./filter.js";
import { ACTIONS, keysOf, type Action } from "./keys.js";
import { objectsOf, type ClusterData } from "./model.js";
import {
  bodyRows,
  clampSelection,
  rebuild,
  refilter,
  request,
  say,
  selectedItem,
  type Screen,
  type UiState,
} from "./state.js";
import type { ViewName } from "./view-def.js";
import { VIEW_COMMANDS } from "./views.js";

/** A key as text typed into a prompt (`space` types a blank), or undefined for keys that type nothing. */
const typed = (key: string): string | undefined =>
  key === "space" ? " " : [...key].length === 1 ? key : undefined;

/** The key help shows for an action under the current bindings. */
const keyFor = (s: UiState, a: Action): string => keysOf(s.bindings, a)[0] ?? a;

/** Moves the selection (table) or the scroll position (detail, logs) by `delta` rows; ±Infinity for the ends. */
function move(s: UiState, delta: number): UiState {
  const screen = s.screen;
  if (screen.kind === "table") {
    const target = delta === -Infinity ? 0 : delta === Infinity ? s.rows.length - 1 : s.selected + delta;
    return clampSelection({ ...s, selected: target });
  }
  const length = screen.kind === "logs" ? s.logLines : detailLength(s, screen);
  const maxTop = Math.max(0, length - bodyRows(s));
  const target = delta === -Infinity ? 0 : delta === Infinity ? maxTop : screen.top + delta;
  const top = Math.max(0, Math.min(maxTop, target));
  if (screen.kind === "logs") return { ...s, screen: { ...screen, top, follow: top >= maxTop && delta > 0 } };
  return { ...s, screen: { ...screen, top } };
}

function detailLength(s: UiState, screen: Extract<Screen, { kind: "detail" }>): number {
  const item = s.items.find((i) => i.id === screen.id);
  return item?.obj ? detailLines(s.data, item.obj, screen.yamlOnly, 0).length : 0;
}

/** A mutating action under --readonly, or one on the wrong view, is refused with the reason. */
function nodeAction(s: UiState, a: Action): { node?: string; refused?: UiState } {
  if (s.readonly) return { refused: say(s, `${keyFor(s, a)} ${a}: disabled (--readonly)`, "error") };
  const item = selectedItem(s);
  if (s.view !== "nodes" || s.screen.kind !== "table" || !item)
    return { refused: say(s, `${keyFor(s, a)} ${a}: select a node first (:nodes)`, "error") };
  return { node: item.name };
}

function openDetail(s: UiState, yamlOnly: boolean): UiState {
  const item = selectedItem(s);
  if (s.view === "ctx" && item && !yamlOnly)
    return request(say(s, `switching to context ${item.name}…`), { kind: "switch-context", name: item.name });
  if (!item?.obj)
    return say(s, item ? `${item.name}: not an API object (no YAML)` : "nothing selected", "error");
  return { ...s, screen: { kind: "detail", id: item.id, yamlOnly, top: 0 } };
}

/** `l`: the selected pod's first container; on the logs screen, the pod's next container. */
function openLogs(s: UiState): UiState {
  const screen = s.screen;
  const item =
    screen.kind === "detail"
      ? s.items.find((i) => i.id === screen.id)
      : screen.kind === "logs"
        ? s.items.find(
            (i) => i.obj?.kind === "Pod" && i.name === screen.pod && i.namespace === screen.namespace,
          )
        : selectedItem(s);
  if (item?.obj?.kind !== "Pod") return say(s, `${keyFor(s, "logs")} logs: select a pod (:pods)`, "error");
  const names = ((item.obj.spec?.containers as { name: string }[] | undefined) ?? []).map((c) => c.name);
  const now = screen.kind === "logs" ? names.indexOf(screen.container ?? "") : -1;
  const container = names[(now + 1) % Math.max(1, names.length)];
  const target = { namespace: item.namespace ?? "default", pod: item.name, container };
  return request(
    { ...s, screen: { kind: "logs", ...target, follow: true, top: 0 }, logLines: 0 },
    { kind: "logs", ...target },
  );
}

function back(s: UiState): UiState {
  if (s.screen.kind === "logs") return request({ ...s, screen: { kind: "table" } }, { kind: "stop-logs" });
  if (s.screen.kind !== "table") return { ...s, screen: { kind: "table" } };
  if (s.filter.text) return refilter({ ...s, filter: parseFilter(""), message: undefined });
  return s;
}

/** The namespaces the picker offers: the cluster's, and any a row is in. */
export function namespaceChoices(s: UiState): string[] {
  const names = new Set(objectsOf(s.data, NAMESPACES).map((n) => n.metadata.name));
  for (const i of s.items) if (i.namespace) names.add(i.namespace);
  for (const n of s.namespaces) names.add(n);
  return [...names].sort();
}

const HANDLERS: Record<Action, (s: UiState) => UiState> = {
  up: (s) => move(s, -1),
  down: (s) => move(s, 1),
  "page-up": (s) => move(s, -bodyRows(s)),
  "page-down": (s) => move(s, bodyRows(s)),
  top: (s) => move(s, -Infinity),
  bottom: (s) => move(s, Infinity),
  detail: (s) => (s.screen.kind === "table" ? openDetail(s, false) : s),
  yaml: (s) => (s.screen.kind === "table" ? openDetail(s, true) : s),
  back,
  command: (s) => ({ ...s, mode: { kind: "command", text: "" }, message: undefined }),
  filter: (s) =>
    s.screen.kind === "table"
      ? { ...s, mode: { kind: "filter", text: s.filter.text, before: s.filter.text }, message: undefined }
      : s,
  logs: openLogs,
  follow: (s) =>
    s.screen.kind === "logs"
      ? {
          ...s,
          screen: { ...s.screen, follow: !s.screen.follow, top: Math.max(0, s.logLines - bodyRows(s)) },
        }
      : say(s, `${keyFor(s, "follow")} follow: only on the logs screen`, "error"),
  cordon: (s) => cordon(s, "cordon", true),
  uncordon: (s) => cordon(s, "uncordon", false),
  drain: (s) => {
    const { node, refused } = nodeAction(s, "drain");
    if (refused) return refused;
    if (!s.canDrain) return say(s, "drain: not available in this build", "error");
    return { ...s, mode: { kind: "drain", node: node!, text: "" }, message: undefined };
  },
  namespaces: (s) => ({ ...s, mode: { kind: "namespaces", cursor: 0, picked: s.namespaces } }),
  help: (s) => ({ ...s, mode: { kind: "help" } }),
  quit: (s) => request(s, { kind: "quit" }),
};

function cordon(s: UiState, a: "cordon" | "uncordon", on: boolean): UiState {
  const { node, refused } = nodeAction(s, a);
  if (refused) return refused;
  return request(say(s, `${a}ing ${node}…`), { kind: "cordon", node: node!, unschedulable: on });
}

/** Switches to a view (its rows rebuilt, its types watched). */
export function showView(s: UiState, view: ViewName, namespaces?: readonly string[]): UiState {
  const next = {
    ...s,
    view,
    screen: { kind: "table" } as Screen,
    filter: parseFilter(""),
    selected: 0,
    top: 0,
  };
  return request(rebuild(namespaces ? { ...next, namespaces } : next), { kind: "watch", view });
}

/** Runs a `:` command line. */
export function runCommand(s: UiState, line: string): UiState {
  const [word = "", ...args] = line.trim().split(/\s+/);
  if (!word) return s;
  if (word === "q" || word === "quit" || word === "q!") return request(s, { kind: "quit" });
  const view = VIEW_COMMANDS[word];
  if (!view) {
    const near = closestName(word, Object.keys(VIEW_COMMANDS));
    return say(
      s,
      `:${word}: no such command${near ? ` (did you mean :${near}?)` : ""}; ? lists them`,
      "error",
    );
  }
  if (view === "ctx" && args[0])
    return request(say(s, `switching to context ${args[0]}…`), { kind: "switch-context", name: args[0] });
  const arg = args.join(",");
  const namespaces = !arg ? undefined : arg === "all" || arg === "-A" ? [] : arg.split(",").filter(Boolean);
  return showView({ ...s, message: undefined }, view, namespaces);
}

/** Keys while a prompt (`:`, `/`, drain confirmation) takes text. */
function promptKey(
  s: UiState,
  key: string,
  text: string,
  commit: (s: UiState, t: string) => UiState,
  live?: (s: UiState, t: string) => UiState,
): UiState {
  const normal = { ...s, mode: { kind: "normal" } as const };
  if (key === "enter") return commit(normal, text);
  const ch = typed(key);
  const next = key === "backspace" ? text.slice(0, -1) : ch !== undefined ? text + ch : undefined;
  if (next === undefined) return s;
  const withText = { ...s, mode: { ...s.mode, text: next } as UiState["mode"] };
  return live ? live(withText, next) : withText;
}

const withFilter = (s: UiState, text: string): UiState => {
  const filter = parseFilter(text);
  return refilter({ ...s, filter, message: filter.note ? { text: filter.note, level: "error" } : undefined });
};

function namespacesKey(s: UiState, key: string, action: Action | undefined): UiState {
  const mode = s.mode as Extract<UiState["mode"], { kind: "namespaces" }>;
  const choices = namespaceChoices(s);
  if (action === "up" || action === "down") {
    const cursor = Math.max(0, Math.min(choices.length - 1, mode.cursor + (action === "up" ? -1 : 1)));
    return { ...s, mode: { ...mode, cursor } };
  }
  if (key === "space") {
    const ns = choices[mode.cursor];
    if (ns === undefined) return s;
    const picked = mode.picked.includes(ns)
      ? mode.picked.filter((p) => p !== ns)
      : [...mode.picked, ns].sort();
    return { ...s, mode: { ...mode, picked } };
  }
  if (key === "a") return { ...s, mode: { ...mode, picked: [] } };
  if (key === "enter") {
    const shown = mode.picked.length ? mode.picked.join(",") : "all namespaces";
    return refilter({
      ...s,
      mode: { kind: "normal" },
      namespaces: mode.picked,
      message: { text: `namespaces: ${shown}`, level: "info" },
    });
  }
  if (key === "escape") return { ...s, mode: { kind: "normal" } };
  return s;
}

/** The key reducer. */
export function onKey(s: UiState, key: string): UiState {
  const action = s.bindings.get(key);
  const mode = s.mode;
  if (action === "quit" && key.startsWith("ctrl+")) return request(s, { kind: "quit" });
  switch (mode.kind) {
    case "help":
      return { ...s, mode: { kind: "normal" } };
    case "command":
      if (key === "escape") return { ...s, mode: { kind: "normal" } };
      return promptKey(s, key, mode.text, runCommand);
    case "filter":
      if (key === "escape") return withFilter({ ...s, mode: { kind: "normal" } }, mode.before);
      return promptKey(s, key, mode.text, (n, t) => withFilter(n, t), withFilter);
    case "drain":
      if (key === "escape") return say({ ...s, mode: { kind: "normal" } }, `drain of ${mode.node} cancelled`);
      return promptKey(s, key, mode.text, (n, t) =>
        t === mode.node
          ? request(say(n, `draining ${mode.node}…`), { kind: "drain", node: mode.node })
          : say(n, `drain: "${t}" is not "${mode.node}"; nothing drained`, "error"),
      ) as UiState;
    case "namespaces":
      return namespacesKey(s, key, action);
  }
  if (!action) return say(s, `${key}: not bound to anything (? lists the keys)`, "error");
  return HANDLERS[action](s.message && action !== "back" ? { ...s, message: undefined } : s);
}

/** The cluster reducer: a new snapshot (once per batch) rebuilds the view's rows. */
export function onCluster(s: UiState, data: ClusterData): UiState {
  const next = rebuild({ ...s, data });
  if (s.screen.kind === "detail" && !next.items.some((i) => i.id === (s.screen as { id: string }).id))
    return say(next, "the object is gone (deleted); esc goes back", "error");
  return next;
}

/** The terminal changed size. */
export const onResize = (s: UiState, height: number, width: number): UiState =>
  clampSelection({ ...s, height, width });

/** A note from the runtime (an action's outcome). */
export const onNotice = (s: UiState, text: string, level: "info" | "error" = "info"): UiState =>
  say(s, text, level);

/** The log buffer grew (or was cleared); a following logs screen stays at the bottom. */
export function onLogLines(s: UiState, lines: number): UiState {
  const screen = s.screen;
  if (screen.kind !== "logs") return { ...s, logLines: lines };
  const top = screen.follow ? Math.max(0, lines - bodyRows(s)) : Math.min(screen.top, Math.max(0, lines - 1));
  return { ...s, logLines: lines, screen: { ...screen, top } };
}

/** The help screen's lines: every action with its keys under the current bindings. */
export const helpLines = (s: UiState): string[] =>
  ACTIONS.map((a) => {
    const keys = keysOf(s.bindings, a.action).join(" ") || "(unbound)";
    const off =
      a.mutating && s.readonly
        ? " (disabled: --readonly)"
        : a.action === "drain" && !s.canDrain
          ? " (not available in this build)"
          : "";
    return `${keys.padEnd(16)} ${a.help}${off}`;
  });
