import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { onCluster, onKey, onLogLines, onResize, runCommand } from "../src/tui/reducer.js";
import { bodyRows, initialState, takeRequests, type UiState } from "../src/tui/state.js";
import { ACTIONS } from "../src/tui/keys.js";
import { manyPods, recordedData } from "./tui/recorded.js";

const keys = (s: UiState, ...ks: string[]) => ks.reduce(onKey, s);
const type = (s: UiState, text: string) =>
  [...text].reduce((st, ch) => onKey(st, ch === " " ? "space" : ch), s);
const names = (s: UiState) => s.rows.map((r) => r.name);
const start = (o: Parameters<typeof initialState>[0] = {}) =>
  onCluster(initialState({ height: 10, width: 120, canDrain: true, ...o }), recordedData());

describe("the key reducer", () => {
  it("starts on the nodes view, asking for its types to be watched", () => {
    const [s, reqs] = takeRequests(start());
    expect(names(s)).toEqual(["kwok-node-0", "kwok-node-1", "kwok-node-2"]);
    expect(reqs).toEqual([{ kind: "watch", view: "nodes" }]);
  });

  it("moves with arrows, j/k, g/G and stays inside the rows", () => {
    const s = start();
    expect(keys(s, "down", "j").selected).toBe(2);
    expect(keys(s, "down", "down", "down", "down").selected).toBe(2);
    expect(keys(s, "G").selected).toBe(2);
    expect(keys(s, "G", "k", "up").selected).toBe(0);
    expect(keys(s, "G", "g").selected).toBe(0);
  });

  it("pages by the body's height and scrolls so the selection is on screen", () => {
    let s = onCluster(initialState({ height: 10, view: "pods" }), recordedData({ pods: manyPods(100) }));
    expect(bodyRows(s)).toBe(6);
    s = onKey(s, "pagedown");
    expect([s.selected, s.top]).toEqual([6, 1]);
    s = keys(s, "G");
    expect([s.selected, s.top]).toEqual([99, 94]);
    s = keys(s, "pageup");
    expect([s.selected, s.top]).toEqual([93, 93]);
  });

  it(":pods ns1,ns2 shows the pods of those namespaces; :pods all shows every one", () => {
    let s = runCommand(start(), "pods shop");
    expect(s.view).toBe("pods");
    expect(s.namespaces).toEqual(["shop"]);
    expect(new Set(s.rows.map((r) => r.namespace))).toEqual(new Set(["shop"]));
    expect(takeRequests(s)[1]).toContainEqual({ kind: "watch", view: "pods" });
    s = runCommand(s, "pods shop,infra");
    expect(s.rows.map((r) => r.namespace).sort()).toEqual(["infra", "shop", "shop", "shop", "shop"]);
    expect(runCommand(s, "pods all").rows).toHaveLength(5);
  });

  it("types a command after : and runs it on enter; esc cancels", () => {
    const s = type(onKey(start(), ":"), "events");
    expect(s.mode).toEqual({ kind: "command", text: "events" });
    expect(onKey(s, "enter").view).toBe("events");
    expect(onKey(s, "escape")).toMatchObject({ view: "nodes", mode: { kind: "normal" } });
    expect(onKey(type(onKey(start(), ":"), "evx"), "backspace").mode).toEqual({
      kind: "command",
      text: "ev",
    });
  });

  it("an unknown command says so and names the closest", () => {
    const s = onKey(type(onKey(start(), ":"), "podz"), "enter");
    expect(s.message).toEqual({
      level: "error",
      text: ":podz: no such command (did you mean :pods?); ? lists them",
    });
    expect(s.view).toBe("nodes");
  });

  it("every view command reaches its view", () => {
    const table: [string, string][] = [
      ["nodes", "nodes"],
      ["svc", "services"],
      ["workloads", "workloads"],
      ["events", "events"],
      ["gitops", "gitops"],
      ["stack", "stack"],
      ["ctx", "ctx"],
    ];
    for (const [cmd, view] of table) expect(runCommand(start(), cmd).view).toBe(view);
  });

  it("filters with a regex as it is typed, and esc restores the filter before", () => {
    let s = runCommand(start(), "pods");
    s = type(onKey(s, "/"), "web-");
    expect(names(s).every((n) => n.startsWith("web-"))).toBe(true);
    expect(s.rows).toHaveLength(3);
    expect(onKey(s, "escape").rows).toHaveLength(5);
    s = onKey(s, "enter");
    expect(s.mode.kind).toBe("normal");
    expect(s.rows).toHaveLength(3);
    expect(onKey(s, "escape").rows).toHaveLength(5);
  });

  it("filters by label selector with -l", () => {
    let s = runCommand(start(), "pods");
    s = onKey(type(onKey(s, "/"), "-l app=web"), "enter");
    expect(s.rows).toHaveLength(3);
    s = onKey(type(onKey(runCommand(start(), "pods"), "/"), "-l app!=web,run"), "enter");
    expect(names(s)).toEqual(["stuck"]);
  });

  it("a text that is no regex is matched as text, and says so", () => {
    const s = type(onKey(runCommand(start(), "pods"), "/"), "web-(");
    expect(s.rows).toHaveLength(0);
    expect(s.message?.text).toMatch(/^not a regex .*: matched as text$/);
  });

  it("keeps the selection on the same row when a batch adds rows before it", () => {
    let s = keys(runCommand(start(), "pods"), "G");
    const chosen = s.rows[s.selected]!.id;
    const data = recordedData({
      pods: [
        ...recordedData().types.pods!.objects,
        ...manyPods(10, 1, 1).map((p) => ({ ...p, metadata: { ...p.metadata, namespace: "aaa" } })),
      ],
    });
    s = onCluster(s, data);
    expect(s.rows[s.selected]!.id).toBe(chosen);
  });

  it("c and u on a node ask the runtime to cordon and uncordon it", () => {
    const s = keys(start(), "down", "c");
    expect(takeRequests(s)[1]).toContainEqual({ kind: "cordon", node: "kwok-node-1", unschedulable: true });
    expect(takeRequests(onKey(s, "u"))[1]).toContainEqual({
      kind: "cordon",
      node: "kwok-node-1",
      unschedulable: false,
    });
  });

  it("--readonly refuses every mutating key, and says so", () => {
    for (const a of ACTIONS.filter((x) => x.mutating)) {
      const s = onKey(start({ readonly: true }), a.keys[0]!);
      expect(takeRequests(s)[1].filter((r) => r.kind !== "watch")).toEqual([]);
      expect(s.message).toEqual({ level: "error", text: `${a.keys[0]} ${a.action}: disabled (--readonly)` });
    }
  });

  it("c outside the nodes view names the view to use", () => {
    const s = onKey(runCommand(start(), "pods"), "c");
    expect(s.message?.text).toBe("c cordon: select a node first (:nodes)");
    expect(takeRequests(s)[1].some((r) => r.kind === "cordon")).toBe(false);
  });

  it("D drains only after the node's name is typed", () => {
    let s = onKey(start(), "D");
    expect(s.mode).toEqual({ kind: "drain", node: "kwok-node-0", text: "" });
    const wrong = onKey(type(s, "kwok-node-1"), "enter");
    expect(takeRequests(wrong)[1].some((r) => r.kind === "drain")).toBe(false);
    expect(wrong.message?.text).toBe('drain: "kwok-node-1" is not "kwok-node-0"; nothing drained');
    s = onKey(type(s, "kwok-node-0"), "enter");
    expect(takeRequests(s)[1]).toContainEqual({ kind: "drain", node: "kwok-node-0" });
  });

  it("D without a drain function says it is not available", () => {
    const s = onKey(start({ canDrain: false }), "D");
    expect(s.mode.kind).toBe("normal");
    expect(s.message?.text).toBe("drain: not available in this build");
  });

  it("n picks several namespaces at once", () => {
    let s = runCommand(start(), "pods");
    s = onKey(s, "n");
    expect(s.mode.kind).toBe("namespaces");
    // default, infra, kube-node-lease, kube-public, kube-system, shop
    s = keys(s, "down", "space", "G", "down", "down", "down", "down", "space", "enter");
    expect(s.namespaces).toEqual(["infra", "shop"]);
    expect(s.rows).toHaveLength(5);
    s = keys(s, "n", "a", "enter");
    expect(s.namespaces).toEqual([]);
  });

  it("enter opens the detail with the object's events; esc goes back", () => {
    let s = runCommand(start(), "pods");
    s = onKey(type(onKey(s, "/"), "stuck"), "enter");
    s = onKey(s, "enter");
    expect(s.screen).toMatchObject({ kind: "detail", yamlOnly: false });
    expect(onKey(s, "escape").screen.kind).toBe("table");
  });

  it("l follows the selected pod's log; esc stops it; l on a node explains", () => {
    const s = onKey(runCommand(start(), "pods"), "l");
    expect(s.screen).toMatchObject({ kind: "logs", namespace: "infra", follow: true });
    expect(takeRequests(s)[1]).toContainEqual(
      expect.objectContaining({ kind: "logs", namespace: "infra", container: "redis" }),
    );
    expect(takeRequests(onKey(s, "escape"))[1]).toContainEqual({ kind: "stop-logs" });
    expect(onKey(start(), "l").message?.text).toBe("l logs: select a pod (:pods)");
  });

  it("l on the logs screen follows the pod's next container, round", () => {
    let s = runCommand(start(), "pods");
    const pod = s.rows[0]!.obj!;
    const two = { ...pod, spec: { ...pod.spec, containers: [{ name: "redis" }, { name: "exporter" }] } };
    s = onCluster(s, recordedData({ pods: [two] }));
    s = onKey(s, "l");
    expect(s.screen).toMatchObject({ kind: "logs", container: "redis" });
    s = onKey(s, "l");
    expect(s.screen).toMatchObject({ kind: "logs", container: "exporter" });
    expect(takeRequests(s)[1]).toContainEqual(
      expect.objectContaining({ kind: "logs", container: "exporter" }),
    );
    expect(onKey(s, "l").screen).toMatchObject({ container: "redis" });
  });

  it("a following log screen stays at the bottom; scrolling up pauses it", () => {
    let s = onLogLines(onKey(runCommand(start(), "pods"), "l"), 100);
    expect(s.screen).toMatchObject({ top: 94, follow: true });
    s = onKey(s, "up");
    expect(s.screen).toMatchObject({ top: 93, follow: false });
    s = onLogLines(s, 200);
    expect(s.screen).toMatchObject({ top: 93 });
    s = onKey(s, "f");
    expect(s.screen).toMatchObject({ top: 194, follow: true });
  });

  it("an unbound key says so", () => {
    expect(onKey(start(), "Z").message).toEqual({
      level: "error",
      text: "Z: not bound to anything (? lists the keys)",
    });
  });

  it("q and ctrl+c ask to quit; ctrl+c even while typing a command", () => {
    expect(takeRequests(onKey(start(), "q"))[1]).toContainEqual({ kind: "quit" });
    expect(takeRequests(onKey(onKey(start(), ":"), "ctrl+c"))[1]).toContainEqual({ kind: "quit" });
    expect(takeRequests(type(onKey(start(), ":"), "q"))[1]).not.toContainEqual({ kind: "quit" });
  });
});

