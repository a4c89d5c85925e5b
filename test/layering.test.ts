import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import layers, { RANKS } from "../scripts/eslint/layers.js";
import { repoRoot } from "./helpers.js";

const src = join(repoRoot, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every src module → the src modules it imports (type-only imports included: they are coupling too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    graph.set(
      file,
      info.importedFiles
        .map((i) => i.fileName)
        .filter((s) => s.startsWith("."))
        .map((s) => resolve(dirname(file), s).replace(/\.js$/, ".ts")),
    );
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan): each one is an import cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(relative(src, w));
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe("the layout of src/ (docs/architecture.md)", () => {
  it("has no import cycle", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles(graph)).toEqual([]);
  });

  it("docs/architecture.md lists every folder of src/ with the layer the lint gives it", () => {
    const doc = readFileSync(join(repoRoot, "docs", "architecture.md"), "utf8");
    const rows = [...doc.matchAll(/^\| (\d+) +\| `([a-z]+)\/` +\|/gm)].map((m) => [m[2]!, Number(m[1])]);
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(rows.map(([f]) => f).sort()).toEqual(folders);
    for (const [folder, rank] of rows) expect([folder, RANKS[folder as string]]).toEqual([folder, rank]);
  });

  it("the cycle finder finds a planted cycle", () => {
    const g = new Map([
      [join(src, "a.ts"), [join(src, "b.ts")]],
      [join(src, "b.ts"), [join(src, "a.ts")]],
      [join(src, "c.ts"), [join(src, "a.ts")]],
    ]);
    expect(cycles(g)).toEqual([["a.ts", "b.ts"]]);
  });

  it("keeps every module to 400 lines, or says at its top why not", () => {
    const long = sourceFiles(src)
      .map((f) => ({ f: relative(src, f), text: readFileSync(f, "utf8") }))
      .filter(({ text }) => text.split("\n").length > 400)
      .filter(
        ({ text }) => !/^\/\/ (Over|More than) 400 lines: \S/m.test(text.split("\n").slice(0, 5).join("\n")),
      );
    expect(long.map((l) => l.f)).toEqual([]);
  });

  describe("the layering lint (scripts/eslint/layers.js)", () => {
    const linter = new Linter({ configType: "flat" });
    const lint = (file: string, code: string) =>
      linter
        .verify(
          code,
          [
            {
              files: ["**/*.ts"],
              languageOptions: { parser: tseslint.parser as Linter.Parser },
              plugins: { slipway: layers },
              rules: { "slipway/layers": "error" },
            },
          ],
          join(src, file),
        )
        .map((m) => m.message);

    it("refuses an import that points up or sideways", () => {
      expect(lint("config/x.ts", 'import { StackEngine } from "../stack/engine.js";\n')).toEqual([
        "src/config/ (layer 3) may not import src/stack/ (layer 4): imports point down only (docs/architecture.md)",
      ]);
      expect(lint("secrets/x.ts", 'import type { Finding } from "../manifests/types.js";\n')).toHaveLength(1);
    });

    it("accepts imports that point down or stay in the folder", () => {
      expect(
        lint("stack/x.ts", 'import { SlipwayError } from "../core/errors.js";\nimport "./engine.js";\n'),
      ).toEqual([]);
    });

    it("refuses direct file reads in the engine, outside the loader's Inputs", () => {
      expect(lint("stack/x.ts", 'import { readFileSync } from "node:fs";\n')).toHaveLength(1);
      expect(lint("core/inputs.ts", 'import { readFileSync } from "node:fs";\n')).toEqual([]);
    });

    it("refuses a folder that has no layer", () => {
      expect(lint("newthing/x.ts", 'import "../core/errors.js";\n')[0]).toMatch(/has no layer/);
    });
  });
});
