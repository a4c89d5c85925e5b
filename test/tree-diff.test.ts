// The object-level comparison behind `slipway diff`: identities, changed leaves, and Secret masking.
import { describe, expect, it } from "vitest";
import { changedPaths, diffObjects, redactSecrets, treeHash } from "../src/kube/tree-diff.js";

const cm = (name: string, data: Record<string, string>, ns = "apps") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n${Object.entries(
    data,
  )
    .map(([k, v]) => `  ${k}: ${v}\n`)
    .join("")}`;
const secret = (v: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: apps\nstringData:\n  token: ${v}\n  same: kept\n`;

describe("diffObjects", () => {
  it("matches objects by identity across files, and names the changed leaves", () => {
    const before = new Map([["a.yaml", cm("one", { x: "1", y: "2" }) + "---\n" + cm("gone", { z: "1" })]]);
    const after = new Map([
      ["moved.yaml", cm("one", { x: "1", y: "3" })],
      ["b.yaml", cm("new", { z: "1" })],
    ]);
    expect(
      diffObjects(before, after).map(
        (c) => `${c.change} ${c.name} ${c.file}#${c.index} ${c.paths.join(",")}`,
      ),
    ).toEqual(["removed gone a.yaml#1 ", "added new b.yaml#0 ", "changed one moved.yaml#0 data.y"]);
    expect(diffObjects(before, before)).toEqual([]);
  });

  it("changedPaths walks maps and lists, and reports a type change at its own path", () => {
    expect(changedPaths({ a: [1, 2], b: { c: 1 } }, { a: [1, 3], b: "x" })).toEqual(["a.1", "b"]);
  });
});

describe("redactSecrets", () => {
  it("masks every value, different on each side only where the value changed, and names the keys", () => {
    const r = redactSecrets(
      new Map([["s.yaml", secret("old-token")]]),
      new Map([["s.yaml", secret("new-token")]]),
    );
    expect(r.secrets).toEqual([
      {
        namespace: "apps",
        name: "s",
        file: "s.yaml",
        keys: [{ key: "stringData.token", change: "changed" }],
      },
    ]);
    const b = r.before.get("s.yaml")!;
    const a = r.after.get("s.yaml")!;
    for (const t of [a, b]) {
      expect(t).not.toMatch(/old-token|new-token|kept/);
      expect(t).toContain("same: <secret value, unchanged>");
    }
    expect(b).toContain("token: <secret value (old)>");
    expect(a).toContain("token: <secret value (new)>");
  });

  it("a tree hash changes with any byte and not with the order paths were added", () => {
    const t1 = new Map([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect(treeHash(t1)).toBe(
      treeHash(
        new Map([
          ["b", "2"],
          ["a", "1"],
        ]),
      ),
    );
    expect(treeHash(t1)).not.toBe(
      treeHash(
        new Map([
          ["a", "1"],
          ["b", "3"],
        ]),
      ),
    );
  });
});
