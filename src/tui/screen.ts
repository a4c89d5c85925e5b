// What the terminal shows, as a pure function of the state: lines of styled segments, at most the
// terminal's rows minus one. Only the rows on screen get their cells built. Ink draws these (app.ts); tests
// and the capture script read them as text.
import type { Connection } from "../kube/types.js";
import { detailLines } from "./detail.js";
import type { Health } from "./health-lite.js";
import { keysOf } from "./keys.js";
import type { Cell } from "./model.js";
import { helpLines, namespaceChoices } from "./reducer.js";
import { bodyRows, type UiState } from "./state.js";
import { VIEWS } from "./views.js";

export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}
export type Line = Segment[];

const HEALTH_COLOUR: Record<Health, string> = { ok: "green", warn: "yellow", bad: "red", unknown: "gray" };
const MAX_COLUMN = 48;

/** The connection as the header says it. */
export function connectionText(c: Connection, now: number): { text: string; color: string } {
  switch (c.state) {
    case "connecting":
      return { text: "connecting…", color: "yellow" };
    case "live":
      return { text: "● live", color: "green" };
    case "reconnecting":
      return {
        text: `reconnecting (attempt ${c.attempt}, in ${Math.max(0, Math.ceil((c.retryAt - now) / 1000))}s): ${c.message}`,
        color: "yellow",
      };
    case "failed":
      return { text: `✘ ${c.kind}: ${c.message}`, color: "red" };
  }
}

const fit = (s: string, w: number): string =>
  s.length > w ? `${s.slice(0, Math.max(0, w - 1))}…` : s.padEnd(w);

/** Column widths from the titles and the visible rows' cells. */
function widths(titles: readonly string[], rows: readonly Cell[][]): number[] {
  return titles.map((t, i) =>
    Math.min(
      i === titles.length - 1 ? Infinity : MAX_COLUMN,
      Math.max(t.length, ...rows.map((r) => r[i]?.text.length ?? 0)),
    ),
  );
}

/** Cuts a line of segments at the terminal's width. */
function clip(line: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  for (const seg of line) {
    if (left <= 0) break;
    out.push(seg.text.length > left ? { ...seg, text: seg.text.slice(0, left) } : seg);
    left -= seg.text.length;
  }
  return out;
}

function tableBody(s: UiState, now: number, plain: boolean): { titles: Line; body: Line[] } {
  const def = VIEWS[s.view];
  const visible = s.rows.slice(s.top, s.top + bodyRows(s));
  const cells = visible.map((item) => def.cells(item, s.ctx, now));
  const w = widths(def.columns, cells);
  const titles: Line = [
    {
      text: def.columns.map((c, i) => (i === def.columns.length - 1 ? c : fit(c, w[i]!))).join("  "),
      bold: true,
    },
  ];
  const body = cells.map((row, r): Line => {
    const selected = s.top + r === s.selected;
    return row.flatMap((c, i) => [
      ...(i ? [{ text: "  ", inverse: selected }] : []),
      {
        text: i === row.length - 1 ? c.text : fit(c.text, w[i]!),
        color: c.health && !plain ? HEALTH_COLOUR[c.health] : undefined,
        inverse: selected,
      },
    ]);
  });
  if (!body.length) body.push([{ text: emptyText(s), dim: true }]);
  return { titles, body };
}

/** What an empty table says: still loading, not installed, an error, or nothing matches. */
function emptyText(s: UiState): string {
  const types = VIEWS[s.view].types.map((t) => ({ t, snap: s.data.types[t.resource] }));
  const failed = types.find(({ snap }) => snap?.error);
  if (failed) return `${failed.t.resource}: ${failed.snap!.error!.kind}: ${failed.snap!.error!.message}`;
  const loading = types
    .filter(({ snap }) => !snap || (!snap.synced && !snap.absent))
    .map(({ t }) => t.resource);
  if (loading.length) return `loading… (${loading.join(", ")})`;
  if (s.view === "stack" && !s.env.stack) return "no stack data: start with -s <stack>";
  if (s.view === "ctx") return "no contexts in the kubeconfig";
  const absent = types.filter(({ snap }) => snap?.absent).map(({ t }) => t.kind);
  if (absent.length === types.length && types.length)
    return `not installed in this cluster: ${absent.join(", ")}`;
  if (s.filter.text.trim() || s.namespaces.length) return "no rows match the filter / namespaces";
  return "none";
}

/** Lines in as many columns as the height needs (the help on a short terminal), each cut to its column. */
function columns(lines: readonly string[], height: number, width: number): string[] {
  if (lines.length <= height) return [...lines];
  const cols = Math.ceil(lines.length / height);
  const w = Math.floor(width / cols);
  const rows = Math.ceil(lines.length / cols);
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => fit(lines[c * rows + r] ?? "", w - 2) + "  ")
      .join("")
      .trimEnd(),
  );
}