describe("reducer properties", () => {
  const keyArb = fc.constantFrom(
    "up",
    "down",
    "j",
    "k",
    "g",
    "G",
    "pageup",
    "pagedown",
    "enter",
    "escape",
    "/",
    "a",
    "b",
    "-",
    "(",
    "[",
    "*",
    "backspace",
    "n",
    "space",
    "c",
    "l",
    ":",
    "p",
    "o",
    "d",
    "s",
  );
  const sizeArb = fc.record({
    height: fc.integer({ min: 2, max: 60 }),
    width: fc.integer({ min: 10, max: 200 }),
  });

  it("the selection is always inside the rows, and on screen", () => {
    const base = onCluster(initialState({ view: "pods" }), recordedData({ pods: manyPods(57) }));
    fc.assert(
      fc.property(
        fc.array(keyArb, { maxLength: 60 }),
        sizeArb,
        fc.integer({ min: 0, max: 57 }),
        (ks, size, n) => {
          let s = onResize(base, size.height, size.width);
          s = onCluster(s, recordedData({ pods: manyPods(n) }));
          for (const k of ks) {
            s = onKey(s, k);
            if (s.mode.kind === "normal" && s.screen.kind === "table") {
              if (s.rows.length === 0) expect(s.selected).toBe(0);
              else {
                expect(s.selected).toBeGreaterThanOrEqual(0);
                expect(s.selected).toBeLessThan(s.rows.length);
                expect(s.selected).toBeGreaterThanOrEqual(s.top);
                expect(s.selected).toBeLessThan(s.top + bodyRows(s));
              }
            }
          }
        },
      ),
    );
  });

  it("the filter never throws, whatever is typed", () => {
    const base = onCluster(initialState({ view: "pods" }), recordedData({ pods: manyPods(30) }));
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const s = type(onKey(base, "/"), text);
        expect(s.rows.length).toBeLessThanOrEqual(30);
      }),
    );
  });
});
