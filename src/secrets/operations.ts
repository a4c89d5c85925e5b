import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { makeDirs, writeFileAtomic } from "../core/fs-atomic.js";
import type { Reuse } from "./codec.js";
import { findIdentities, identityFileText, newIdentity, wrapDataKey } from "./keys.js";
import { chooseRule, findSopsConfig, type ChosenRule } from "./sops-config.js";
import { makePrivateDir, privateRoots, removeStaleDirs, runShell, withHeldSignals } from "./private-dir.js";
import { input, open, read, refuseInPlaceStdin, type InputOptions, type SecretsContext } from "./input.js";
import {
  decryptDocument,
  documentBytes,
  encryptDocument,
  formatOf,
  readDocument,
  reencryptDocument,
  writeDocument,
  type SopsDocument,
} from "./sops-file.js";
import { nodeAt, parseTreePath, stepText } from "./tree-path.js";

export type { SecretsContext, InputOptions } from "./input.js";
export { setValue, unsetValue, fileStatus, type Change } from "./set-unset.js";

/** `secrets keygen`: a new age identity; written 0600 to `out` (never over an existing file) or returned. */
export async function keygen(
  out: string | undefined,
  ctx: SecretsContext,
): Promise<{ recipient: string; identityText: string; file?: string }> {
  const { identity, recipient } = await newIdentity();
  const identityText = identityFileText(identity, recipient);
  if (!out) return { recipient, identityText };
  const file = resolve(ctx.cwd, out);
  // A folder for keys only the user can enter, made when it is missing.
  makeDirs(dirname(file), 0o700);
  try {
    writeFileSync(file, identityText, { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new SlipwayError({
        code: "validation",
        message: `${file} exists; keygen never overwrites an identity`,
        file,
        hint: "choose another --out, or move the old file away yourself",
      });
    }
    throw e;
  }
  return { recipient, identityText, file };
}

/** The creation rule for a file, or recipients from `--age`. */
function recipientsFor(
  path: string,
  age: string[] | undefined,
): { groups: string[][]; threshold?: number; rules: ChosenRule["rules"] } {
  if (age?.length) return { groups: [age], rules: {} };
  const config = findSopsConfig(dirname(path));
  if (!config)
    throw new SlipwayError({
      code: "config",
      message: `no .sops.yaml above ${dirname(path)} and no --age given`,
      file: path,
      hint: "pass --age age1…, or create .sops.yaml with creation_rules",
    });
  const rule = chooseRule(config, path);
  if (!rule)
    throw new SlipwayError({
      code: "config",
      message: `no creation rule in ${config} matches ${path}`,
      file: config,
      hint: "add a rule whose path_regex matches this file, or pass --age",
    });
  return rule;
}

/** `secrets encrypt`: returns the encrypted text; with `inPlace`, replaces the file atomically. */
export async function encryptFile(
  path: string,
  opts: InputOptions & { inPlace?: boolean; age?: string[] },
  ctx: SecretsContext,
): Promise<string> {
  refuseInPlaceStdin(path, opts.inPlace);
  const src = input(path, opts, ctx);
  const { file } = src;
  const doc = readDocument(src.content, src.format, file);
  if (doc.meta)
    throw new SlipwayError({
      code: "validation",
      message: "the file is already encrypted",
      file,
      hint: "use `slipway secrets edit`, `set`, `updatekeys` or `rotate` on encrypted files",
    });
  const rulesFile = src.stdin && !opts.filenameOverride ? resolve(ctx.cwd, "-") : file;
  const { groups, threshold, rules } = recipientsFor(rulesFile, opts.age);
  const encrypted = await encryptDocument({ ...doc, format: src.format }, { groups, threshold, rules }, file);
  const text = writeDocument({ ...encrypted, format: src.outFormat });
  if (opts.inPlace) writeFileAtomic(file, text);
  return text;
}

/**
 * `secrets decrypt`: the plaintext (or one value with `extract`) in the output format; with `inPlace`,
 * written over the file. A binary file whose data is not UTF-8 comes back as its exact bytes.
 */
export async function decryptFile(
  path: string,
  opts: InputOptions & { inPlace?: boolean; extract?: string },
  ctx: SecretsContext,
): Promise<string | Buffer> {
  refuseInPlaceStdin(path, opts.inPlace);
  const src = input(path, opts, ctx);
  const { plain } = await open(src, ctx);
  if (opts.extract) return extract(plain, opts.extract, src.file);
  const bytes = plainBytes({ ...plain, format: src.outFormat }, src.file);
  if (opts.inPlace) writeFileAtomic(src.file, bytes);
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : bytes;
}

/** A plaintext document's bytes; the binary store needs the tree's `data` value, as sops says. */
function plainBytes(doc: SopsDocument, file: string): Buffer {
  const data = doc.docs[0]?.items.find((i) => i.kind === "pair" && i.key === "data");
  if (doc.format === "binary" && (data?.kind !== "pair" || data.value.kind !== "scalar"))
    throw new SlipwayError({
      code: "validation",
      message: "the binary store writes a tree's `data` value, and this tree has none",
      file,
      hint: "this is likely not an encrypted binary file: choose the output format with --output-type",
    });
  try {
    return documentBytes(doc);
  } catch (e) {
    // The dotenv store holds flat values only; say which file could not be written that way.
    if (e instanceof SlipwayError && !e.file)
      throw new SlipwayError({
        code: e.code,
        message: e.message,
        file,
        hint: "choose another --output-type",
      });
    throw e;
  }
}

/** `--extract '["a"]["b"]'` (sops's syntax): one value, or a subtree in the file's format. */
function extract(doc: SopsDocument, expr: string, file: string): string {
  const path = parseTreePath(expr, "--extract");
  const { node, missing } = nodeAt(doc.docs[0] ?? { kind: "map", items: [] }, path);
  if (!node)
    throw new SlipwayError({
      code: "validation",
      message: `--extract ${expr}: no value at ${stepText(path[missing!]!)}`,
      file,
    });
  if (node.kind === "scalar") return String(node.value ?? "");
  const sub: SopsDocument = {
    format: doc.format === "yaml" ? "yaml" : "json",
    docs: [
      node.kind === "map" ? node : { kind: "map", items: [{ kind: "pair", key: "value", value: node }] },
    ],
  };
  return writeDocument(sub);
}

/**
 * `secrets edit`: $EDITOR on the plaintext in a private folder (memory-backed where the system has one);
 * writes back only a changed file, keeping unchanged ciphertexts. The folder is removed on every way out:
 * an error, the editor failing, Ctrl-C, SIGTERM, SIGHUP (a closed terminal or SSH session) and SIGQUIT;
 * one left by a killed run (kill -9) is removed at the next edit, which says so.
 */
export async function editFile(
  path: string,
  ctx: SecretsContext,
): Promise<{ changed: boolean; removedStale: string[] }> {
  const file = resolve(ctx.cwd, path);
  const roots = privateRoots(ctx.env);
  const removedStale = removeStaleDirs(roots);
  const enc = readDocument(read(file), formatOf(file), file);
  const reuse: Reuse = new Map();
  const { plain, dataKey } = await decryptDocument(enc, findIdentities(ctx.env), file, reuse);
  const before = documentBytes(plain);
  const editor = ctx.env.SOPS_EDITOR || ctx.env.EDITOR || "vi";
  // The editor takes Ctrl-C; slipway must outlive every catchable signal to remove the plaintext.
  return withHeldSignals(async (received) => {
    const dir = makePrivateDir(roots, "edit");
    const tmp = join(dir, basename(file));
    try {
      writeFileSync(tmp, before, { mode: 0o600 });
      let edited: SopsDocument;
      for (;;) {
        const r = await runShell(`${editor} "$1"`, ["slipway-edit", tmp], ctx.env);
        const sig = received();
        if (sig && sig !== "SIGINT") {
          throw new SlipwayError({
            code: "validation",
            message: `interrupted by ${sig}; the plaintext copy was removed and the file is unchanged`,
            file,
          });
        }
        if (r.status !== 0) {
          throw new SlipwayError({
            code: "validation",
            message: `the editor (${editor}) exited with ${r.status ?? r.signal}${r.signal ? " (killed)" : ""}; the file is unchanged`,
            file,
            hint: r.signal
              ? "run the edit again"
              : "set EDITOR (or SOPS_EDITOR) to an editor that waits until you close the file",
          });
        }
        const after = readFileSync(tmp);
        if (after.equals(before)) return { changed: false, removedStale };
        try {
          edited = readDocument(enc.format === "binary" ? after : after.toString("utf8"), enc.format, tmp);
          break;
        } catch (e) {
          if (!(e instanceof SlipwayError)) throw e;
          // As sops does: on a terminal the editor opens again on the edited text, so no edit is lost.
          const where = `line ${e.line ?? "?"} of the edited text`;
          if (!ctx.interactive) {
            throw new SlipwayError({
              code: e.code,
              message: `${e.message} (${where}); the file is unchanged and the edits were not kept`,
              file,
              hint: "fix the text and edit again",
            });
          }
          await ctx.interactive.prompt(
            `${file}: error: ${e.message} (${where})\nPress Enter to return to the editor, or Ctrl-C to give up (the file stays unchanged). `,
          );
          if (received())
            throw new SlipwayError({
              code: "validation",
              message: "edit given up; the file is unchanged",
              file,
            });
        }
      }
      // Same metadata and data key: unchanged values keep their ciphertext, the key blocks stay byte for byte.
      writeFileAtomic(file, writeDocument(reencryptDocument(enc, edited, dataKey, reuse)));
      return { changed: true, removedStale };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** `secrets updatekeys`: recipients as the matching creation rule says, same data key and values. */
export async function updateKeys(
  paths: string[],
  ctx: SecretsContext,
): Promise<{ file: string; recipients: string[] }[]> {
  return eachEncrypted(paths, ctx, async (file, enc, { dataKey }) => {
    const { groups, threshold } = recipientsFor(file, undefined);
    const wrapped = await wrapDataKey(dataKey, groups, threshold);
    writeFileAtomic(file, writeDocument({ ...enc, meta: { ...enc.meta!, ...wrapped } }));
    return { file, recipients: groups.flat() };
  });
}

/** `secrets rotate`: a new data key, every value re-encrypted, the same recipients. */
export async function rotate(paths: string[], ctx: SecretsContext): Promise<string[]> {
  return eachEncrypted(paths, ctx, async (file, enc, { plain }) => {
    // A new data key would have to be wrapped for those keys too, which only sops can do.
    if (enc.meta!.otherKeyTypes?.length)
      throw new SlipwayError({
        code: "validation",
        message: `the file is also encrypted for ${enc.meta!.otherKeyTypes.join(", ")}; a new data key cannot be wrapped for them here`,
        file,
        hint: "rotate it with sops (`sops rotate -i`), or remove those keys first",
      });
    writeFileAtomic(file, writeDocument(await encryptLike(enc, plain, file)));
    return file;
  });
}

/** Encrypts `plain` for the recipients, threshold and rules `enc` was encrypted with. */
function encryptLike(
  enc: SopsDocument,
  plain: SopsDocument,
  file: string,
  keep: { dataKey?: Uint8Array; reuse?: Reuse } = {},
): Promise<SopsDocument> {
  const meta = enc.meta!;
  return encryptDocument(
    plain,
    {
      groups: meta.groups.map((g) => g.map((s) => s.recipient)),
      threshold: meta.threshold,
      rules: meta.rules,
      ...keep,
    },
    file,
  );
}

/** Opens each encrypted file (MAC verified) and hands it to `fn`, one after the other. */
async function eachEncrypted<T>(
  paths: string[],
  ctx: SecretsContext,
  fn: (file: string, enc: SopsDocument, opened: { plain: SopsDocument; dataKey: Uint8Array }) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (const p of paths) {
    const file = resolve(ctx.cwd, p);
    const enc = readDocument(read(file), formatOf(file), file);
    out.push(await fn(file, enc, await decryptDocument(enc, findIdentities(ctx.env), file)));
  }
  return out;
}

export { check, type CheckFinding } from "./check.js";