/** The status line: the prompt being typed, the last message, or the main keys. */
function statusLine(s: UiState): Line {
  const m = s.mode;
  if (m.kind === "command") return [{ text: `:${m.text}` }, { text: "█", dim: true }];
  if (m.kind === "filter") return [{ text: `/${m.text}` }, { text: "█", dim: true }];
  if (m.kind === "drain")
    return [
      { text: `drain ${m.node}: type its name to confirm (esc cancels): `, color: "yellow" },
      { text: m.text },
      { text: "█", dim: true },
    ];
  if (m.kind === "namespaces") return [{ text: "space: pick  a: all  enter: apply  esc: cancel", dim: true }];
  if (s.message) return [{ text: s.message.text, color: s.message.level === "error" ? "red" : undefined }];
  const k = (a: Parameters<typeof keysOf>[1]) => keysOf(s.bindings, a)[0] ?? "";
  if (s.screen.kind !== "table") {
    const more =
      s.screen.kind === "logs"
        ? `  ${k("follow")} follow  ${k("logs")} next container`
        : `  ${k("logs")} logs`;
    return [
      {
        text: `${k("back")} back  ${k("up")}/${k("down")} scroll  ${k("top")}/${k("bottom")} top/end${more}`,
        dim: true,
      },
    ];
  }
  const hints = `${k("help")} help  ${k("command")} command  ${k("filter")} filter  ${k("detail")} detail  ${k("namespaces")} namespaces  ${k("quit")} quit`;
  return [{ text: hints, dim: true }, ...(s.readonly ? [{ text: "  [read-only]", color: "yellow" }] : [])];
}

/** The lines of the whole screen (at most height − 1). `logs` gives the log buffer's lines on demand. */
export function screenLines(
  s: UiState,
  opts: { now: number; plain?: boolean; logs?: (from: number, n: number) => string[] },
): Line[] {
  const plain = opts.plain ?? false;
  const def = VIEWS[s.view];
  const conn = connectionText(s.data.connection, opts.now);
  const live = s.data.connection.state === "live";
  const ns = def.namespaced ? ` · ns: ${s.namespaces.length ? s.namespaces.join(",") : "all"}` : "";
  const filter = s.filter.text.trim() ? ` · /${s.filter.text.trim()}` : "";
  const { bad, warn } = s.unhealthy;
  const header: Line = [
    {
      text: `${s.data.context || "-"} · ${def.title}${ns}${filter} · ${s.rows.length}/${s.items.length} · `,
      bold: true,
    },
    ...(bad ? [{ text: `${bad} failing`, color: "red" }, { text: " · " }] : []),
    ...(warn ? [{ text: `${warn} to look at`, color: "yellow" }, { text: " · " }] : []),
    { text: conn.text, color: plain ? undefined : conn.color },
  ];
  let titles: Line;
  let body: Line[];
  const n = bodyRows(s);
  const screen = s.screen;
  if (s.mode.kind === "help") {
    titles = [{ text: "Keys (any key closes)", bold: true }];
    body = columns(helpLines(s), n, s.width).map((t) => [{ text: t }]);
  } else if (s.mode.kind === "namespaces") {
    const mode = s.mode;
    titles = [{ text: "Namespaces (several at once)", bold: true }];
    const choices = namespaceChoices(s);
    const start = Math.max(0, Math.min(mode.cursor - n + 1, choices.length - n));
    body = choices.slice(Math.max(0, start), Math.max(0, start) + n).map((c, i) => [
      {
        text: `${mode.picked.includes(c) ? "[x]" : "[ ]"} ${c}`,
        inverse: Math.max(0, start) + i === mode.cursor,
      },
    ]);
  } else if (screen.kind === "detail") {
    const item = s.items.find((i) => i.id === screen.id);
    titles = [
      {
        text: `${screen.yamlOnly ? "YAML" : "Detail"}: ${item?.obj?.kind ?? ""} ${item ? (item.namespace ? `${item.namespace}/` : "") + item.name : "(gone)"}`,
        bold: true,
      },
    ];
    body = item?.obj
      ? detailLines(s.data, item.obj, screen.yamlOnly, opts.now)
          .slice(screen.top, screen.top + n)
          .map((t) => [{ text: t }])
      : [];
  } else if (screen.kind === "logs") {
    titles = [
      {
        text: `Logs: ${screen.namespace}/${screen.pod}${screen.container ? ` [${screen.container}]` : ""} · ${screen.follow ? "following" : "paused (f follows)"} · ${s.logLines} lines`,
        bold: true,
      },
    ];
    body = (opts.logs?.(screen.top, n) ?? []).map((t) => [{ text: t }]);
  } else ({ titles, body } = tableBody(s, opts.now, plain));
  const lines = [header, titles, ...body.slice(0, n), statusLine(s)];
  const dimmed = live
    ? lines
    : lines.map((l, i) => (i === 0 || i === lines.length - 1 ? l : l.map((seg) => ({ ...seg, dim: true }))));
  const shown = plain ? dimmed.map((l) => l.map(({ color: _none, ...seg }) => seg)) : dimmed;
  return shown.map((l) => clip(l, s.width)).slice(0, Math.max(1, s.height - 1));
}

/** A screen's lines as plain text (tests, the README capture). */
export const screenText = (lines: readonly Line[]): string =>
  lines
    .map((l) =>
      l
        .map((s) => s.text)
        .join("")
        .trimEnd(),
    )
    .join("\n");
