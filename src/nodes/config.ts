import { relative } from "node:path";
import { parseDocument } from "yaml";
import { NodesVars, type NodeEntry } from "../components/ansible/k3s-vars.js";
import { SlipwayError } from "../core/errors.js";
import type { StackEngine } from "../stack/engine.js";
import { editLockedFile } from "./edit.js";
import { openNodes, type NodesView } from "./nodes.js";

/** A cluster key (`cluster.version`) or, with a scope, a key of each node in it (`labels.zone`). */
export interface ConfigKeyOptions {
  /** all, servers, agents or one node's name: the key is a node key. */
  scope?: string;
  /** The nodes component (default: the stack's k3s one). */
  component?: string;
}

/** Which nodes a node-level key applies to: all, servers, agents or one node by name. */
export function scopedNodes(view: NodesView, scope: string): NodeEntry[] {
  const ns = view.config.nodes;
  const picked =
    scope === "all"
      ? ns
      : scope === "servers"
        ? ns.filter((n) => n.role === "server")
        : scope === "agents"
          ? ns.filter((n) => n.role === "agent")
          : ns.filter((n) => n.name === scope);
  if (picked.length === 0)
    throw new SlipwayError({
      code: "usage",
      message: `--scope ${scope} matches no node`,
      hint: `use all, servers, agents or a node name (${ns.map((n) => n.name).join(", ")})`,
    });
  return picked;
}

const getPath = (v: unknown, path: string[]): unknown =>
  path.reduce<unknown>(
    (cur, k) => (cur && typeof cur === "object" ? (cur as Record<string, unknown>)[k] : undefined),
    v,
  );

/** `config get`: the value of a dotted key (null when unset); with a scope, each node's value by name. */
export function getConfig(
  engine: StackEngine,
  stack: string,
  key: string,
  opts: ConfigKeyOptions = {},
): unknown {
  const view = openNodes(engine, stack, opts.component);
  const path = key.split(".");
  if (!opts.scope) return getPath(view.config, path) ?? null;
  return Object.fromEntries(scopedNodes(view, opts.scope).map((n) => [n.name, getPath(n, path) ?? null]));
}

/** What `setConfig` changed. */
export interface ConfigChange {
  key: string;
  value: unknown;
  /** The files written, absolute. */
  files: string[];
}

/**
 * `config set`: changes a value in the file that defines it (the deepest part of the key some file sets
 * decides which), keeping comments. The whole nodes configuration is validated against its schema, under
 * each file's lock, before anything is written.
 */
export async function setConfig(
  engine: StackEngine,
  stack: string,
  key: string,
  value: unknown,
  opts: ConfigKeyOptions = {},
): Promise<ConfigChange> {
  const view = openNodes(engine, stack, opts.component);
  const path = key.split(".");
  const edits: { file: string; docPath: (string | number)[] }[] = [];
  const nextVars = structuredClone(view.component.vars) as Record<string, unknown>;
  if (opts.scope) {
    const nodes = nextVars.nodes as Record<string, unknown>[];
    for (const n of scopedNodes(view, opts.scope)) {
      const i = nodes.findIndex((x) => x.name === n.name);
      setPath(nodes[i]!, path, value);
      edits.push({ file: view.source.file, docPath: [...view.source.docPath, i, ...path] });
    }
  } else {
    if (path[0] === "nodes")
      throw new SlipwayError({
        code: "usage",
        message: "node keys need --scope",
        hint: "e.g. config set labels.zone attic --scope pi-3",
      });
    setPath(nextVars, path, value);
    const c = view.component;
    let found: { file: string; docPath: (string | number)[] } | undefined;
    for (let n = path.length; n > 0 && !found; n--) {
      const src = engine.sourceOf(c.atmos_stack, c.atmos_component, "vars", path.slice(0, n), "ansible");
      if (src) found = { file: src.file.path, docPath: [...src.docPath, ...path.slice(n)] };
    }
    if (!found) {
      throw new SlipwayError({
        code: "validation",
        message: `no file sets vars.${path[0]} for component "${c.atmos_component}"`,
        hint: "add it to the stack by hand first; config set changes values that exist",
      });
    }
    edits.push(found);
  }
  const files = [...new Set(edits.map((e) => e.file))];
  for (const file of files) {
    await editLockedFile(engine.config.basePath, file, (text) => {
      checkNodesVars(nextVars);
      const doc = parseDocument(text);
      for (const e of edits.filter((x) => x.file === file)) doc.setIn(e.docPath, value);
      return { text: doc.toString(), result: undefined };
    });
  }
  return { key, value, files };
}

/** The schema check of a changed configuration: a failure names the field, and nothing is written. */
function checkNodesVars(vars: Record<string, unknown>): void {
  const checked = NodesVars.safeParse(vars);
  if (checked.success) return;
  const issue = checked.error.issues[0]!;
  throw new SlipwayError({
    code: "validation",
    message: `vars.${issue.path.join(".")}: ${issue.message}; nothing was written`,
    hint: "see `slipway schema builtin ansible/k3s` for the field's type",
  });
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (const k of path.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== "object") cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path.at(-1)!] = value;
}

/** `file1, file2` relative to `cwd`, for messages. */
export const shownFiles = (files: string[], cwd: string) => files.map((f) => relative(cwd, f)).join(", ");
