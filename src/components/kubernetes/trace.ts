// Which rendered values come from which vars, found by asking the renderer itself: each var leaf is changed
// to a probe value and the component rendered again; a rendered value that becomes the probe is a copy of
// that var, one that changes otherwise is derived from it. A renderer is pure and fast, so this is exact
// for what it does with its inputs, without each renderer bookkeeping where its values go.
import type { DocPath } from "../../yaml/parse.js";
import type { RenderedFile } from "./types.js";

/** A var leaf (scalar in a map or list) of a component's parsed vars. */
export interface VarLeaf {
  path: DocPath;
  value: string | number | boolean;
}

/** For one rendered file (by its index in the renderer's output): document path → the vars it came from. */
export type FileTrace = Map<
  string,
  { at: (string | number)[]; from: { var: DocPath; how: "copy" | "derived" }[] }
>;

type Leaf = string | number | boolean | null;

/** Every scalar leaf of a value, by path. */
export function varLeaves(v: unknown, path: (string | number)[] = [], out: VarLeaf[] = []): VarLeaf[] {
  if (Array.isArray(v)) v.forEach((x, i) => varLeaves(x, [...path, i], out));
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) varLeaves(x, [...path, k], out);
  else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    out.push({ path, value: v });
  return out;
}

const isScalar = (v: unknown): v is Leaf =>
  v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/**
 * Walks two renders of one file side by side and reports each scalar that differs at the same path. A list
 * whose length changed is not looked into: its items moved, they did not change.
 */
function diffTrees(
  before: unknown,
  after: unknown,
  path: (string | number)[],
  changed: (path: (string | number)[], before: Leaf, after: Leaf) => void,
): void {
  if (Array.isArray(before)) {
    if (!Array.isArray(after) || after.length !== before.length) return;
    for (let i = 0; i < before.length; i++) {
      path.push(i);
      diffTrees(before[i], after[i], path, changed);
      path.pop();
    }
  } else if (before && typeof before === "object") {
    if (!after || typeof after !== "object" || Array.isArray(after)) return;
    for (const k of Object.keys(before)) {
      const b = (before as Record<string, unknown>)[k];
      if (b === undefined) continue;
      path.push(k);
      diffTrees(b, (after as Record<string, unknown>)[k], path, changed);
      path.pop();
    }
  } else if (isScalar(before) && isScalar(after) && after !== before) changed([...path], before, after);
}

/** The value a leaf is changed to: same type, different, and unlike anything a renderer writes itself. */
function probe(v: string | number | boolean): string | number | boolean {
  if (typeof v === "boolean") return !v;
  if (typeof v === "number") return Number.isInteger(v) ? v + 1 : v + 0.5;
  return `${v}-zq7probe`;
}

/** A copy of `root` with the leaf at `path` replaced: only the spine is copied, the rest is shared. */
function withLeaf(root: unknown, path: DocPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [seg, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[seg as number] = withLeaf(root[seg as number], rest, value);
    return copy;
  }
  const obj = root as Record<string, unknown>;
  return { ...obj, [seg!]: withLeaf(obj[seg as string], rest, value) };
}

/**
 * Traces a renderer's output back to its vars. `render` renders the component from given vars; `base` is
 * its output from `vars`. Probes the renderer throws on are counted in `untraced`, never guessed over.
 */
export function traceRender(
  render: (vars: unknown) => RenderedFile[],
  vars: unknown,
  base: RenderedFile[],
): { files: FileTrace[]; untraced: DocPath[] } {
  const files: FileTrace[] = base.map(() => new Map());
  const untraced: DocPath[] = [];
  for (const leaf of varLeaves(vars)) {
    const p = probe(leaf.value);
    let after: RenderedFile[];
    try {
      after = render(withLeaf(vars, leaf.path, p));
    } catch {
      untraced.push(leaf.path);
      continue;
    }
    // A name may be part of a file's path: a file is the same file when its path is the same, or the same
    // with the probe in place of the value. Any other file is another file (the probe took another branch).
    const byPath = new Map(after.map((f) => [f.path, f]));
    const moved = (path: string) => path.split(String(leaf.value)).join(String(p));
    base.forEach((b, i) => {
      const at = after[i];
      const other = byPath.get(b.path) ?? (at && at.path === moved(b.path) ? at : undefined);
      if (!other) return;
      other.objects.forEach((o, j) =>
        diffTrees(b.objects[j], o, [j], (at, before, now) => {
          const how = before === leaf.value && now === p ? "copy" : "derived";
          const key = JSON.stringify(at);
          const entry = files[i]!.get(key) ?? { at, from: [] };
          entry.from.push({ var: leaf.path, how });
          files[i]!.set(key, entry);
        }),
      );
    });
  }
  // Copies first: "this value is that stack value" is the answer to show before "built from".
  for (const f of files)
    for (const e of f.values()) e.from.sort((a, b) => (a.how === b.how ? 0 : a.how === "copy" ? -1 : 1));
  return { files, untraced };
}
