import { makeDirs } from "../core/fs-atomic.js";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  lstatSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { assetsDir } from "../core/assets.js";
import { SlipwayError } from "../core/errors.js";
import { closestName } from "../core/suggest.js";
import { identityFileText, newIdentity } from "../secrets/keys.js";
import { encryptDocument, readDocument, writeDocument } from "../secrets/sops-file.js";
import {
  FLAVOUR_INFO,
  FLAVOURS,
  GITIGNORE,
  IDENTITY_FILE,
  sopsConfigText,
  TOKEN_FILE,
  type Flavour,
} from "./init-files.js";

export { FLAVOUR_INFO, FLAVOURS, IDENTITY_FILE, type Flavour } from "./init-files.js";

export interface InitOptions {
  /** The folder to make the repository in; created when missing. */
  dir: string;
  flavour?: Flavour;
}

export interface InitResult {
  dir: string;
  flavour: Flavour;
  /** The stack the repository defines. */
  stack: string;
  /** Every file written, relative to `dir`, sorted. */
  files: string[];
  /** The age identity (mode 0600), absolute. */
  identityFile: string;
  recipient: string;
}

/** One file init writes: its place in the repository, its content and mode. */
interface PlannedFile {
  rel: string;
  content: string | Buffer;
  mode: number;
}

/** Config files that would shadow, or be shadowed by, the slipway.yaml init writes. */
const OTHER_CONFIGS = ["slipway.yml", "atmos.yaml", "atmos.yml"];

/** A flavour name as typed, checked; the closest one is suggested for a typo. */
export function parseFlavour(name: string | undefined): Flavour {
  if (name === undefined) return "homelab";
  if ((FLAVOURS as readonly string[]).includes(name)) return name as Flavour;
  const near = closestName(name, FLAVOURS);
  throw new SlipwayError({
    code: "usage",
    message: `unknown flavour "${name}"${near ? ` (did you mean ${near}?)` : ""}`,
    hint: `choose one of ${FLAVOURS.join(", ")}: slipway init --flavour ${near ?? "homelab"}`,
  });
}

/**
 * `slipway init`: a minimal repository of one flavour that validates, plans and renders as it is — the
 * flavour's template, `.gitignore`, a `.sops.yaml` for a fresh age recipient, the identity in
 * `.slipway/age-key.txt` (0600, gitignored) and, for the k3s flavours, a join token encrypted for it.
 * Refuses, writing nothing, when any of those files (or another config file) is already there.
 */
export async function initRepository(opts: InitOptions): Promise<InitResult> {
  const flavour = opts.flavour ?? "homelab";
  const dir = resolve(opts.dir);
  const template = templateFiles(flavour);
  refuseExisting(dir, [...template.map((f) => f.rel), ...OTHER_CONFIGS, ...generatedNames(flavour)]);
  // Everything is made before anything is written: a failure here leaves the folder as it was.
  const { identity, recipient } = await newIdentity();
  const files: PlannedFile[] = [
    ...template,
    { rel: ".gitignore", content: GITIGNORE, mode: 0o644 },
    { rel: ".sops.yaml", content: sopsConfigText(recipient, FLAVOUR_INFO[flavour].engine), mode: 0o644 },
    { rel: IDENTITY_FILE, content: identityFileText(identity, recipient), mode: 0o600 },
  ];
  if (FLAVOUR_INFO[flavour].k3sToken)
    files.push({
      rel: TOKEN_FILE,
      content: await k3sTokenFile(recipient, join(dir, TOKEN_FILE)),
      mode: 0o644,
    });
  writeAll(dir, files);
  return {
    dir,
    flavour,
    stack: FLAVOUR_INFO[flavour].stack,
    files: files.map((f) => f.rel).sort(),
    identityFile: join(dir, IDENTITY_FILE),
    recipient,
  };
}

function generatedNames(flavour: Flavour): string[] {
  return [".gitignore", ".sops.yaml", IDENTITY_FILE, ...(FLAVOUR_INFO[flavour].k3sToken ? [TOKEN_FILE] : [])];
}

