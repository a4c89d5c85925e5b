import type { ProgressEvent } from "../components/stack-run.js";

/** `3.1 s` */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A row of the live table. */
export interface Row extends ProgressEvent {
  /** When the component started running (epoch ms), for the elapsed time. */
  startedAt?: number;
}

/** What the live table shows: one row per component, in the order they were first reported. */
export interface ProgressState {
  readonly rows: readonly Row[];
}

export const initialProgress: ProgressState = { rows: [] };

/**
 * The display's one state change: an event (at epoch ms `at`) replaces its component's row; a component
 * that starts running remembers when, for its elapsed time. Pure, so the table is a function of the events.
 */
export function progressReducer(state: ProgressState, event: ProgressEvent, at: number): ProgressState {
  const i = state.rows.findIndex((r) => r.component === event.component);
  const before = i >= 0 ? state.rows[i] : undefined;
  const row: Row = { ...event, startedAt: event.state === "running" ? at : before?.startedAt };
  if (i < 0) return { rows: [...state.rows, row] };
  const rows = state.rows.slice();
  rows[i] = row;
  return { rows };
}

/** What the state column says for one row at time `now`. */
export function stateText(r: Row, now: number): string {
  switch (r.state) {
    case "waiting":
      return "waiting";
    case "running":
      return `running ${seconds(now - (r.startedAt ?? now))}${r.note ? ` (${r.note})` : ""}`;
    case "done":
      return `done in ${seconds(r.ms ?? 0)}`;
    case "checked":
      return `checked in ${seconds(r.ms ?? 0)}${r.note ? ` (${r.note})` : ""}`;
    case "dry-run":
      return `dry run in ${seconds(r.ms ?? 0)}`;
    case "failed":
      return `failed${r.note ? `: ${r.note}` : ""}`;
    case "skipped":
      return `skipped: ${r.note ?? ""}`;
  }
}
