import { describe, expect, it } from "vitest";
import type { KubeObject } from "../src/kube/types.js";
import { detailLines, eventsOf } from "../src/tui/detail.js";
import { onCluster, onKey, runCommand } from "../src/tui/reducer.js";
import { screenLines, screenText } from "../src/tui/screen.js";
import { initialState, type UiState } from "../src/tui/state.js";
import { VIEWS } from "../src/tui/views.js";
import { stackItems } from "../src/tui/views-stack.js";
import { tailscaleIp } from "../src/tui/views-cluster.js";
import { RECORDED, recordedData } from "./tui/recorded.js";

const NOW = Date.parse("2026-12-02T00:00:00Z");
const text = (s: UiState) => screenText(screenLines(s, { now: NOW, plain: true }));
const start = (view: Parameters<typeof initialState>[0] = {}) =>
  onCluster(initialState({ height: 14, width: 160, ...view }), recordedData());

describe("the views, on objects recorded from the test control plane", () => {
  it("Nodes: role, status, version, requests of the pods on it against allocatable", () => {
    const s = start();
    const def = VIEWS.nodes;
    const cells = def.cells(s.rows[0]!, s.ctx, NOW).map((c) => c.text);
    const byTitle = Object.fromEntries(def.columns.map((t, i) => [t, cells[i]]));
    expect(byTitle).toMatchObject({
      NAME: "kwok-node-0",
      ROLE: "control-plane",
      STATUS: "Ready",
      VERSION: "kwok-0.8.0",
    });
    // one web pod (250m, 128Mi) is bound to kwok-node-0
    expect(byTitle["CPU req/alloc"]).toMatch(/^250m\//);
    expect(byTitle["MEM req/alloc"]).toMatch(/^128Mi\//);
    expect(byTitle.LABELS).toContain("zone=attic");
  });

  it("a cordoned node is SchedulingDisabled, a warning", () => {
    const n = { ...RECORDED.nodes![1]!, spec: { unschedulable: true } };
    const s = onCluster(start(), recordedData({ nodes: [n] }));
    const status = VIEWS.nodes.cells(s.rows[0]!, s.ctx, NOW)[2]!;
    expect(status).toEqual({ text: "Ready,SchedulingDisabled", health: "warn" });
  });

  it("the Tailscale address is the node's address in 100.64.0.0/10", () => {
    const n = RECORDED.nodes![0]!;
    expect(tailscaleIp(n)).toBe("-");
    const ts = {
      ...n,
      metadata: { ...n.metadata, annotations: { "k3s.io/internal-ip": "192.168.1.5,100.101.7.3" } },
    };
    expect(tailscaleIp(ts)).toBe("100.101.7.3");
  });

  it("Pods: the unschedulable pod is Pending, a warning, counted in the header", () => {
    const s = runCommand(start(), "pods");
    expect(s.unhealthy).toEqual({ bad: 0, warn: 1 });
    expect(text(s).split("\n")[0]).toBe("recorded · Pods · ns: all · 5/5 · 1 to look at · ● live");
    const stuck = s.rows.find((r) => r.name === "stuck")!;
    expect(VIEWS.pods.cells(stuck, s.ctx, NOW)[3]).toEqual({ text: "Pending", health: "warn" });
  });

  it("Workloads: ready/desired, and restarts summed over the Deployment's pods", () => {
    const s = runCommand(start(), "workloads");
    const web = s.rows.find((r) => r.name === "web")!;
    const cells = VIEWS.workloads.cells(web, s.ctx, NOW).map((c) => c.text);
    expect(cells.slice(0, 5)).toEqual(["shop", "web", "Deployment", "3/3", "Ready"]);
  });

  it("Services: endpoints from the EndpointSlices; a selector that selects nothing is a warning", () => {
    const s = runCommand(start(), "svc");
    const cell = (name: string) =>
      VIEWS.services.cells(
        s.rows.find((r) => r.name === name)!,
        s.ctx,
        NOW,
      )[5];
    expect(cell("web")).toEqual({ text: "3", health: undefined });
    expect(cell("orphan")).toEqual({ text: "0", health: "warn" });
  });

  it("Events: warnings first", () => {
    const s = runCommand(start(), "events");
    expect(s.rows[0]!.obj!.type).toBe("Warning");
    expect(s.rows[0]!.obj!.reason).toBe("FailedScheduling");
    expect(s.rows.slice(1).every((r) => r.obj!.type !== "Warning")).toBe(true);
  });

  it("GitOps: Flux not installed is said, not an error", () => {
    const data = recordedData();
    const absent = {
      ...data,
      types: { ...data.types, kustomizations: { synced: false, absent: true, objects: [] } },
    };
    const s = onCluster(runCommand(start(), "gitops"), absent);
    expect(text(s)).toContain("loading… (helmreleases");
    const all = Object.fromEntries(
      VIEWS.gitops.types.map((t) => [t.resource, { synced: false, absent: true, objects: [] }]),
    );
    expect(text(onCluster(s, { ...data, types: { ...data.types, ...all } }))).toContain(
      "not installed in this cluster: Kustomization, HelmRelease, GitRepository, OCIRepository, HelmRepository, Application",
    );
  });

  it("GitOps: a Kustomization that is not Ready shows its message and revision", () => {
    const ks: KubeObject = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "apps", namespace: "flux-system" },
      status: {
        lastAttemptedRevision: "main@sha1:0123456789abcdef0123",
        conditions: [
          { type: "Ready", status: "False", reason: "BuildFailed", message: "kustomize build failed" },
        ],
      },
    };
    const s = onCluster(runCommand(start(), "gitops"), recordedData({ kustomizations: [ks] }));
    expect(
      VIEWS.gitops
        .cells(s.rows[0]!, s.ctx, NOW)
        .map((c) => c.text)
        .slice(1, 6),
    ).toEqual(["Kustomization", "apps", "BuildFailed", "main@0123456789ab", "kustomize build failed"]);
  });

  it("Stack: declared nodes missing from the cluster, and nodes the stack does not declare", () => {
    const env = {
      stack: {
        stack: "pi-prod",
        nodes: [
          { name: "kwok-node-0", role: "server" },
          { name: "kwok-node-1" },
          { name: "pi-9", role: "agent" },
        ],
        addons: ["cilium"],
      },
    };
    const items = stackItems(recordedData(), env);
    const row = (id: string) => items.find((i) => i.id === id)!.cells!.map((c) => c.text);
    expect(row("node/pi-9")).toEqual(["node", "pi-9", "agent", "not in the cluster", "declared, missing"]);
    expect(row("node/kwok-node-2")).toEqual([
      "node",
      "kwok-node-2",
      "not declared",
      "Ready",
      "in the cluster, not in the stack",
    ]);
    expect(row("addon/cilium")).toEqual([
      "add-on",
      "cilium",
      "declared",
      "not found",
      "no Flux/Argo CD object by that name",
    ]);
  });
});

