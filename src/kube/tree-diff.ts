import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";

// What a change does to a rendered tree, object by object: which objects are added, changed or removed (by
// kind and namespace), which Secret keys change — named, never shown — and a content hash of each side. The
// input is two rendered trees (path → text), from a render at two revisions or a render against the cluster.

export type Change = "added" | "changed" | "removed";

export interface ObjectChange {
  change: Change;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The rendered file holding it (the newer one's, unless removed). */
  file: string;
  /** The object's index among that file's documents. */
  index: number;
  /** Dotted paths of the leaves that differ (changed objects only). */
  paths: string[];
}

export interface SecretChange {
  namespace?: string;
  name: string;
  file: string;
  keys: { key: string; change: Change }[];
}

type Obj = Record<string, unknown>;
interface Placed {
  obj: Obj;
  file: string;
  index: number;
}

const idOf = (o: Obj) => {
  const m = (o.metadata ?? {}) as Obj;
  return `${String(o.apiVersion)}|${String(o.kind)}|${String(m.namespace ?? "")}|${String(m.name ?? "")}`;
};

/** Every object of a tree by its identity (apiVersion, kind, namespace, name). */
export function objectsOf(tree: ReadonlyMap<string, string>): Map<string, Placed> {
  const out = new Map<string, Placed>();
  for (const [file, text] of tree) {
    if (!/\.ya?ml$/.test(file)) continue;
    parseAllDocuments(text).forEach((d, index) => {
      const obj = d.toJS() as unknown;
      if (obj && typeof obj === "object" && !Array.isArray(obj) && (obj as Obj).kind)
        out.set(idOf(obj as Obj), { obj: obj as Obj, file, index });
    });
  }
  return out;
}

/** The dotted paths where two values differ (a list's items by index). */
export function changedPaths(a: unknown, b: unknown, at = "", out: string[] = []): string[] {
  if (isDeepStrictEqual(a, b)) return out;
  const both = (v: unknown) => v && typeof v === "object";
  if (both(a) && both(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as Obj), ...Object.keys(b as Obj)]);
    for (const k of keys) changedPaths((a as Obj)[k], (b as Obj)[k], at ? `${at}.${k}` : k, out);
    return out;
  }
  out.push(at || ".");
  return out;
}

/** Objects added, changed and removed from `before` to `after`, sorted by kind, namespace and name. */
export function diffObjects(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): ObjectChange[] {
  const a = objectsOf(before);
  const b = objectsOf(after);
  const out: ObjectChange[] = [];
  const entry = (change: Change, p: Placed, paths: string[] = []): ObjectChange => {
    const m = (p.obj.metadata ?? {}) as Obj;
    return {
      change,
      apiVersion: String(p.obj.apiVersion),
      kind: String(p.obj.kind),
      ...(m.namespace ? { namespace: String(m.namespace) } : {}),
      name: String(m.name ?? ""),
      file: p.file,
      index: p.index,
      paths,
    };
  };
  for (const [id, p] of b) {
    const old = a.get(id);
    if (!old) out.push(entry("added", p));
    else if (!isDeepStrictEqual(old.obj, p.obj)) out.push(entry("changed", p, changedPaths(old.obj, p.obj)));
  }
  for (const [id, p] of a) if (!b.has(id)) out.push(entry("removed", p));
  const key = (c: ObjectChange) => `${c.kind}\0${c.namespace ?? ""}\0${c.name}`;
  return out.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

const SECRET_FIELDS = ["data", "stringData"] as const;

/**
 * Both trees with every Secret value replaced by a marker that says only whether it changed, and the keys
 * that did: a reviewer sees which keys a change touches, and the evidence never holds a value.
 */
export function redactSecrets(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): { before: Map<string, string>; after: Map<string, string>; secrets: SecretChange[] } {
  const values = (tree: ReadonlyMap<string, string>) => {
    const out = new Map<string, Map<string, string>>();
    for (const [id, p] of objectsOf(tree)) {
      if (p.obj.kind !== "Secret") continue;
      const kv = new Map<string, string>();
      for (const f of SECRET_FIELDS)
        for (const [k, v] of Object.entries((p.obj[f] ?? {}) as Obj)) kv.set(`${f}.${k}`, JSON.stringify(v));
      out.set(id, kv);
    }
    return out;
  };
  const va = values(before);
  const vb = values(after);
  const secrets: SecretChange[] = [];
  for (const [id, p] of objectsOf(after)) {
    if (p.obj.kind !== "Secret") continue;
    const keys: SecretChange["keys"] = [];
    const old = va.get(id) ?? new Map<string, string>();
    for (const [k, v] of vb.get(id)!) {
      if (!old.has(k)) keys.push({ key: k, change: "added" });
      else if (old.get(k) !== v) keys.push({ key: k, change: "changed" });
    }
    for (const k of old.keys()) if (!vb.get(id)!.has(k)) keys.push({ key: k, change: "removed" });
    const m = (p.obj.metadata ?? {}) as Obj;
    if (keys.length || !va.has(id))
      secrets.push({
        ...(m.namespace ? { namespace: String(m.namespace) } : {}),
        name: String(m.name ?? ""),
        file: p.file,
        keys,
      });
  }
  const mask = (
    tree: ReadonlyMap<string, string>,
    mine: Map<string, Map<string, string>>,
    other: typeof va,
    side: "old" | "new",
  ) => {
    const out = new Map(tree);
    for (const [file, text] of tree) {
      if (!/\.ya?ml$/.test(file) || !/^kind:\s*Secret\s*$/m.test(text)) continue;
      const docs = parseAllDocuments(text);
      for (const d of docs) {
        const o = d.toJS() as Obj | null;
        if (!o || o.kind !== "Secret") continue;
        const id = idOf(o);
        for (const f of SECRET_FIELDS)
          for (const k of Object.keys((o[f] ?? {}) as Obj)) {
            const was = other.get(id)?.get(`${f}.${k}`);
            const now = mine.get(id)?.get(`${f}.${k}`);
            d.setIn([f, k], was === now ? "<secret value, unchanged>" : `<secret value (${side})>`);
          }
      }
      out.set(file, docs.map((d) => d.toString()).join(""));
    }
    return out;
  };
  return { before: mask(before, va, vb, "old"), after: mask(after, vb, va, "new"), secrets };
}

/** A content hash of a tree: sha256 over its sorted paths and texts. */
export function treeHash(tree: ReadonlyMap<string, string>): string {
  const h = createHash("sha256");
  for (const path of [...tree.keys()].sort()) h.update(`${path}\0${tree.get(path)}\0`);
  return `sha256:${h.digest("hex")}`;
}
