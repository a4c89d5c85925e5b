import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { LogRing } from "../src/tui/log-ring.js";

describe("the log ring buffer", () => {
  it("keeps the last `capacity` lines in order", () => {
    const r = new LogRing(3);
    for (const l of ["a", "b", "c", "d", "e"]) r.push(l);
    expect(r.slice(0, 10)).toEqual(["c", "d", "e"]);
    expect([r.size, r.total, r.dropped]).toEqual([3, 5, 2]);
    expect(r.slice(1, 1)).toEqual(["d"]);
  });

  it("cuts very long lines", () => {
    const r = new LogRing(2, 10);
    r.push("x".repeat(100));
    expect(r.slice(0, 1)[0]).toBe(`${"x".repeat(10)}…`);
  });

  it("memory stays flat however many lines pass through it", () => {
    const r = new LogRing(5000);
    const line = (i: number) =>
      `2026-12-01T00:00:00Z level=info msg="request served" id=${i} ${"p".repeat(150)}`;
    // A real collection before each reading, so garbage not yet collected does not count as kept.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    for (let i = 0; i < 20_000; i++) r.push(line(i));
    const after20k = heap();
    for (let i = 0; i < 500_000; i++) r.push(line(i));
    const after520k = heap();
    // 500,000 lines of ~200 bytes would be ~100 MB if kept; the ring keeps 5,000 (~1 MB).
    expect(after520k - after20k).toBeLessThan(20 * 1024 * 1024);
    expect(r.size).toBe(5000);
    expect(r.total).toBe(520_000);
    expect(r.slice(4999, 1)[0]).toContain("id=499999 ");
  });
});
