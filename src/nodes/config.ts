import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { NodesVars, type NodeEntry } from "../components/ansible/k3s-vars.js";
import { SlipwayError } from "../core/errors.js";
import { Inputs } from "../core/inputs.js";
import { closestName } from "../core/suggest.js";
import { keysAt } from "../schema/zod-walk.js";
import { StackEngine } from "../stack/engine.js";
import { editLockedFile } from "./edit.js";
import { nodesComponent, openNodes, type NodesView } from "./nodes.js";
import { rawStringAt, setInText } from "./yaml-set.js";

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

const getPath = (v: unknown, path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (cur, k) => (cur && typeof cur === "object" ? (cur as Record<string, unknown>)[k] : undefined),
    v,
  );

/**
 * Refuses a key that is neither set nor one the schema declares, naming the closest known key: `config get
 * cluster.verison` is a typo, never `null`. `base` is where the key starts in the vars (`nodes.0` for a
 * node key).
 */
function checkKnownKey(value: unknown, base: (string | number)[], path: string[], key: string): void {
  for (let i = 0; i < path.length; i++) {
    const here = [...base, ...path.slice(0, i)];
    const seg = path[i]!;
    const declared = keysAt(NodesVars, here);
    const present = getPath(value, here);
    const set = present && typeof present === "object" ? Object.keys(present) : [];
    if (declared.includes(seg) || set.includes(seg)) continue;
    if (declared.length === 0 && set.length === 0 && i > 0) return; // a free-form map (labels): any key
    const near = closestName(seg, [...new Set([...declared, ...set])]);
    throw new SlipwayError({
      code: "usage",
      message: `unknown key ${key}${near ? ` (did you mean ${[...path.slice(0, i), near].join(".")}?)` : ""}`,
      hint: `keys${i ? ` under ${path.slice(0, i).join(".")}` : ""}: ${[...new Set([...declared, ...set])].join(", ")}`,
    });
  }
}

/** `config get`: the value of a dotted key (null when a known key is unset); with a scope, each node's value by name. */
export function getConfig(
  engine: StackEngine,
  stack: string,
  key: string,
  opts: ConfigKeyOptions = {},
): unknown {
  const view = openNodes(engine, stack, opts.component);
  const path = key.split(".");
  if (!opts.scope) {
    checkKnownKey(view.config, [], path, key);
    return getPath(view.config, path) ?? null;
  }
  const nodes = scopedNodes(view, opts.scope);
  for (const n of nodes) checkKnownKey({ nodes: [n] }, ["nodes", 0], path, key);
  return Object.fromEntries(nodes.map((n) => [n.name, getPath(n, path) ?? null]));
}

/** What `setConfig` changed. */
export interface ConfigChange {
  key: string;
  value: unknown;
  /** The files written, absolute. */
  files: string[];
  /** Other stacks whose value changed too (only with `in`, which asks for that). */
  alsoChanged: string[];
}

export interface SetConfigOptions extends ConfigKeyOptions {
  /** Write into this file (absolute), even when other stacks share it. */
  in?: string;
  /** Replace a `{{ … }}` template with the literal value. */
  force?: boolean;
}

/** One planned edit: a file and where in it. */
interface Edit {
  file: string;
  docPath: (string | number)[];
}

/**
 * `config set`: changes a value for one stack. It edits the file the value comes from when that file is
 * this stack's alone; when it is shared (a catalog), the value is written as an override into the stack's
 * own top-level manifest instead. Either way the change is tried first on the files in memory: the stack
 * must get the new value and every other stack must keep its own, or nothing is written — and a value that
 * only a shared file can change is refused, naming the file and the stacks it would change (`in` does it
 * deliberately). A `{{ … }}` template is replaced only with `force`. Bytes outside the changed lines stay
 * as they were; the nodes configuration is validated against its schema under each file's lock.
 */
