// The terminal UI on Ink: draws screenLines(state), feeds key presses to the key reducer and terminal
// resizes to onResize, and lets the Runtime bring cluster batches in. Ink and React are loaded with import()
// (ESM with top-level await, which the CommonJS bundle cannot require()).
import type { Bindings } from "./keys.js";
import { keyNames, type InkKey } from "./keys.js";
import type { ViewEnv } from "./model.js";
import { onKey, onResize } from "./reducer.js";
import { Runtime, type RuntimeOptions } from "./runtime.js";
import { screenLines, type Line } from "./screen.js";
import { initialState, type UiState } from "./state.js";
import type { ViewName } from "./view-def.js";

export interface UiOptions extends RuntimeOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  env: Record<string, string | undefined>;
  bindings?: Bindings;
  readonly?: boolean;
  namespaces?: string[];
  view?: ViewName;
  viewEnv?: ViewEnv;
}

/** NO_COLOR (https://no-color.org): set and not empty. */
export const noColor = (env: Record<string, string | undefined>): boolean => !!env.NO_COLOR;

let loading: Promise<{ react: typeof import("react"); ink: typeof import("ink") }> | undefined;

/** Starts loading Ink and React (once): the CLI calls it first, so they load while the cluster is opened. */
export function loadInk() {
  return (loading ??= withoutCiVariables(() =>
    Promise.all([import("react"), import("ink")]).then(([react, ink]) => ({ react, ink })),
  ));
}

/**
 * Ink decides when it loads whether it runs in CI (`CI`, `CONTINUOUS_INTEGRATION`), and then draws only the
 * last frame, for logs. The UI runs on a terminal (checked first), where that would show nothing until quit:
 * a shell that exports CI — or a CI job driving the UI in a pseudo-terminal — must still see it.
 */
async function withoutCiVariables<T>(load: () => Promise<T>): Promise<T> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    return await load();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}

/** Runs the UI until the user quits, then closes the cluster it ends with (after `:ctx`, not the first). */
export async function runUi(o: UiOptions): Promise<void> {
  const listeners = new Set<() => void>();
  const runtime = new Runtime(o, () => listeners.forEach((l) => l()));
  const size = () => ({ rows: o.stdout.rows || 24, columns: o.stdout.columns || 80 });
  const { rows, columns } = size();
  const state: UiState = initialState({
    view: o.view,
    namespaces: o.namespaces,
    height: rows,
    width: columns,
    readonly: o.readonly,
    canDrain: !!o.drain,
    bindings: o.bindings,
    env: o.viewEnv,
  });
  // The watches start now: the first lists arrive while Ink is still loading.
  runtime.start(state);
  try {
    await drawUntilQuit(o, runtime, listeners);
  } finally {
    runtime.stop();
    await runtime.clusterInUse.close();
  }
}

/** Draws the runtime's state with Ink until the user quits. */
async function drawUntilQuit(o: UiOptions, runtime: Runtime, listeners: Set<() => void>): Promise<void> {
  const plain = noColor(o.env);
  const size = () => ({ rows: o.stdout.rows || 24, columns: o.stdout.columns || 80 });
  const { react, ink } = await loadInk();
  const { createElement: h } = react;
  const draw = (lines: Line[]) =>
    h(
      ink.Box,
      { flexDirection: "column" },
      ...lines.map((line, i) =>
        h(
          ink.Text,
          { key: i, wrap: "truncate" },
          ...(line.length ? line : [{ text: " " }]).map((seg, j) =>
            h(
              ink.Text,
              {
                key: j,
                color: plain ? undefined : seg.color,
                bold: seg.bold,
                dimColor: seg.dim,
                inverse: seg.inverse,
              },
              seg.text || " ",
            ),
          ),
        ),
      ),
    );

  // The frame on screen. A batch that changes nothing visible (a pod off screen, a lease renewed) costs one
  // screenLines() and a comparison, never a React render and an Ink layout.
  const frame = () =>
    screenLines(runtime.current, { now: Date.now(), plain, logs: (from, n) => runtime.logs.slice(from, n) });
  let lines = frame();
  let shown = JSON.stringify(lines);

  function App() {
    const [, setTick] = react.useState(0);
    react.useEffect(() => {
      const changed = () => {
        const next = frame();
        const text = JSON.stringify(next);
        if (text === shown) return;
        [lines, shown] = [next, text];
        setTick((t) => t + 1);
      };
      listeners.add(changed);
      // What arrived between the first frame and this effect.
      changed();
      return () => void listeners.delete(changed);
    }, []);
    ink.useInput((input: string, key: InkKey) => {
      for (const k of keyNames(input, key)) runtime.apply(onKey(runtime.current, k));
    });
    return draw(lines);
  }

  // The alternate screen, as full-screen terminal programs use: the shell's scrollback is left as it was.
  o.stdout.write("\x1b[?1049h\x1b[H");
  const onResizeEvent = () => {
    const s = size();
    runtime.apply(onResize(runtime.current, s.rows, s.columns));
  };
  o.stdout.on("resize", onResizeEvent);
  const app = ink.render(h(App), {
    stdout: o.stdout,
    stdin: o.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  runtime.onQuit = () => app.unmount();
  try {
    await app.waitUntilExit();
  } finally {
    o.stdout.off("resize", onResizeEvent);
    o.stdout.write("\x1b[?1049l");
  }
}
