import type { ProgressEvent } from "../components/stack-run.js";
import { initialProgress, progressReducer, seconds, type ProgressState } from "./progress-state.js";

export { seconds, stateText, type Row } from "./progress-state.js";

/** Where plan/apply report state changes: a live table on a terminal, plain lines anywhere else. */
export interface ProgressDisplay {
  update(e: ProgressEvent): void;
  /** Leaves the final state on screen. */
  finish(): Promise<void>;
}

/** One line per state change after `waiting`, for logs and CI: `  3.2s  k3s-cluster: done in 3.1 s`. */
export function plainProgress(write: (s: string) => void, now: () => number = Date.now): ProgressDisplay {
  const t0 = now();
  return {
    update(e) {
      if (e.state === "waiting") return;
      const what =
        e.state === "running"
          ? `running${e.note ? ` (${e.note})` : ""}`
          : e.state === "skipped"
            ? `skipped (${e.note})`
            : e.state === "failed"
              ? `failed (${e.note})${e.ms !== undefined ? ` after ${seconds(e.ms)}` : ""}`
              : e.state === "checked"
                ? `checked in ${seconds(e.ms ?? 0)} (${e.note})`
                : `${e.state === "dry-run" ? "dry run done" : "done"} in ${seconds(e.ms ?? 0)}`;
      write(`${((now() - t0) / 1000).toFixed(1).padStart(5)}s  ${e.component}: ${what}\n`);
    },
    finish: async () => {},
  };
}

/**
 * The live table (Ink): every component with its state — waiting, running with the elapsed time, done,
 * failed, skipped — redrawn in place. Ink and React load only here, so non-TTY runs never pay for them.
 */
export async function liveProgress(stream: NodeJS.WriteStream): Promise<ProgressDisplay> {
  const view = await import("./progress-view.js");
  const ui = await view.loadUi();
  const { h, useEffect, useState } = ui;
  const ProgressTable = view.progressTable(ui);
  let state: ProgressState = initialProgress;
  const listeners = new Set<() => void>();
  const snapshot = () => state.rows;
  function Live() {
    const [rows, setRows] = useState(snapshot);
    const [now, setNow] = useState(Date.now());
    useEffect(() => {
      const changed = () => setRows(snapshot());
      listeners.add(changed);
      const timer = setInterval(() => setNow(Date.now()), 200);
      return () => {
        listeners.delete(changed);
        clearInterval(timer);
      };
    }, []);
    return h(ProgressTable, { rows, now });
  }
  const app = ui.render(h(Live), { stdout: stream, patchConsole: false, exitOnCtrlC: false });
  return {
    update(e) {
      state = progressReducer(state, e, Date.now());
      for (const l of listeners) l();
    },
    async finish() {
      for (const l of listeners) l();
      // Let React commit the last state before Ink writes its final frame.
      await new Promise((r) => setTimeout(r, 50));
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
