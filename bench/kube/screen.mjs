// The screen a user would see: a command run in a real pseudo-terminal (@lydell/node-pty) whose output is fed
// to a headless xterm (@xterm/headless), so the bench reads rows of text after every escape sequence has been
// applied — what is on the glass, not the raw stream. Used to time "first full screen" and "change → screen".
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Spawns `file args` in a `cols`×`rows` pseudo-terminal. */
export function openScreen(file, args, { cols = 160, rows = 50, env = process.env, cwd } = {}) {
  const pty = require("@lydell/node-pty");
  const { Terminal } = require("@xterm/headless");
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  const proc = pty.spawn(file, args, { name: "xterm-256color", cols, rows, cwd, env });
  const waiters = new Set();
  let exited;
  let raw = 0;
  const check = () => {
    for (const w of waiters) w();
  };
  proc.onData((d) => {
    raw += d.length;
    term.write(d, check);
  });
  proc.onExit((e) => {
    exited = e;
    check();
  });
  const lines = () => {
    const b = term.buffer.active;
    const out = [];
    for (let y = 0; y < rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? "");
    return out;
  };
  return {
    pid: proc.pid,
    lines,
    text: () => lines().join("\n"),
    bytes: () => raw,
    exited: () => exited,
    write: (keys) => proc.write(keys),
    resize: (c, r) => {
      proc.resize(c, r);
      term.resize(c, r);
    },
    /** Resolves (ms waited) when `test(lines)` holds after some output; rejects on timeout or exit. */
    waitFor(test, timeoutMs = 10_000) {
      const t0 = performance.now();
      return new Promise((done, fail) => {
        const w = () => {
          if (test(lines())) {
            waiters.delete(w);
            clearTimeout(timer);
            done(performance.now() - t0);
          } else if (exited) {
            waiters.delete(w);
            clearTimeout(timer);
            fail(new Error(`exited (${exited.exitCode}) before the screen matched:\n${lines().join("\n")}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          fail(new Error(`screen did not match in ${timeoutMs} ms:\n${lines().join("\n")}`));
        }, timeoutMs);
        waiters.add(w);
        w();
      });
    },
    kill() {
      if (!exited) proc.kill();
      term.dispose();
    },
  };
}

/** True when the screen holds a table filling the terminal: `rows - 1 - chrome` lines matching `rowPattern`. */
export const fullTable = (rowPattern, need) => (lines) =>
  lines.filter((l) => rowPattern.test(l)).length >= need;
