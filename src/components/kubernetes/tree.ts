import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic, makeDirs } from "../../core/fs-atomic.js";
import { assertInside } from "../../core/paths.js";

/**
 * Which files `render` wrote, per stack, kept in the tree it writes (so a fresh clone knows too). Plain text
 * with no extension: Flux and Argo CD read `.yaml`/`.yml`/`.json` files only. One `stack<TAB>path` a line.
 */
export const INDEX_FILE = ".slipway-rendered";

const INDEX_HEADER =
  "# Files `slipway render` wrote, per stack (stack<TAB>path). render removes those no stack renders any\n" +
  "# more and leaves every other file alone. Written by slipway: do not edit.\n";

/** What rendering one stack into a tree changes. */
export interface TreeChanges {
  /** Files to write: new or different from what is there. */
  write: { path: string; text: string; exists: boolean }[];
  unchanged: number;
  /** Files this stack rendered before, renders no more, and no other stack renders: to remove. */
  orphans: string[];
}

type Index = Map<string, Set<string>>;

function readIndex(out: string): Index {
  const index: Index = new Map();
  const file = join(out, INDEX_FILE);
  if (!existsSync(file)) return index;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const [stack, path] = [line.slice(0, tab), line.slice(tab + 1)];
    if (!index.has(stack)) index.set(stack, new Set());
    index.get(stack)!.add(path);
  }
  return index;
}

function indexText(index: Index): string {
  const lines = [...index]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([stack, paths]) => [...paths].sort().map((p) => `${stack}\t${p}`));
  return INDEX_HEADER + lines.join("\n") + (lines.length ? "\n" : "");
}

/**
 * Compares a stack's rendered files with the tree under `out`. Every path must stay under `out` (a stack
 * or app name cannot make render write elsewhere); this is checked before anything is written.
 */
export function treeChanges(out: string, stack: string, files: ReadonlyMap<string, string>): TreeChanges {
  for (const p of files.keys())
    assertInside(out, join(out, p), `rendered file ${JSON.stringify(p)} of stack "${stack}"`);
  const write: TreeChanges["write"] = [];
  let unchanged = 0;
  for (const [path, text] of files) {
    const target = join(out, path);
    const exists = existsSync(target);
    if (exists && readFileSync(target, "utf8") === text) unchanged++;
    else write.push({ path, text, exists });
  }
  const index = readIndex(out);
  const others = new Set([...index].filter(([s]) => s !== stack).flatMap(([, paths]) => [...paths]));
  const orphans = [...(index.get(stack) ?? [])]
    .filter((p) => !files.has(p) && !others.has(p) && existsSync(join(out, p)))
    // An index edited by hand must not reach outside the tree either.
    .filter((p) => (assertInside(out, join(out, p), `${INDEX_FILE} entry ${JSON.stringify(p)}`), true))
    .sort();
  return { write, unchanged, orphans };
}

/** Writes a stack's changes (each file atomically), removes its orphans and the folders they leave empty, and records what it owns. */
export function applyTree(
  out: string,
  stack: string,
  files: ReadonlyMap<string, string>,
  changes: TreeChanges,
): void {
  for (const f of changes.write) {
    const target = join(out, f.path);
    makeDirs(dirname(target));
    writeFileAtomic(target, f.text);
  }
  for (const p of changes.orphans) {
    rmSync(join(out, p), { force: true });
    for (let dir = dirname(join(out, p)); dir !== out && dir.startsWith(out); dir = dirname(dir)) {
      if (readdirSync(dir).length > 0) break;
      rmdirSync(dir);
    }
  }
  const index = readIndex(out);
  index.set(stack, new Set(files.keys()));
  const text = indexText(index);
  const file = join(out, INDEX_FILE);
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileAtomic(file, text);
}
