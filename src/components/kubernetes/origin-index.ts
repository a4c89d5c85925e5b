import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { writeFileAtomic } from "../../core/fs-atomic.js";
import {
  ORIGINS_FILE,
  ORIGINS_VERSION,
  originsIndexText,
  readOriginsIndex,
  sha256,
  type FileOrigins,
  type OriginsIndex,
  type ValueSource,
} from "../../manifests/render-origins.js";
import type { StackEngine } from "../../stack/engine.js";
import type { Origin } from "../../stack/types.js";
import { pathKey, type DocPath, type Position } from "../../yaml/parse.js";
import type { traceRender } from "./trace.js";

/** A stack value's place as render finds it: the absolute stack file. */
export interface TracedSource {
  var: string;
  how: "copy" | "derived";
  default?: true;
  path?: string;
  line?: number;
  col?: number;
  chain?: string[];
  level?: string;
}

/** What render knows about one rendered file before it is written: who made it, and its traced values. */
export interface RenderedOrigins {
  component?: string;
  renderer: string;
  values: { at: (string | number)[]; from: TracedSource[] }[];
  /** Vars whose probe the renderer refused: values made from them show as computed. */
  untraced?: string[];
  /** The stack files (absolute) the component was resolved from. */
  stackFiles?: string[];
}

const get = (v: unknown, path: DocPath): unknown =>
  path.reduce<unknown>((cur, seg) => (cur && typeof cur === "object" ? (cur as never)[seg] : undefined), v);

/**
 * Turns var paths into stack places for one component: the origin the engine computed for the value, or
 * for an item inside a list, the item's place in the file that set the list. No origin: a schema default.
 */
export function varSources(
  engine: StackEngine,
  stack: string,
  component: string,
  resolvedVars: unknown,
): (var_: DocPath, how: "copy" | "derived") => TracedSource {
  const prov = engine.provenance(stack, component, "kubernetes");
  const known = new Map<string, TracedSource>();
  return (path, how) => {
    const key = `${how} ${pathKey(path)}`;
    if (!known.has(key)) known.set(key, find(path, how));
    return known.get(key)!;
  };
  function find(path: DocPath, how: "copy" | "derived"): TracedSource {
    const shown = pathKey(path);
    for (let q = path.length; q > 0; q--) {
      const at = path.slice(0, q);
      const o: Origin | undefined = prov[pathKey(["vars", ...at])];
      if (!o) continue;
      // Only a list is a leaf of provenance with values under it; under anything else, the value is a default.
      if (q < path.length && !Array.isArray(get(resolvedVars, at))) break;
      const src = engine.sourceOf(stack, component, "vars", at, "kubernetes");
      if (!src) break;
      let place: Partial<Position> = { line: o.line, col: o.col };
      const setList = get(src.file.data, src.docPath);
      // Items are placed only where that file holds the whole list (not one merged from several files).
      if (
        q < path.length &&
        Array.isArray(setList) &&
        setList.length === (get(resolvedVars, at) as unknown[]).length
      )
        place = engine.positionsIn(src.file).get(pathKey([...src.docPath, ...path.slice(q)])) ?? place;
      return { var: shown, how, path: src.file.path, ...place, chain: o.chain, level: o.level };
    }
    return { var: shown, how, default: true };
  }
}

/** The origins of one renderer's files, from its trace. */
export function renderedOrigins(
  traced: ReturnType<typeof traceRender>,
  file: number,
  component: string,
  renderer: string,
  source: (v: DocPath, how: "copy" | "derived") => TracedSource,
): RenderedOrigins {
  const values = [...traced.files[file]!.values()]
    .sort((a, b) => (JSON.stringify(a.at) < JSON.stringify(b.at) ? -1 : 1))
    .map((e) => ({ at: e.at, from: e.from.map((f) => source(f.var, f.how)) }));
  const untraced = traced.untraced.map((p) => pathKey(p));
  return { component, renderer, values, ...(untraced.length ? { untraced } : {}) };
}

/**
 * Records, beside the ownership index, where each value of the stack's rendered files came from: stack
 * file (relative to the tree), line, column, import chain and level; and a hash of each stack file read,
 * so an answer about a stack edited since is refused. Written atomically, and only when it changes.
 */
export function writeOriginsIndex(
  out: string,
  stack: string,
  files: ReadonlyMap<string, string>,
  origins: ReadonlyMap<string, RenderedOrigins>,
): void {
  let index: OriginsIndex | undefined;
  try {
    index = readOriginsIndex(out);
  } catch {
    index = undefined; // another version: this render writes the one it reads
  }
  index ??= { format: "slipway-render-provenance", version: ORIGINS_VERSION, stacks: {} };
  const entry: Record<string, FileOrigins> = {};
  for (const [p, text] of files) {
    const o = origins.get(p) ?? { renderer: "render", values: [] };
    const sources: ValueSource[] = [];
    const seen = new Map<string, number>();
    const ref = ({ path, ...s }: TracedSource): number => {
      const src: ValueSource = path ? { ...s, file: relative(out, path).split(sep).join("/") } : s;
      const key = JSON.stringify(src);
      if (!seen.has(key)) seen.set(key, sources.push(src) - 1);
      return seen.get(key)!;
    };
    const values = o.values.map((v) => ({ at: v.at, from: v.from.map(ref) }));
    entry[p] = {
      sha256: sha256(text),
      ...(o.component ? { component: o.component } : {}),
      renderer: o.renderer,
      ...(o.untraced ? { untraced: o.untraced } : {}),
      sources,
      values,
    };
  }
  const stackFiles: Record<string, string> = {};
  for (const o of origins.values())
    for (const path of o.stackFiles ?? [])
      if (existsSync(path))
        stackFiles[relative(out, path).split(sep).join("/")] = sha256(readFileSync(path, "utf8"));
  index.stacks[stack] = {
    stackFiles: Object.fromEntries(Object.entries(stackFiles).sort(([a], [b]) => (a < b ? -1 : 1))),
    files: entry,
  };
  const text = originsIndexText(index);
  const file = join(out, ORIGINS_FILE);
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileAtomic(file, text);
}