/** The flavour's template files (assets/init/<flavour>/), with their modes (the Packer scripts run). */
function templateFiles(flavour: Flavour): PlannedFile[] {
  const root = join(assetsDir(), "init", flavour);
  const out: PlannedFile[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else
        out.push({
          rel: relative(root, abs).split(sep).join("/"),
          content: readFileSync(abs),
          mode: statSync(abs).mode & 0o111 ? 0o755 : 0o644,
        });
    }
  };
  walk(root);
  return out;
}

/** The first of `rels` already under `dir` (a dangling symlink counts), as an error; nothing when none is. */
function refuseExisting(dir: string, rels: string[]): void {
  const there = (p: string) => {
    try {
      lstatSync(p);
      return true;
    } catch {
      return false;
    }
  };
  if (there(dir) && !isFolder(dir))
    throw new SlipwayError({
      code: "io",
      message: `${dir} exists and is not a folder`,
      file: dir,
      hint: "name a new or an existing folder: slipway init my-platform",
    });
  const sorted = [...rels].sort();
  // A file where init needs a folder (secrets, stacks/deploy) blocks it as surely as the file itself.
  const blocked = sorted
    .flatMap((r) =>
      r
        .split("/")
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
    )
    .find((d) => there(join(dir, d)) && !isFolder(join(dir, d)));
  if (blocked !== undefined)
    throw new SlipwayError({
      code: "conflict",
      message: `${blocked} in ${dir} is not a folder, and init writes files under it; nothing was written`,
      file: join(dir, blocked),
      hint: "run init in a folder without it: slipway init my-platform",
    });
  const first = sorted.find((r) => there(join(dir, r)));
  if (first === undefined) return;
  const isConfig = OTHER_CONFIGS.includes(first) || first === "slipway.yaml";
  throw new SlipwayError({
    code: "conflict",
    message: `${first} already exists in ${dir}; init never overwrites a file, so nothing was written`,
    file: join(dir, first),
    hint: isConfig
      ? "this folder already holds a repository: run `slipway validate stacks` in it"
      : "run init in a folder without these files: slipway init my-platform",
  });
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A fresh k3s join token, SOPS-encrypted for the recipient (the `secrets/` creation rule: every value). */
async function k3sTokenFile(recipient: string, file: string): Promise<string> {
  const plain = readDocument(`token: ${randomBytes(32).toString("hex")}\n`, "yaml", file);
  return writeDocument(await encryptDocument(plain, { groups: [[recipient]] }, file));
}

/**
 * Writes every file, each with O_EXCL so a file that appeared since the check is never overwritten; on any
 * failure the files and folders made so far are removed again.
 */
function writeAll(dir: string, files: PlannedFile[]): void {
  const made: string[] = [];
  const dirs: string[] = [];
  const mkdirs = (d: string, mode: number) => {
    const first = makeDirs(d, mode);
    // mkdirSync returns the first folder it made; the ones under it were made too.
    for (let p = d; first !== undefined && p.length >= first.length; p = dirname(p)) dirs.push(p);
  };
  try {
    mkdirs(dir, 0o755);
    for (const f of files) {
      const path = join(dir, f.rel);
      // The identity's folder only its owner may enter, as sops users keep theirs.
      mkdirs(dirname(path), f.rel === IDENTITY_FILE ? 0o700 : 0o755);
      writeFileSync(path, f.content, { mode: f.mode, flag: "wx" });
      made.push(path);
      chmodSync(path, f.mode);
    }
  } catch (e) {
    for (const p of made) rmSync(p, { force: true });
    for (const d of [...new Set(dirs)].sort((a, b) => b.length - a.length))
      try {
        rmdirSync(d);
      } catch {
        /* not empty: something else is in it, so it stays */
      }
    const err = e as NodeJS.ErrnoException;
    const file = err.path ?? dir;
    throw new SlipwayError({
      code: err.code === "EEXIST" ? "conflict" : "io",
      message: `cannot write ${file}: ${err.code ?? err.message}; nothing was written`,
      file,
      hint:
        err.code === "EEXIST"
          ? "a file appeared while init ran: run init again"
          : "check that you may write to that folder",
      cause: e,
    });
  }
}
