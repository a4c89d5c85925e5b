// End-to-end: the built `slipway ui` in a real pseudo-terminal against the test control plane (the real API
// server, kwok's nodes and pods). What the user sees is read from a headless xterm; what the UI did is checked
// with kubectl against the API.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { haveCluster, kubectl, useCluster } from "./cluster.js";
import { repoRoot, tempDir } from "./helpers.js";
import { KEYS, spawnUi, type PtyUi } from "./tui/pty.js";

const bin = join(repoRoot, "bin", "slipway.js");

describe.runIf(haveCluster("slipway ui against a real API server"))("slipway ui in a pseudo-terminal", () => {
  const c = useCluster({ nodes: 3 });
  let repo = "";
  let open: PtyUi[] = [];
  const ui = (...extra: string[]) => uiWith({}, ...extra);
  const uiWith = (env: Record<string, string>, ...extra: string[]) => {
    const u = spawnUi(
      ["ui", "-s", "pi-prod", "--kubeconfig", c.kubeconfig, "--context", "slipway-test", ...extra],
      {
        cwd: repo,
        env: { XDG_CONFIG_HOME: join(repo, ".no-config"), ...env },
        cols: 150,
        rows: 24,
      },
    );
    open.push(u);
    return u;
  };
  const unschedulable = (node: string) =>
    kubectl(c, ["get", "node", node, "-o", "jsonpath={.spec.unschedulable}"]).stdout.trim();
  async function until(what: string, test: () => boolean, ms = 10_000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (test()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out: ${what}`);
  }

  beforeAll(() => {
    repo = join(tempDir(), "repo");
    const init = spawnSync(process.execPath, [bin, "init", "--flavour", "pi", repo], { encoding: "utf8" });
    expect(init.status, init.stderr).toBe(0);
    for (const args of [
      ["create", "namespace", "shop"],
      ["-n", "shop", "create", "deployment", "web", "--image=nginx", "--replicas=3"],
      ["-n", "default", "create", "deployment", "cache", "--image=redis", "--replicas=2"],
    ])
      expect(kubectl(c, args).code).toBe(0);
  });
  afterEach(() => {
    for (const u of open) u.kill();
    open = [];
  });

  it("cordons the selected node with c, uncordons it with u — as the API sees it", async () => {
    const u = ui();
    await u.waitFor(/kwok-node-2 .*Ready/);
    expect(unschedulable("kwok-node-1")).toBe("");
    u.press("j");
    u.press("c");
    await u.waitFor("kwok-node-1 cordoned");
    await until("kwok-node-1 unschedulable", () => unschedulable("kwok-node-1") === "true");
    await u.waitFor(/kwok-node-1 +\S+ +Ready,SchedulingDisabled/);
    u.press("u");
    await u.waitFor("kwok-node-1 uncordoned");
    await until("kwok-node-1 schedulable again", () => unschedulable("kwok-node-1") !== "true");
    u.press("q");
    expect(await u.exited).toBe(0);
  });

  it(":pods shows the pods, / filters them, esc clears the filter", async () => {
    const u = ui();
    await u.waitFor("kwok-node-0");
    u.press(":pods", KEYS.enter);
    const all = await u.waitFor(/Pods · ns: all · 5\/5/);
    expect(all).toMatch(/shop +web-\S+ +1\/1 +Running/);
    u.press("/web", KEYS.enter);
    const filtered = await u.waitFor("· /web · 3/5");
    expect(filtered).not.toMatch(/cache-/);
    u.press(KEYS.escape);
    await u.waitFor(/Pods · ns: all · 5\/5/);
    u.press(":pods shop", KEYS.enter);
    await u.waitFor(/ns: shop · 3\/5/);
  });

  it("--readonly refuses c and says so; the node stays schedulable", async () => {
    const u = ui("--readonly");
    await u.waitFor("[read-only]");
    u.press("c");
    await u.waitFor("c cordon: disabled (--readonly)");
    await new Promise((r) => setTimeout(r, 500));
    expect(unschedulable("kwok-node-0")).toBe("");
  });

  it("shows the detail with the object's YAML and, at its end, its events", async () => {
    const u = ui();
    await u.waitFor("kwok-node-0");
    u.press(KEYS.enter);
    await u.waitFor(/Detail: Node kwok-node-0\napiVersion: v1\nkind: Node\nmetadata:/);
    u.press("G");
    await u.waitFor(/Events \(\d+\):/);
  });

  it("D drains the selected node once its name is typed: cordoned, its pods evicted", async () => {
    const onNode = () =>
      kubectl(c, [
        "get",
        "pods",
        "-A",
        "--field-selector",
        "spec.nodeName=kwok-node-2",
        "-o",
        "name",
      ]).stdout.trim();
    await until("a pod on kwok-node-2", () => onNode() !== "");
    const u = ui();
    await u.waitFor("kwok-node-2");
    u.press("G", "D");
    await u.waitFor("drain kwok-node-2: type its name to confirm");
    u.press("kwok-node-1", KEYS.enter);
    await u.waitFor('drain: "kwok-node-1" is not "kwok-node-2"; nothing drained');
    expect(unschedulable("kwok-node-2")).toBe("");
    u.press("D", "kwok-node-2", KEYS.enter);
    await u.waitFor(/drained kwok-node-2 in [\d.]+ s: [1-9]\d* pod\(s\) evicted/, 60_000);
    expect(unschedulable("kwok-node-2")).toBe("true");
    expect(onNode()).toBe("");
    u.press("u");
    await until("kwok-node-2 schedulable again", () => unschedulable("kwok-node-2") !== "true");
  });

  it("a key bound twice in --keys is an error at its line and column, before anything connects", async () => {
    const keys = join(repo, "keys.yaml");
    writeFileSync(keys, "keys:\n  cordon: x\n  uncordon: x\n");
    const u = ui("--keys", keys);
    expect(await u.exited).toBe(1);
    expect(u.screen()).toContain(
      `keys.yaml:3:13: error: key "x" is bound to both cordon (line 2) and uncordon`,
    );
  });

  it("follows a resize: never more lines than the terminal's rows minus one", async () => {
    const u = ui();
    await u.waitFor("kwok-node-2");
    u.press(":events", KEYS.enter);
    await u.waitFor(/Events · ns: all/);
    u.resize(100, 8);
    const small = await u.waitFor(/^\S+ · Events/);
    await new Promise((r) => setTimeout(r, 300));
    expect(u.screen().split("\n").length).toBeLessThanOrEqual(7);
    expect(small.split("\n").every((l) => l.length <= 100)).toBe(true);
  });

  it("colours health cells, and none at all under NO_COLOR", async () => {
    // eslint-disable-next-line no-control-regex -- the escape sequence of a foreground colour
    const colour = /\x1b\[3[1-7]m/;
    const coloured = ui();
    await coloured.waitFor("kwok-node-2");
    expect(coloured.raw()).toMatch(colour);
    const plain = uiWith({ NO_COLOR: "1" });
    await plain.waitFor("kwok-node-2");
    expect(plain.raw()).not.toMatch(colour);
  });

  it("a lost connection keeps the last data on screen, dimmed, says it reconnects, then catches up", async () => {
    // A TCP relay between the UI and the API server (a test tool, not a double): cut, then let through again.
    const upstream = new URL(c.server);
    const sockets = new Set<Socket>();
    let accepting = true;
    const relay: Server = createServer((down) => {
      if (!accepting) return down.destroy();
      const up = connect(Number(upstream.port), upstream.hostname);
      sockets.add(down).add(up);
      down.pipe(up).pipe(down);
      const drop = () => (down.destroy(), up.destroy());
      down.on("error", drop).on("close", drop);
      up.on("error", drop).on("close", drop);
    });
    const port = await new Promise<number>((done) =>
      relay.listen(0, "127.0.0.1", () => done((relay.address() as { port: number }).port)),
    );
    const via = join(repo, "via-relay.kubeconfig");
    writeFileSync(
      via,
      readFileSync(c.kubeconfig, "utf8").replace(
        /server: "https:\/\/[^:]+:\d+"/,
        `server: "https://127.0.0.1:${port}"`,
      ),
    );
    try {
      const u = spawnUi(["ui", "-s", "pi-prod", "--kubeconfig", via, "--context", "slipway-test"], {
        cwd: repo,
        env: { XDG_CONFIG_HOME: join(repo, ".no-config") },
        cols: 150,
        rows: 24,
      });
      open.push(u);
      await u.waitFor(/kwok-node-2 .*Ready[\s\S]*/);
      await u.waitFor("● live");
      accepting = false;
      const before = u.raw().length;
      for (const s of sockets) s.destroy();
      const lost = await u.waitFor(/reconnecting \(attempt \d+/, 20_000);
      expect(lost).toContain("kwok-node-0");
      // eslint-disable-next-line no-control-regex -- dim (SGR 2) around the rows drawn since the cut
      expect(u.raw().slice(before)).toMatch(/\x1b\[2m[^\x1b]*kwok-node-0/);
      expect(kubectl(c, ["cordon", "kwok-node-0"]).code).toBe(0);
      accepting = true;
      await u.waitFor("● live", 30_000);
      await u.waitFor(/kwok-node-0 +\S+ +Ready,SchedulingDisabled/, 20_000);
    } finally {
      kubectl(c, ["uncordon", "kwok-node-0"]);
      relay.close();
      for (const s of sockets) s.destroy();
    }
  });

  it("without a terminal it says it needs one (exit 2)", () => {
    const r = spawnSync(process.execPath, [bin, "ui", "-s", "pi-prod", "--kubeconfig", c.kubeconfig], {
      cwd: repo,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("slipway ui needs a terminal");
  });
});