export async function setConfig(
  engine: StackEngine,
  stack: string,
  key: string,
  value: unknown,
  opts: SetConfigOptions = {},
): Promise<ConfigChange> {
  const view = openNodes(engine, stack, opts.component);
  const c = view.component;
  const path = key.split(".");
  const nextVars = structuredClone(c.vars) as Record<string, unknown>;
  const rel = (f: string) => relative(engine.config.basePath, f);
  let edits: Edit[];
  if (opts.scope) {
    const nodes = nextVars.nodes as Record<string, unknown>[];
    edits = scopedNodes(view, opts.scope).map((n) => {
      const i = nodes.findIndex((x) => x.name === n.name);
      setPath(nodes[i]!, path, value);
      return { file: view.source.file, docPath: [...view.source.docPath, i, ...path] };
    });
  } else {
    if (path[0] === "nodes")
      throw new SlipwayError({
        code: "usage",
        message: "node keys need --scope",
        hint: "e.g. config set labels.zone attic --scope pi-3",
      });
    setPath(nextVars, path, value);
    let source: Edit | undefined;
    for (let n = path.length; n > 0 && !source; n--) {
      const src = engine.sourceOf(c.atmos_stack, c.atmos_component, "vars", path.slice(0, n), "ansible");
      if (src) source = { file: src.file.path, docPath: [...src.docPath, ...path.slice(n)] };
    }
    const own = ownManifest(engine, stack, c.atmos_component);
    const overrideAt = (file: string): Edit => ({
      file,
      docPath: ["components", "ansible", c.atmos_component, "vars", ...path],
    });
    if (opts.in) edits = [source && source.file === opts.in ? source : overrideAt(opts.in)];
    else if (source && stacksUsing(engine, source.file).every((s) => s === stack)) edits = [source];
    else edits = [overrideAt(own)];
    // A value made by a template (`{{ .vars.k3s.version }}`) is tied to what the template reads: other
    // components (the image build) read the same var. Writing over it, or shadowing it with an override,
    // splits them — so it needs --force, and the message names what to set instead.
    if (source && !opts.force) {
      const raw = rawStringAt(readFileSync(source.file, "utf8"), source.docPath);
      if (raw !== undefined && raw.includes("{{")) {
        const reads = [...raw.matchAll(/\.vars\.([A-Za-z0-9_.]+)/g)].map((m) => `vars.${m[1]}`);
        throw new SlipwayError({
          code: "validation",
          message: `vars.${key} is the template ${JSON.stringify(raw)} in ${rel(source.file)}; setting it ${edits[0]!.file === source.file ? "replaces the template with a literal" : "overrides the template for this stack alone"}${reads.length ? `, while what it reads (${reads.join(", ")}) stays as it is for everything else that reads it` : ""}`,
          file: source.file,
          hint: reads.length
            ? `set ${reads[0]} in the stack instead, or pass --force to set vars.${key} anyway`
            : "pass --force to set it anyway",
        });
      }
    }
  }
  checkNodesVars(nextVars);
  // Try the edit on the files in memory: this stack gets the value, every other stack keeps its own.
  const texts = new Map<string, string>();
  const originals = new Map<string, string>();
  for (const e of edits) {
    if (!originals.has(e.file)) originals.set(e.file, readFileSync(e.file, "utf8"));
    const text = texts.get(e.file) ?? originals.get(e.file)!;
    texts.set(e.file, setInText(text, e.file, e.docPath, value));
  }
  const after = new StackEngine({
    config: engine.config,
    env: engine.loader.env,
    inputs: new Overlay(texts),
  });
  const wanted = opts.scope ? undefined : getPath(nextVars, path);
  const got = opts.scope ? undefined : getPath(nodesComponent(after, stack, c.atmos_component).vars, path);
  if (!opts.scope && !isDeepStrictEqual(got, wanted)) {
    const from = engine.origin(stack, c.atmos_component, ["vars", ...path], "ansible");
    const file =
      engine
        .stack(stack)
        .builds.flatMap((b) => b.layers.map((l) => l.file))
        .find((f) => f.rel === from?.file)?.path ?? edits[0]!.file;
    throw new SlipwayError({
      code: "validation",
      message: `vars.${key} of stack "${stack}" is decided in ${rel(file)} (shared by stacks ${stacksUsing(engine, file).join(", ")}), which an override in the stack's own manifest cannot beat; nothing was written`,
      file,
      hint: `pass --in ${rel(file)} to change it there for all of them`,
    });
  }
  const alsoChanged = otherStacksChanged(engine, after, stack, c.atmos_component);
  if (alsoChanged.length > 0 && !opts.in) {
    throw new SlipwayError({
      code: "validation",
      message: `setting vars.${key} for stack "${stack}" would also change stacks ${alsoChanged.join(", ")} (they share ${[...texts.keys()].map(rel).join(", ")}); nothing was written`,
      file: edits[0]!.file,
      hint: `pass --in ${rel(edits[0]!.file)} to change it for all of them`,
    });
  }
  for (const [file, text] of texts) {
    await editLockedFile(engine.config.basePath, file, (current) => {
      // What was tried is what gets written: a file another writer changed meanwhile is left alone.
      if (current !== originals.get(file))
        throw new SlipwayError({
          code: "conflict",
          message: `${rel(file)} changed while config set ran; nothing was written`,
          file,
          hint: "run the command again",
        });
      return { text, result: undefined };
    });
  }
  return { key, value, files: [...texts.keys()], alsoChanged };
}

/** The stack's own top-level manifest: the one that deploys this component (the first, when several do). */
function ownManifest(engine: StackEngine, stack: string, component: string): string {
  const entry = engine.stack(stack);
  return (entry.buildsDefining("ansible", component)[0] ?? entry.builds[0]!).top.path;
}

/** The stacks whose manifests read `file` (as a top-level manifest or an import). */
function stacksUsing(engine: StackEngine, file: string): string[] {
  return [...engine.stacks()]
    .filter(([, entry]) => entry.builds.some((b) => b.layers.some((l) => l.file.path === file)))
    .map(([name]) => name);
}

/** Other stacks deploying the component whose vars differ between two engines. */
function otherStacksChanged(
  before: StackEngine,
  after: StackEngine,
  stack: string,
  component: string,
): string[] {
  const changed: string[] = [];
  for (const name of before.stacks().keys()) {
    if (name === stack) continue;
    let a: unknown;
    let b: unknown;
    try {
      a = nodesComponent(before, name, component).vars;
    } catch {
      continue;
    }
    try {
      b = nodesComponent(after, name, component).vars;
    } catch {
      b = undefined;
    }
    if (!isDeepStrictEqual(a, b)) changed.push(name);
  }
  return changed;
}

/** Stack files as an edit would leave them, for trying the edit before it is written. */
class Overlay extends Inputs {
  constructor(private readonly texts: ReadonlyMap<string, string>) {
    super();
  }
  override read(path: string): string {
    return this.texts.get(path) ?? super.read(path);
  }
}

/** The schema check of a changed configuration: a failure names the field, and nothing is written. */
function checkNodesVars(vars: Record<string, unknown>): void {
  const checked = NodesVars.safeParse(vars);
  if (checked.success) return;
  const issue = checked.error.issues[0]!;
  throw new SlipwayError({
    code: "validation",
    message: `vars.${issue.path.join(".")}: ${issue.message}; nothing was written`,
    hint: "see `slipway schema ansible/k3s` for the field's type",
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
