import { describe, expect, it } from "vitest";
import { onKey } from "../src/tui/reducer.js";
import { Runtime } from "../src/tui/runtime.js";
import { screenLines, screenText } from "../src/tui/screen.js";
import { initialState, type UiState } from "../src/tui/state.js";
import { FakeCluster } from "./tui/fake-cluster.js";
import { RECORDED } from "./tui/recorded.js";

const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(
  opts: {
    drain?: (n: string, c: unknown, progress: (t: string) => void) => Promise<string>;
    logCapacity?: number;
  } = {},
) {
  const cluster = new FakeCluster({ nodes: RECORDED.nodes!, pods: RECORDED.pods!, events: RECORDED.events! });
  const published: UiState[] = [];
  const rt = new Runtime({ cluster, logBatchMs: 1, ...opts }, (s) => published.push(s));
  rt.start(initialState({ height: 12, width: 140, canDrain: !!opts.drain }));
  const press = (...keys: string[]) => keys.forEach((k) => rt.apply(onKey(rt.current, k)));
  const text = () =>
    screenText(
      screenLines(rt.current, { now: Date.now(), plain: true, logs: (f, n) => rt.logs.slice(f, n) }),
    );
  return { cluster, rt, published, press, text };
}

describe("the UI runtime (on a test double of the cluster)", () => {
  it("watches the first view's types and shows them", () => {
    const { cluster, text } = setup();
    expect(cluster.watched).toEqual(["namespaces", "nodes", "pods"]);
    expect(text()).toContain("kwok-node-2");
  });

  it("a batch from the cluster reaches the screen, with no key pressed", () => {
    const { cluster, text } = setup();
    const n = RECORDED.nodes![0]!;
    cluster.put("nodes", { ...n, metadata: { ...n.metadata, name: "pi-new", uid: "u-new" } });
    expect(text()).toContain("pi-new");
  });

  it("c cordons through the cluster's actions and reports it", async () => {
    const { cluster, press, text } = setup();
    press("c");
    await settle();
    expect(cluster.calls).toEqual(["cordon kwok-node-0 true"]);
    expect(text()).toContain("kwok-node-0 cordoned");
    expect(text()).toMatch(/kwok-node-0 .*Ready,SchedulingDisabled/);
  });

  it("a refused cordon shows the server's reason", async () => {
    const { cluster, press, text } = setup();
    cluster.cordon = async () => {
      throw new Error("nodes is forbidden: User cannot patch resource");
    };
    press("c");
    await settle();
    expect(text()).toContain("cordon: nodes is forbidden: User cannot patch resource");
  });

  it("D with a drain function calls it once the name is typed", async () => {
    const drained: string[] = [];
    const { press, text, published } = setup({
      drain: async (n, _c, progress) => {
        progress("evicting shop/web-1");
        drained.push(n);
        return `${n} drained: 3 pods evicted`;
      },
    });
    press("D", ..."kwok-node-0", "enter");
    await settle();
    expect(drained).toEqual(["kwok-node-0"]);
    expect(published.some((s) => s.message?.text === "drain kwok-node-0: evicting shop/web-1")).toBe(true);
    expect(text()).toContain("kwok-node-0 drained: 3 pods evicted");
  });

  it("l follows a pod's log into the ring; the screen shows its last lines", async () => {
    const { cluster, press, text, rt } = setup({ logCapacity: 50 });
    cluster.logLines = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    press(":", "p", "o", "d", "s", "enter", "l");
    await new Promise((r) => setTimeout(r, 20));
    expect(cluster.calls).toEqual(["logs infra/cache-7b647bdc9c-7dxgz redis"]);
    expect([rt.logs.size, rt.logs.total]).toEqual([50, 500]);
    expect(text()).toContain("line 499");
    expect(text()).not.toContain("line 449\n");
    expect(text()).toContain("· 50 lines");
  });

  it("the detail screen watches events and lists the object's", () => {
    const { cluster, press, text } = setup();
    press("enter");
    expect(cluster.watched).toContain("events");
    press("G");
    expect(text()).toMatch(/Events \(1\):\n {2}Normal +RegisteredNode/);
  });

  it("a lost connection dims the data and says it reconnects", () => {
    const { cluster, text, rt } = setup();
    cluster.conn = { state: "reconnecting", attempt: 1, retryAt: Date.now() + 1000, message: "ECONNRESET" };
    cluster.emit("nodes");
    expect(text()).toMatch(/reconnecting \(attempt 1, in [01]s\): ECONNRESET/);
    expect(text()).toContain("kwok-node-0");
    const lines = screenLines(rt.current, { now: Date.now() });
    expect(lines[2]!.every((s) => s.dim)).toBe(true);
  });

  it(":ctx lists the kubeconfig's contexts; enter switches, closing the old cluster", async () => {
    const first = new FakeCluster({ nodes: RECORDED.nodes! });
    const second = new FakeCluster({ nodes: [{ ...RECORDED.nodes![0]!, metadata: { name: "other-node" } }] });
    const rt = new Runtime({ cluster: first, switchContext: async () => second }, () => {});
    const contexts = [
      { name: "home", current: true },
      { name: "lab", cluster: "lab", current: false },
    ];
    rt.start(initialState({ height: 12, width: 120, env: { contexts } }));
    const press = (...keys: string[]) => keys.forEach((k) => rt.apply(onKey(rt.current, k)));
    press(":", "c", "t", "x", "enter");
    expect(rt.current.rows.map((r) => r.name)).toEqual(["home", "lab"]);
    press("j", "enter");
    await settle();
    await settle();
    expect(first.closed).toBe(true);
    expect(rt.clusterInUse).toBe(second);
    expect(rt.current.view).toBe("nodes");
    expect(rt.current.rows.map((r) => r.name)).toEqual(["other-node"]);
    expect(rt.current.env.contexts?.find((c) => c.current)?.name).toBe("lab");
  });
});
