// The text form of the status report, on the recorded cluster (test double: test/kube/recorded.ts).
import { describe, expect, it } from "vitest";
import { statusText } from "../../src/cli/status-view.js";
import { buildStatus, watchStatus } from "../../src/kube/status.js";
import { memoryCluster } from "./recorded.js";

const view = memoryCluster();
const report = buildStatus(
  {
    stack: "lab",
    clusterVersion: "v1.31.4+k3s1",
    nodes: [{ name: "pi-gone", role: "agent", address: "192.168.10.40" }],
  },
  view,
  watchStatus(view),
  { events: 2 },
);
const ESC = "\u001b[";

describe("status text", () => {
  const plain = statusText(report, { colour: false });
  it("has no escape codes without colour, and some with it", () => {
    expect(plain).not.toContain(ESC);
    expect(statusText(report, { colour: true })).toContain(`${ESC}31mdegraded${ESC}0m`);
  });
  it("aligns the nodes table and says which nodes are missing or undeclared", () => {
    const rows = plain.split("\n").filter((l) => /^(NAME |kwok-node|nr-node|pi-)/.test(l));
    expect(rows.length).toBe(6);
    const at = (l: string) => l.search(/\s(yes|Undeclared)\s/);
    expect(new Set(rows.slice(1).map(at)).size).toBe(1);
    expect(plain).toMatch(/^pi-gone\s+yes\s+Missing\s+agent/m);
    expect(plain).toMatch(/^nr-node\s+Undeclared\s+NotReady/m);
    expect(plain).toMatch(/^kwok-node-1\s+Undeclared\s+Ready,Cordoned/m);
    expect(plain).toMatch(/^pi-gpu .*100\.101\.102\.31 .*3\.8 \(\d+%\)\s+.*7Gi \(\d+%\)\s+4$/m);
  });
  it("lists every problem and note once, the GitOps table and the newest events", () => {
    for (const f of report.findings) expect(plain).toContain(`${f.object}: ${f.message}`);
    expect(plain).toMatch(
      /^Kustomization\s+flux-system\/infra\s+degraded\s+BuildFailed\s+main@sha1:9a8b7c6d5e4f/m,
    );
    expect(plain).toContain("Last 2 warning events (of ");
  });
});
