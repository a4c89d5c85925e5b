import { Box, Text } from "ink";
import { render } from "ink-testing-library";
import { createElement as h } from "react";
import { describe, expect, it } from "vitest";
import { plainProgress, type Row } from "../src/cli/progress.js";
import { progressTable } from "../src/cli/progress-view.js";
import { initialProgress, progressReducer, stateText } from "../src/cli/progress-state.js";

const ProgressTable = progressTable({ Box, Text, h });

const rows: Row[] = [
  { component: "vpc", type: "terraform", state: "done", ms: 3100 },
  { component: "k3s-cluster", type: "terraform", state: "running", startedAt: 10_000 },
  { component: "image", type: "packer", state: "failed", note: "exit 1", ms: 800 },
  { component: "apps", type: "terraform", state: "skipped", note: "image did not succeed" },
  { component: "dns", type: "terraform", state: "waiting" },
];

describe("plan/apply progress display", () => {
  it("the live table (Ink) shows every component's state, the running one with its elapsed time, and the counts", () => {
    const { lastFrame, unmount } = render(h(ProgressTable, { rows, now: 22_500 }));
    const lines = lastFrame()!.split("\n");
    expect(lines[0]).toMatch(/✔ vpc\s+terraform\s+done in 3\.1 s/);
    expect(lines[1]).toMatch(/▶ k3s-cluster\s+terraform\s+running 12\.5 s/);
    expect(lines[2]).toMatch(/✘ image\s+packer\s+failed: exit 1/);
    expect(lines[3]).toMatch(/– apps\s+terraform\s+skipped: image did not succeed/);
    expect(lines[4]).toMatch(/· dns\s+terraform\s+waiting/);
    expect(lines[5]).toBe("1 done, 1 running, 1 waiting, 1 failed, 1 skipped");
    unmount();
  });

  it("the running time advances with the clock", () => {
    expect(stateText(rows[1]!, 10_000)).toBe("running 0.0 s");
    expect(stateText(rows[1]!, 71_000)).toBe("running 61.0 s");
  });

  it("the reducer keeps first-reported order and remembers when a component started running", () => {
    let s = initialProgress;
    s = progressReducer(s, { component: "vpc", type: "terraform", state: "waiting" }, 0);
    s = progressReducer(s, { component: "dns", type: "terraform", state: "waiting" }, 0);
    s = progressReducer(s, { component: "dns", type: "terraform", state: "running" }, 4_000);
    s = progressReducer(s, { component: "dns", type: "terraform", state: "done", ms: 900 }, 4_900);
    expect(s.rows.map((r) => [r.component, r.state, r.startedAt])).toEqual([
      ["vpc", "waiting", undefined],
      ["dns", "done", 4_000],
    ]);
    // The state it was given is left as it was.
    expect(progressReducer(s, { component: "vpc", type: "terraform", state: "running" }, 5_000)).not.toBe(s);
    expect(s.rows[0]!.state).toBe("waiting");
  });

  it("degrades to one plain line per state change (waiting is not printed)", () => {
    const out: string[] = [];
    let t = 1000;
    const p = plainProgress(
      (s) => out.push(s),
      () => t,
    );
    p.update({ component: "vpc", type: "terraform", state: "waiting" });
    t = 1500;
    p.update({ component: "vpc", type: "terraform", state: "running", note: "dry run: tofu is not on PATH" });
    t = 4600;
    p.update({ component: "vpc", type: "terraform", state: "done", ms: 3100 });
    p.update({ component: "app", type: "terraform", state: "failed", note: "exit 2", ms: 200 });
    expect(out).toEqual([
      "  0.5s  vpc: running (dry run: tofu is not on PATH)\n",
      "  3.6s  vpc: done in 3.1 s\n",
      "  3.6s  app: failed (exit 2) after 0.2 s\n",
    ]);
  });
});
