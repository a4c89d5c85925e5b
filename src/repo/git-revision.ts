import { spawnSync } from "node:child_process";
import type { Dirent } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { globSync } from "tinyglobby";
import { SlipwayError } from "../core/errors.js";
import { Inputs } from "../core/inputs.js";
import { maxFileBytes } from "../core/read-file.js";

/** Runs git in `cwd` and returns its stdout; a failure is a SlipwayError with git's own words. */
export function git(cwd: string, args: string[], input?: string): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", input, maxBuffer: 1 << 30 });
  if (r.error)
    throw new SlipwayError({
      code: "io",
      message: `cannot run git: ${r.error.message}`,
      hint: "install git; describe affected reads the other revision through it",
    });
  if (r.status !== 0)
    throw new SlipwayError({
      code: "usage",
      message: `git ${args.join(" ")} failed: ${r.stderr.trim() || `exit ${r.status}`}`,
      hint: "run it in a git repository, with a revision that exists there",
    });
  return r.stdout;
}

/** The top folder of the git work tree holding `cwd`. */
export function gitRoot(cwd: string): string {
  return git(cwd, ["rev-parse", "--show-toplevel"]).trim();
}

/** A commit that `rev` (a branch, tag, SHA, `HEAD~2`…) names, as its full SHA. */
export function commitOf(root: string, rev: string): string {
  return git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`]).trim();
}

/**
 * The default branch's ref: origin's HEAD when a remote says which it is, else `main` or `master`
 * (the first that exists locally).
 */
export function defaultBranch(root: string): string {
  const r = spawnSync("git", ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  for (const b of ["main", "master"]) {
    const has = spawnSync("git", ["show-ref", "--verify", "--quiet", `refs/heads/${b}`], { cwd: root });
    if (has.status === 0) return b;
  }
  throw new SlipwayError({
    code: "usage",
    message: "no default branch to compare with: no origin/HEAD, no main, no master",
    hint: "pass --ref <branch> or --sha <commit>",
  });
}

/** The merge base of HEAD and `ref`: the commit the current branch started from. */
export function mergeBase(root: string, ref: string): string {
  return git(root, ["merge-base", "HEAD", ref]).trim();
}

/**
 * Files that differ between `commit` and the work tree (committed, staged or not, and untracked files
 * git does not ignore), as absolute paths, sorted. A rename counts as both of its names.
 */
export function changedFiles(root: string, commit: string): string[] {
  const diff = git(root, ["diff", "--name-only", "-z", "--no-renames", commit, "--"]);
  const untracked = git(root, ["ls-files", "--others", "--exclude-standard", "-z"]);
  const names = new Set([...diff.split("\0"), ...untracked.split("\0")].filter(Boolean));
  return [...names].map((n) => join(root, n)).sort();
}

interface TreeEntry {
  mode: string;
  oid: string;
}

/**
 * The files of one commit, read through git, never checked out: `git ls-tree` once for the names, one
 * `git cat-file --batch` for the contents of every file under `prefetch` (the stacks folder), and one
 * call per other file read. Paths outside the work tree are read from disk, as the engine would.
 */
export class RevisionInputs extends Inputs {
  private readonly files = new Map<string, TreeEntry>();
  private readonly dirs = new Map<string, Map<string, boolean>>([["", new Map()]]);
  private readonly blobs = new Map<string, Buffer>();
  private readonly treeFs;

  constructor(
    readonly root: string,
    readonly commit: string,
    prefetch: string[] = [],
  ) {
    super();
    const listing = git(root, ["ls-tree", "-r", "-z", "--full-tree", commit]);
    for (const line of listing.split("\0")) {
      if (!line) continue;
      const tab = line.indexOf("\t");
      const [mode, type, oid] = line.slice(0, tab).split(" ") as [string, string, string];
      if (type !== "blob") continue; // submodules are not files of this repository
      const name = line.slice(tab + 1);
      this.files.set(name, { mode, oid });
      this.addToDirs(name);
    }
    const wanted = prefetch.map((p) => this.relOf(p)).filter((p): p is string => p !== undefined);
    const oids = [...this.files]
      .filter(([name]) => wanted.some((w) => w === "" || name === w || name.startsWith(`${w}/`)))
      .map(([, e]) => e.oid);
    this.fetch(oids);
    this.treeFs = {
      readdirSync: (p: string) => this.readdir(p),
      statSync: (p: string) => this.stat(p),
      realpathSync: (p: string) => p,
    };
  }

  private addToDirs(name: string): void {
    let child = name;
    let isDir = false;
    for (;;) {
      const cut = child.lastIndexOf("/");
      const dir = cut < 0 ? "" : child.slice(0, cut);
      let kids = this.dirs.get(dir);
      const known = kids !== undefined;
      if (!kids) this.dirs.set(dir, (kids = new Map()));
      kids.set(child.slice(cut + 1), isDir);
      if (known || dir === "") return;
      child = dir;
      isDir = true;
    }
  }

  /** `path` relative to the work tree root, or undefined when it is outside it. */
  private relOf(path: string): string | undefined {
    const rel = relative(this.root, resolve(path));
    if (rel === "") return "";
    if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
    return rel;
  }

  /** Reads blobs in one `git cat-file --batch` call. */
  private fetch(oids: string[]): void {
    const todo = [...new Set(oids)].filter((o) => !this.blobs.has(o));
    if (todo.length === 0) return;
    const r = spawnSync("git", ["cat-file", "--batch"], {
      cwd: this.root,
      input: todo.join("\n") + "\n",
      maxBuffer: 1 << 30,
    });
    if (r.status !== 0)
      throw new SlipwayError({
        code: "io",
        message: `git cat-file --batch failed: ${String(r.stderr).trim()}`,
      });
    const out = r.stdout;
    let at = 0;
    while (at < out.length) {
      const nl = out.indexOf(10, at);
      const [oid, type, size] = out.subarray(at, nl).toString("latin1").split(" ") as [
        string,
        string,
        string,
      ];
      if (type === "missing") {
        at = nl + 1;
        continue;
      }
      const n = Number(size);
      this.blobs.set(oid, out.subarray(nl + 1, nl + 1 + n));
      at = nl + 1 + n + 1;
    }
  }

  /** The entry `rel` names, symbolic links followed inside the tree. */
  private entry(rel: string, depth = 0): TreeEntry | undefined {
    const e = this.files.get(rel);
    if (!e || e.mode !== "120000" || depth > 20) return e;
    const target = this.blob(e.oid).toString("utf8");
    const next = this.relOf(resolve(this.root, dirname(rel), target));
    return next === undefined ? undefined : this.entry(next, depth + 1);
  }

  private blob(oid: string): Buffer {
    if (!this.blobs.has(oid)) this.fetch([oid]);
    return this.blobs.get(oid) ?? Buffer.alloc(0);
  }

  override read(path: string): string {
    const rel = this.relOf(path);
    if (rel === undefined) return super.read(path);
    const e = this.entry(rel);
    if (!e)
      throw Object.assign(new Error(`ENOENT: no such file in commit ${this.commit.slice(0, 12)}: ${rel}`), {
        code: "ENOENT",
      });
    const bytes = this.blob(e.oid);
    const limit = maxFileBytes();
    if (bytes.length > limit)
      throw new SlipwayError({
        code: "validation",
        message: `${path} (at ${this.commit.slice(0, 12)}) is larger than ${limit} bytes, the most slipway reads from one file`,
        file: path,
        hint: "split it up, or raise SLIPWAY_MAX_FILE_SIZE (bytes, or e.g. 64m) if it really is that big",
      });
    return bytes.toString("utf8");
  }

  override isFile(path: string): boolean {
    const rel = this.relOf(path);
    if (rel === undefined) return super.isFile(path);
    return this.entry(rel) !== undefined;
  }

  override exists(path: string): boolean {
    const rel = this.relOf(path);
    if (rel === undefined) return super.exists(path);
    return this.dirs.has(rel) || this.entry(rel) !== undefined;
  }

  override glob(patterns: string | string[], cwd: string, ignore: string[] = []): string[] {
    if (this.relOf(cwd) === undefined) return super.glob(patterns, cwd, ignore);
    const list = Array.isArray(patterns) ? patterns : [patterns];
    // tinyglobby walks the commit's tree instead of the disk: the same matching rules, another file system.
    return globSync(list, { cwd, ignore, absolute: true, onlyFiles: true, fs: this.treeFs as never });
  }

  private readdir(path: string): Dirent[] {
    const rel = this.relOf(path.replace(/\/+$/, "") || "/");
    const kids = rel === undefined ? undefined : this.dirs.get(rel);
    if (!kids) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return [...kids].map(([name, isDir]) => {
      const link = !isDir && this.files.get(rel ? `${rel}/${name}` : name)?.mode === "120000";
      return {
        name,
        isFile: () => !isDir && !link,
        isDirectory: () => isDir,
        isSymbolicLink: () => link,
      } as Dirent;
    });
  }

  private stat(path: string) {
    const rel = this.relOf(path);
    const dir = rel !== undefined && this.dirs.has(rel);
    const file = rel !== undefined && this.entry(rel) !== undefined;
    if (!dir && !file) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return { isDirectory: () => dir, isFile: () => file, isSymbolicLink: () => false };
  }
}

/** The short form of a commit, for messages. */
export const shortSha = (sha: string) => sha.slice(0, 12);
