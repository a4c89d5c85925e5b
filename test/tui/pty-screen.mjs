// The built CLI in a real pseudo-terminal (node-pty), its output fed to a headless xterm, so a test (or
// scripts/capture-ui.mjs) reads the screen a user would see — not the raw escape stream. Not a test double:
// the real terminal protocol. test/tui/pty.ts gives it types.
import pty from "@lydell/node-pty";
import xterm from "@xterm/headless";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "slipway.js");

export const KEYS = { up: "\x1b[A", down: "\x1b[B", enter: "\r", escape: "\x1b", backspace: "\x7f" };

/** Spawns `node bin/slipway.js …args` in a pty of cols × rows. */
export function spawnUi(args, opts) {
  const cols = opts.cols ?? 160;
  const rows = opts.rows ?? 30;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const p = pty.spawn(process.execPath, [bin, ...args], {
    name: "xterm-256color",
    cols,
    rows,
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
  });
  let raw = "";
  p.onData((d) => {
    raw += d;
    term.write(d);
  });
  let gone;
  const exited = new Promise((done) =>
    p.onExit(({ exitCode }) => {
      gone = exitCode;
      done(exitCode);
    }),
  );
  const screen = () => {
    const buf = term.buffer.active;
    const out = [];
    for (let i = 0; i < term.rows; i++)
      out.push(buf.getLine(buf.viewportY + i)?.translateToString(true) ?? "");
    return out.join("\n").replace(/\n+$/, "");
  };
  return {
    screen,
    raw: () => raw,
    async waitFor(what, ms = 15_000) {
      const deadline = Date.now() + ms;
      const hit = () => {
        const s = screen();
        return typeof what === "string" ? s.includes(what) : what.test(s);
      };
      while (Date.now() < deadline) {
        // xterm parses written data asynchronously; let it catch up.
        await new Promise((r) => term.write("", r));
        if (hit()) return screen();
        if (gone !== undefined) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `${gone === undefined ? "timed out" : `exited ${gone}`} waiting for ${String(what)}; the screen:\n${screen()}\n(raw tail: ${JSON.stringify(raw.slice(-400))})`,
      );
    },
    press(...keys) {
      for (const k of keys) p.write(k);
    },
    resize(c, r) {
      p.resize(c, r);
      term.resize(c, r);
    },
    exited,
    kill: () => p.kill(),
  };
}
