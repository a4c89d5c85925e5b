// `secrets set`, `unset` and `filestatus`, as sops has them.
import { SlipwayError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs-atomic.js";
import type { Reuse } from "./codec.js";
import { parseJson } from "./formats/json-format.js";
import { input, open, refuseInPlaceStdin, type InputOptions, type SecretsContext } from "./input.js";
import { readDocument, reencryptDocument, writeDocument } from "./sops-file.js";
import { str, type MapNode, type Node } from "./tree.js";
import { nodeAt, parseTreePath, setAt, stepText, unsetAt } from "./tree-path.js";

/** What `set` and `unset` did: whether the tree changed and whether the file was written. */
export interface Change {
  file: string;
  changed: boolean;
  written: boolean;
}

/**
 * `secrets set FILE '["a"]["b"]' VALUE`: VALUE is JSON (`'"text"'`, `5`, `{"k": "v"}`), as sops takes it. Only
 * that value gets a new ciphertext; every other one, and the key blocks, stay byte for byte, with a new MAC
 * and lastmodified. With `idempotent`, an unchanged value leaves the file untouched.
 */
export async function setValue(
  path: string,
  index: string,
  json: string,
  opts: InputOptions & { idempotent?: boolean },
  ctx: SecretsContext,
): Promise<Change> {
  const treePath = parseTreePath(index, "set");
  const value = jsonValue(json);
  return rewrite(path, opts, ctx, (root) => {
    const r = setAt(root, treePath, value);
    return { root: r.node as MapNode, changed: r.changed };
  });
}

/** `secrets unset FILE '["a"]["b"]'`: the value and its key removed; with `idempotent`, a missing one is no error. */
export async function unsetValue(
  path: string,
  index: string,
  opts: InputOptions & { idempotent?: boolean },
  ctx: SecretsContext,
): Promise<Change> {
  const treePath = parseTreePath(index, "unset");
  return rewrite(path, opts, ctx, (root, file) => {
    const next = unsetAt(root, treePath);
    if (next) return { root: next as MapNode, changed: true };
    if (opts.idempotent) return { root, changed: false };
    const { missing } = nodeAt(root, treePath);
    throw new SlipwayError({
      code: "validation",
      message: `unset ${index}: no value at ${stepText(treePath[missing ?? treePath.length - 1]!)}`,
      file,
      hint: "--idempotent makes a missing value no error",
    });
  });
}

/** Opens a file, changes its first document's tree, and writes it back under the same metadata and data key. */
async function rewrite(
  path: string,
  opts: InputOptions & { idempotent?: boolean },
  ctx: SecretsContext,
  change: (root: MapNode, file: string) => { root: MapNode; changed: boolean },
): Promise<Change> {
  refuseInPlaceStdin(path, true);
  const src = input(path, opts, ctx);
  const reuse: Reuse = new Map();
  const { enc, plain, dataKey } = await open(src, ctx, reuse);
  const [first = { kind: "map", items: [] } as MapNode, ...rest] = plain.docs;
  const { root, changed } = change(first, src.file);
  if (!changed && opts.idempotent) return { file: src.file, changed, written: false };
  const next = reencryptDocument(enc, { format: src.outFormat, docs: [root, ...rest] }, dataKey, reuse);
  writeFileAtomic(src.file, writeDocument(next));
  return { file: src.file, changed, written: true };
}

/** A `set` value: JSON, maps and lists in their key order. */
function jsonValue(json: string): Node {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    // The value may be a secret: it is never repeated in the message.
    throw new SlipwayError({
      code: "usage",
      message: "the value for set is not valid JSON",
      hint: `a string needs JSON quotes inside the shell's: '"text"'`,
    });
  }
  if (v !== null && typeof v === "object") {
    const wrapped = parseJson(`{"v": ${json}}`, "(value)");
    return (wrapped.items[0] as { value: Node }).value;
  }
  if (typeof v === "string") return str(v);
  // sops reads every JSON number as a float and writes an integral one without a fraction (5432, not
  // 5432.0); as an int it decrypts to those same bytes in both tools.
  if (typeof v === "number") return { kind: "scalar", type: Number.isInteger(v) ? "int" : "float", value: v };
  if (typeof v === "boolean") return { kind: "scalar", type: "bool", value: v };
  return { kind: "scalar", type: "null", value: null };
}

/** `secrets filestatus`: whether the file is a sops file (has its metadata), as `sops filestatus` prints it. */
export function fileStatus(path: string, opts: InputOptions, ctx: SecretsContext): { encrypted: boolean } {
  const src = input(path, opts, ctx);
  return { encrypted: readDocument(src.content, src.format, src.file).meta !== undefined };
}
