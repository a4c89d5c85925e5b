// List edits that keep every other byte of the file (src/nodes/yaml-splice.ts): the fast places from
// js-yaml's node events, and the shapes where the result check sends the edit to `yaml`'s exact ranges.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { setInText } from "../src/nodes/yaml-set.js";
import { appendToList, findByName, listAt, removeFromList } from "../src/nodes/yaml-splice.js";
import { listItemSpans } from "../src/yaml/parse.js";

const file = "/repo/stacks/deploy/home.yaml";
const path = ["components", "ansible", "k3s", "vars", "nodes"];
const opts = { file, env: {}, basePath: "/repo" };
const wrap = (items: string) =>
  `# the home cluster\ncomponents:\n  ansible:\n    k3s:\n      vars:\n        nodes:\n${items}        other: 1 # kept\n`;

const mixed = wrap(
  [
    "          # the first server",
    "          - {name: a, address: 10.0.0.1}   # trailing comment",
    "          - name: b",
    "            labels:",
    '              zone: "x"  # inner comment',
    "",
    "            role: agent",
    "          # about c",
    "          - name: c",
    "            address: 10.0.0.3",
    "",
  ].join("\n"),
);

describe("list places from js-yaml's node events", () => {
  it("finds each entry's start and the end of its last value, flow and block alike", () => {
    const found = listItemSpans(mixed, path, opts)!;
    expect(found.value.map((n) => (n as { name: string }).name)).toEqual(["a", "b", "c"]);
    const [a, b, c] = found.items!;
    expect(mixed.slice(a!.start, a!.contentEnd)).toBe("{name: a, address: 10.0.0.1}");
    expect(a!.flow).toBe(true);
    expect(mixed.slice(b!.start, b!.contentEnd)).toMatch(/^name: b\n[\s\S]*role: agent$/);
    expect(b!.flow).toBe(false);
    expect(mixed.slice(c!.start, c!.contentEnd)).toBe("name: c\n            address: 10.0.0.3");
  });

  it("gives no places for a flow list or entries that are not maps, and nothing for a missing path", () => {
    expect(listItemSpans(wrap("          [ {name: a} ]\n"), path, opts)).toEqual({ value: [{ name: "a" }] });
    expect(listItemSpans(wrap("          - a\n          - b\n"), path, opts)).toEqual({ value: ["a", "b"] });
    expect(listItemSpans(mixed, ["components", "nope"], opts)).toBeUndefined();
  });
});

