import { spawn } from "node:child_process";
import {
  accessSync,
  constants,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { isMap, isScalar, parseAllDocuments } from "yaml";
import { SlipwayError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs-atomic.js";
import { isNotASecret } from "../core/not-a-secret.js";
import type { Reuse } from "./codec.js";
import { findIdentities, newIdentity, wrapDataKey } from "./keys.js";
import { chooseRule, findSopsConfig, type ChosenRule } from "./sops-config.js";
import {
  decryptDocument,
  documentBytes,
  encryptDocument,
  formatOf,
  readDocument,
  writeDocument,
  type SopsDocument,
} from "./sops-file.js";
import type { MapNode, Node, Pair } from "./tree.js";

export interface SecretsContext {
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A file's content: text, or bytes for a binary file (sops encrypts those as they are). */
function read(path: string): string | Buffer {
  try {
    return formatOf(path) === "binary" ? readFileSync(path) : readFileSync(path, "utf8");
  } catch (e) {
    throw new SlipwayError({
      code: "io",
      message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      file: path,
    });
  }
}

/** `secrets keygen`: a new age identity; written 0600 to `out` (never over an existing file) or returned. */
export async function keygen(
  out: string | undefined,
  ctx: SecretsContext,
): Promise<{ recipient: string; identityText: string; file?: string }> {
  const { identity, recipient } = await newIdentity();
  const identityText = `# created: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}\n# public key: ${recipient}\n${identity}\n`;
  if (!out) return { recipient, identityText };
  const file = resolve(ctx.cwd, out);
  // A folder for keys only the user can enter, made when it is missing.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
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
  opts: { inPlace?: boolean; age?: string[] },
  ctx: SecretsContext,
): Promise<string> {
  const file = resolve(ctx.cwd, path);
  const doc = readDocument(read(file), formatOf(file), file);
  if (doc.meta)
    throw new SlipwayError({
      code: "validation",
      message: "the file is already encrypted",
      file,
      hint: "use `slipway secrets edit`, `updatekeys` or `rotate` on encrypted files",
    });
  const { groups, threshold, rules } = recipientsFor(file, opts.age);
  const text = writeDocument(await encryptDocument(doc, { groups, threshold, rules }, file));
  if (opts.inPlace) writeFileAtomic(file, text);
  return text;
}

/**
 * `secrets decrypt`: the plaintext (or one value with `extract`); with `inPlace`, written over the file.
 * A binary file whose data is not UTF-8 comes back as its exact bytes.
 */
export async function decryptFile(
  path: string,
  opts: { inPlace?: boolean; extract?: string },
  ctx: SecretsContext,
): Promise<string | Buffer> {
  const file = resolve(ctx.cwd, path);
  const enc = readDocument(read(file), formatOf(file), file);
  const { plain } = await decryptDocument(enc, findIdentities(ctx.env), file);
  if (opts.extract) return extract(plain, opts.extract, file);
  const bytes = documentBytes(plain);
  if (opts.inPlace) writeFileAtomic(file, bytes);
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : bytes;
}

/** `--extract '["a"]["b"]'` (sops's syntax): one value, or a subtree in the file's format. */
function extract(doc: SopsDocument, expr: string, file: string): string {
  const parts = [...expr.matchAll(/\[(?:"((?:[^"\\]|\\.)*)"|(\d+))\]/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join("") !== expr.trim()) {
    throw new SlipwayError({
      code: "usage",
      message: `--extract "${expr}" is not a path`,
      hint: `write it as sops does: '["key"]["nested"]' or '["list"][0]'`,
    });
  }
  let cur: Node | undefined = doc.docs[0];
  for (const m of parts) {
    if (m[1] !== undefined && cur?.kind === "map") {
      const key = JSON.parse(`"${m[1]}"`) as string;
      const items: MapNode["items"] = cur.items;
      const pair = items.find((i): i is Pair => i.kind === "pair" && i.key === key);
      cur = pair?.value;
    } else if (m[2] !== undefined && cur?.kind === "seq")
      cur = cur.items.filter((i) => i.kind !== "comment")[Number(m[2])] as Node | undefined;
    else cur = undefined;
    if (!cur)
      throw new SlipwayError({ code: "validation", message: `--extract ${expr}: no value at ${m[0]}`, file });
  }
  if (cur!.kind === "scalar") return String(cur!.value ?? "");
  const sub: SopsDocument = {
    format: doc.format === "yaml" ? "yaml" : "json",
    docs: [
      cur!.kind === "map" ? cur! : { kind: "map", items: [{ kind: "pair", key: "value", value: cur! }] },
    ],
  };
  return writeDocument(sub);
}

/** Where edit folders go: memory-backed `/dev/shm` when there is one (the plaintext never reaches a disk), else the temp folder. */
function editRoots(env: Record<string, string | undefined>): string[] {
  const roots = [];
  try {
    if (statSync("/dev/shm").isDirectory()) {
      accessSync("/dev/shm", constants.W_OK);
      roots.push("/dev/shm");
    }
  } catch {
    /* no /dev/shm here */
  }
  roots.push(env.TMPDIR || tmpdir());
  return roots;
}

const EDIT_PREFIX = "slipway-edit-";
/** Signals that may end slipway while the editor runs: each is caught so the plaintext is removed first. */
const EDIT_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/**
 * Removes edit folders of this user whose slipway is gone (killed with -9, or before this cleanup was
 * there): `slipway-edit-<pid>-…` with no such process. Returns what it removed.
 */
function removeStaleEditDirs(roots: string[]): string[] {
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const root of new Set(roots)) {
    let names: string[];
    try {
      names = readdirSync(root).filter((n) => n.startsWith(EDIT_PREFIX));
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = join(root, name);
      try {
        if (uid !== undefined && lstatSync(dir).uid !== uid) continue;
        const pid = Number(/^slipway-edit-(\d+)-/.exec(name)?.[1]);
        if (pid && alive(pid)) continue;
        // An old-style folder (no pid) is stale once it is a day old.
        if (!pid && Date.now() - lstatSync(dir).mtimeMs < 86_400_000) continue;
        rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      } catch {
        /* not ours to remove */
      }
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
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
  const roots = editRoots(ctx.env);
  const removedStale = removeStaleEditDirs(roots);
  const enc = readDocument(read(file), formatOf(file), file);
  const reuse: Reuse = new Map();
  const { plain, dataKey } = await decryptDocument(enc, findIdentities(ctx.env), file, reuse);
  const before = documentBytes(plain);
  const editor = ctx.env.SOPS_EDITOR || ctx.env.EDITOR || "vi";
  const dir = mkdtempSync(join(roots[0]!, `${EDIT_PREFIX}${process.pid}-`));
  const tmp = join(dir, basename(file));
  // The editor takes Ctrl-C; slipway must outlive every catchable signal to remove the plaintext.
  let received: NodeJS.Signals | undefined;
  const hold = (sig: NodeJS.Signals) => (received ??= sig);
  for (const sig of EDIT_SIGNALS) process.on(sig, hold);
  try {
    writeFileSync(tmp, before, { mode: 0o600 });
    // Run asynchronously, so a signal that comes while the editor is open is handled at once.
    const r = await new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((done) => {
      const p = spawn("sh", ["-c", `${editor} "$1"`, "slipway-edit", tmp], {
        stdio: "inherit",
        env: ctx.env as NodeJS.ProcessEnv,
      });
      p.on("error", () => done({ status: 127, signal: null }));
      p.on("close", (status, signal) => done({ status, signal }));
    });
    if (received && received !== "SIGINT") {
      throw new SlipwayError({
        code: "validation",
        message: `interrupted by ${received}; the plaintext copy was removed and the file is unchanged`,
        file,
      });
    }
    if (r.status !== 0) {
      throw new SlipwayError({
        code: "validation",
        message: `the editor (${editor}) exited with ${r.status ?? r.signal}; the file is unchanged`,
        file,
        hint: "set EDITOR (or SOPS_EDITOR) to an editor that waits until you close the file",
      });
    }
    const after = readFileSync(tmp);
    if (after.equals(before)) return { changed: false, removedStale };
    const edited = readDocument(enc.format === "binary" ? after : after.toString("utf8"), enc.format, file);
    // Same data key, recipients and rules; unchanged values keep their ciphertext.
    writeFileAtomic(file, writeDocument(await encryptLike(enc, edited, file, { dataKey, reuse })));
    return { changed: true, removedStale };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const sig of EDIT_SIGNALS) process.off(sig, hold);
  }
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

export interface CheckFinding {
  file: string;
  line?: number;
  rule: "plaintext-secret" | "not-encrypted" | "mac" | "unverified";
  message: string;
}

const SKIP_DIRS = new Set([".git", "node_modules", ".slipway", "dist"]);

function filesUnder(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => !SKIP_DIRS.has(d.name))
    .flatMap((d) =>
      d.isDirectory() ? filesUnder(join(path, d.name)) : d.isFile() ? [join(path, d.name)] : [],
    )
    .sort();
}

/** `secrets check`: plaintext Kubernetes Secrets, files a creation rule covers that are not encrypted, MACs that do not verify. */
export async function check(paths: string[], ctx: SecretsContext): Promise<CheckFinding[]> {
  const findings: CheckFinding[] = [];
  const ids = findIdentities(ctx.env);
  for (const p of paths.length ? paths : ["."]) {
    const root = resolve(ctx.cwd, p);
    if (!existsSync(root)) throw new SlipwayError({ code: "usage", message: `${p} does not exist` });
    for (const file of filesUnder(root)) {
      const format = formatOf(file);
      const config = findSopsConfig(dirname(file));
      const rule = config && !/\.sops\.ya?ml$/.test(file) ? safeRule(config, file) : undefined;
      const covered = rule?.pathRegex !== undefined;
      // Other files (binaries, sources) are only read when a creation rule says they hold secrets.
      if (format === "binary" && !covered) continue;
      const text = readFileSync(file, "utf8");
      const encrypted = /(^|\n)\s*"?sops"?\s*:|(^|\n)sops_mac=/.test(text) && text.includes("ENC[AES256_GCM");
      if (format === "yaml" && !encrypted) findings.push(...plaintextSecrets(text, file));
      if (covered && !encrypted) {
        findings.push({
          file,
          rule: "not-encrypted",
          message: `creation rule ${rule!.index} of ${rule!.configFile} (path_regex ${rule!.pathRegex}) covers this file, but it is not encrypted`,
        });
      }
      if (encrypted) {
        try {
          await decryptDocument(readDocument(text, format, file), ids, file);
        } catch (e) {
          if (!(e instanceof SlipwayError)) throw e;
          const noKey = e.message.startsWith("no age identity");
          findings.push({
            file,
            rule: noKey ? "unverified" : "mac",
            message: noKey ? "cannot verify: no identity opens it" : e.message,
          });
        }
      }
    }
  }
  return findings;
}

function safeRule(config: string, file: string): ChosenRule | undefined {
  try {
    return chooseRule(config, file);
  } catch {
    return undefined;
  }
}

/** Kubernetes Secrets whose data/stringData hold values that are secrets in clear (see isNotASecret). */
function plaintextSecrets(text: string, file: string): CheckFinding[] {
  const out: CheckFinding[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return out;
  }
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length) continue;
    const v = doc.toJS() as Record<string, unknown> | null;
    if (!v || v.kind !== "Secret") continue;
    for (const section of ["data", "stringData"]) {
      const values = v[section];
      if (!values || typeof values !== "object") continue;
      const plain = Object.entries(values).filter(([, x]) => !isNotASecret(x));
      if (plain.length === 0) continue;
      // Point at the `data:` / `stringData:` key of this document.
      const contents = doc.contents;
      const pair = isMap(contents)
        ? contents.items.find((p) => isScalar(p.key) && p.key.value === section)
        : undefined;
      const offset = (pair?.key as { range?: number[] } | undefined)?.range?.[0] ?? doc.range[0];
      const line = text.slice(0, offset).split("\n").length;
      const name = (v.metadata as Record<string, unknown> | undefined)?.name ?? "(unnamed)";
      out.push({
        file,
        line,
        rule: "plaintext-secret",
        message: `Secret ${String(name)} has plaintext ${section} (${plain.map(([k]) => k).join(", ")})`,
      });
    }
  }
  return out;
}