describe("the screen", () => {
  it("is at most the terminal's rows minus one, and cut at its width", () => {
    for (const [h, w] of [
      [5, 30],
      [14, 80],
      [40, 200],
    ] as const) {
      const lines = screenLines(
        runCommand(onCluster(initialState({ height: h, width: w }), recordedData()), "events"),
        { now: NOW },
      );
      expect(lines.length).toBeLessThanOrEqual(h - 1);
      for (const l of lines) expect(l.map((s) => s.text).join("").length).toBeLessThanOrEqual(w);
    }
  });

  it("says loading… until the view's types have their first list", () => {
    expect(text(initialState({ height: 10 }))).toContain("loading… (nodes, pods)");
  });

  it("dims the last data when the connection is lost, and says it reconnects", () => {
    const s = start();
    const lost = onCluster(s, {
      ...recordedData(),
      connection: { state: "reconnecting", attempt: 2, retryAt: NOW + 3000, message: "connect ECONNREFUSED" },
    });
    const lines = screenLines(lost, { now: NOW });
    expect(screenText(lines)).toContain("reconnecting (attempt 2, in 3s): connect ECONNREFUSED");
    expect(screenText(lines)).toContain("kwok-node-0");
    expect(lines[2]!.every((seg) => seg.dim)).toBe(true);
    expect(screenLines(s, { now: NOW })[2]!.some((seg) => seg.dim)).toBe(false);
  });

  it("NO_COLOR: no colour anywhere, the selection still shown (inverse)", () => {
    const lines = screenLines(start(), { now: NOW, plain: true });
    expect(lines.flat().filter((seg) => seg.color !== undefined)).toEqual([]);
    expect(lines[2]!.some((seg) => seg.inverse)).toBe(true);
    expect(
      screenLines(start(), { now: NOW })
        .flat()
        .some((seg) => seg.color === "green"),
    ).toBe(true);
  });

  it("the read-only mark and the help list every key", () => {
    const s = start({ readonly: true, height: 30 });
    expect(text(s)).toContain("[read-only]");
    const help = text(onKey(s, "?"));
    expect(help).toContain("c                cordon the selected node (disabled: --readonly)");
    expect(help).toContain(
      "D                drain the selected node (type its name to confirm) (disabled: --readonly)",
    );
  });
});

describe("the help", () => {
  it("lists every action even on a short terminal (in columns)", () => {
    const help = text(onKey(start({ height: 14, width: 160 }), "?"));
    for (const a of ["move up", "cordon the selected node", "pick namespaces", "this help", "quit"])
      expect(help).toContain(a);
    expect(help.split("\n").length).toBeLessThanOrEqual(13);
  });
});

describe("the detail screen", () => {
  it("the YAML without managedFields, then the object's events", () => {
    const pod = RECORDED.pods!.find((p) => p.metadata.name === "stuck")!;
    // as the adapter gives it: apiVersion and kind filled in last
    const { apiVersion, kind, ...rest } = pod;
    const withFields = {
      ...rest,
      metadata: { ...pod.metadata, managedFields: [{ manager: "kubectl" }] },
      apiVersion,
      kind,
    };
    const lines = detailLines(recordedData(), withFields, false, NOW);
    expect(lines.join("\n")).not.toContain("managedFields");
    expect(lines.slice(0, 3)).toEqual(["apiVersion: v1", "kind: Pod", "metadata:"]);
    const ev = lines.indexOf("Events (1):");
    expect(ev).toBeGreaterThan(0);
    expect(lines[ev + 1]).toMatch(/^ {2}Warning +FailedScheduling .*0\/3 nodes are available/);
    expect(detailLines(recordedData(), pod, true, NOW).join("\n")).not.toContain("Events (");
  });

  it("events are matched by uid", () => {
    const node = RECORDED.nodes![0]!;
    expect(eventsOf(recordedData(), node).map((e) => e.reason)).toContain("RegisteredNode");
  });
});