describe("list edits", () => {
  it("removes each entry with its own comment lines and nothing else", () => {
    expect(removeFromList(mixed, file, path, "a").text).toBe(
      mixed.replace(/ {10}# the first server\n.*\n/, ""),
    );
    expect(removeFromList(mixed, file, path, "c").text).toBe(
      mixed.replace("          # about c\n          - name: c\n            address: 10.0.0.3\n", ""),
    );
    const noB = removeFromList(mixed, file, path, "b").text;
    expect(listAt(noB, file, path).map((n) => (n as { name: string }).name)).toEqual(["a", "c"]);
    expect(noB).toContain("# about c\n          - name: c");
    expect(noB).toContain("# trailing comment\n          # about c");
  });

  it("appends after the last entry in its style and add + remove gives back the same bytes", () => {
    const added = appendToList(mixed, file, path, { name: "d", address: "10.0.0.4", role: "agent" }).text;
    expect(added).toBe(
      mixed.replace(
        "address: 10.0.0.3\n",
        "address: 10.0.0.3\n          - name: d\n            address: 10.0.0.4\n            role: agent\n",
      ),
    );
    expect(removeFromList(added, file, path, "d").text).toBe(mixed);
    // The edit hands back the list its text holds, so callers validate it without parsing again.
    const edit = appendToList(mixed, file, path, { name: "d" });
    expect(edit.list).toEqual(listAt(edit.text, file, path));
    expect(removeFromList(mixed, file, path, "b").list).toEqual(
      listAt(mixed, file, path).filter((n) => (n as { name: string }).name !== "b"),
    );
    expect(findByName(added, file, path, "d")).toEqual({ index: 3, line: 17 });
  });

  it("an entry ending in a block scalar: the blank lines and comments after it stay", () => {
    const text = wrap(
      [
        "          - name: a",
        "            notes: |",
        "              racked in the hall",
        "              # part of the notes, not a comment",
        "",
        "          # about b",
        "          - name: b",
        "",
      ].join("\n"),
    );
    const out = removeFromList(text, file, path, "a").text;
    expect(out).toBe(
      text.replace(
        "          - name: a\n            notes: |\n              racked in the hall\n              # part of the notes, not a comment\n",
        "",
      ),
    );
    const added = appendToList(text, file, path, { name: "c" }).text;
    expect(listAt(added, file, path)).toEqual([
      { name: "a", notes: "racked in the hall\n# part of the notes, not a comment\n" },
      { name: "b" },
      { name: "c" },
    ]);
  });

  it("an alias as the last entry: the fast places point at its anchor, so the exact ranges take over", () => {
    const text = wrap(
      [
        "          - &base {name: a, role: agent}",
        "          - {name: b, role: agent}",
        "          - *base",
        "",
      ].join("\n"),
    );
    expect(appendToList(text, file, path, { name: "c" }).text).toBe(
      text.replace("          - *base\n", "          - *base\n          - name: c\n"),
    );
  });

  it("flow and empty lists go through the YAML library", () => {
    const flow = wrap("          [{name: a}]\n");
    expect(listAt(appendToList(flow, file, path, { name: "b" }).text, file, path)).toEqual([
      { name: "a" },
      { name: "b" },
    ]);
    expect(listAt(removeFromList(flow, file, path, "a").text, file, path)).toEqual([]);
  });
});

describe("setInText: one value set as a splice (src/nodes/yaml-set.ts)", () => {
  const keyArb = fc.constantFrom("a", "b", "cluster", "version", "zone", "labels");
  const scalarArb = fc.oneof(
    fc.constantFrom("v1.31.4+k3s1", "attic", "x y", "yes", "", "{{ .vars.v }}", "a: b", "#x"),
    fc.integer({ min: -5, max: 500 }),
    fc.boolean(),
  );
  /** A nested block map with comments, written by hand-ish rules so the text is not what `yaml` would write. */
  const docArb = fc.dictionary(
    keyArb,
    fc.oneof(scalarArb, fc.dictionary(keyArb, scalarArb, { minKeys: 1, maxKeys: 3 })),
    { minKeys: 1, maxKeys: 4 },
  );
  const write = (v: Record<string, unknown>, indent = ""): string =>
    Object.entries(v)
      .map(([k, x]) =>
        x !== null && typeof x === "object"
          ? `${indent}${k}:   # ${k} section\n${write(x as Record<string, unknown>, indent + "    ")}`
          : `${indent}${k}: ${JSON.stringify(x)}    # keep me\n`,
      )
      .join("");

  it("sets exactly the value: the file parses to the old document with it set, and no other line changes", () => {
    fc.assert(
      fc.property(docArb, fc.array(keyArb, { minLength: 1, maxLength: 3 }), scalarArb, (doc, path, value) => {
        const text = `# top comment\n${write(doc)}`;
        let out: string;
        try {
          out = setInText(text, file, path, value);
        } catch {
          // A path through a scalar cannot be set; that must be the only refusal.
          let cur: unknown = doc;
          for (const k of path.slice(0, -1)) {
            if (cur === null || typeof cur !== "object") return;
            cur = (cur as Record<string, unknown>)[k];
          }
          expect(cur !== undefined && (cur === null || typeof cur !== "object")).toBe(true);
          return;
        }
        const expected = structuredClone(doc) as Record<string, unknown>;
        let cur = expected;
        for (const k of path.slice(0, -1)) {
          if (!cur[k] || typeof cur[k] !== "object") cur[k] = {};
          cur = cur[k] as Record<string, unknown>;
        }
        cur[path.at(-1)!] = value;
        expect(parseDocument(out).toJS()).toEqual(expected);
        // Setting a scalar or a new key: every line of the old text is still there but at most one (the
        // changed line); lines are only added. (A whole map replaced by a scalar may reflow.)
        const old = path.reduce<unknown>(
          (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
          doc,
        );
        if (old !== null && typeof old === "object") return;
        const before = text.split("\n");
        const after = new Set(out.split("\n"));
        expect(before.filter((l) => !after.has(l)).length).toBeLessThanOrEqual(1);
        expect(out.startsWith("# top comment\n")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("setInText writes strings YAML 1.1 readers would take as booleans quoted", () => {
  it.each(["off", "on", "yes", "No", "null"])("%s", (word) => {
    const out = setInText("cluster:\n  mode: x\n", file, ["cluster", "mode"], word);
    expect(out).toBe(`cluster:\n  mode: "${word}"\n`);
    expect(parseDocument(out).toJS()).toEqual({ cluster: { mode: word } });
  });
});
