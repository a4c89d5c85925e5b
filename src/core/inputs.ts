import { hash } from "node:crypto";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { globSync } from "tinyglobby";
import { holdsPrivateKey, isSystemPath, readBoundedText } from "./read-file.js";

/**
 * Everything a run of the stack engine read from outside: file contents (as hashes), file and folder
 * checks, glob results and environment variables. Replaying it later tells whether the same run would
 * read the same things — and so give the same output (the engine is pure apart from these reads).
 */
export interface InputRecord {
  /** File → SHA-1 of its bytes, or null when it could not be read. */
  reads: Record<string, string | null>;
  isFile: Record<string, boolean>;
  exists: Record<string, boolean>;
  globs: GlobRecord[];
  /** Variable → its value, or null when unset. Only variables safe to keep on disk (see `recordEnv`). */
  env: Record<string, string | null>;
  /** Why this run must not be replayed from a record, when it must not (an env value that may be secret). */
  unreplayable?: string;
}

/** One `globSync` call (absolute paths, files only) and what it found. */
export interface GlobRecord {
  patterns: string[];
  cwd: string;
  ignore: string[];
  result: string[];
}

/** File reads and checks for the engine and config loading; with a record, each one is also written down. */
export class Inputs {
  constructor(readonly record?: InputRecord) {}

  /**
   * A regular file's text, within the size limit (see readBoundedText); throws what the read throws. A run
   * that read system state (`/proc/self/environ`, anything under /sys or /dev) or a private key is never
   * recorded, so its output is never cached on disk.
   */
  read(path: string): string {
    let text: string;
    try {
      text = readBoundedText(path);
    } catch (e) {
      if (this.record) this.record.reads[path] = null;
      throw e;
    }
    if (this.record) {
      this.record.reads[path] = contentHash(text);
      if (isSystemPath(realPath(path))) this.record.unreplayable ??= `reads ${path}`;
      else if (holdsPrivateKey(text)) this.record.unreplayable ??= `reads a private key (${path})`;
    }
    return text;
  }

  isFile(path: string): boolean {
    const ok = isFile(path);
    if (this.record) this.record.isFile[path] = ok;
    return ok;
  }

  exists(path: string): boolean {
    const ok = existsSync(path);
    if (this.record) this.record.exists[path] = ok;
    return ok;
  }

  /** Files matching `patterns` under `cwd`, as absolute paths, in tinyglobby's order. */
  glob(patterns: string | string[], cwd: string, ignore: string[] = []): string[] {
    const list = Array.isArray(patterns) ? patterns : [patterns];
    const result = runGlob(list, cwd, ignore);
    this.record?.globs.push({ patterns: list, cwd, ignore, result });
    return result;
  }
}

/**
 * Replays a record, cheapest checks first: true when every read gives the same answer now (the same run
 * would read the same things), false at the first that does not.
 */
export function replays(r: InputRecord, env: Record<string, string | undefined>): boolean {
  if (r.unreplayable) return false;
  for (const [name, value] of Object.entries(r.env)) if ((env[name] ?? null) !== value) return false;
  for (const [path, ok] of Object.entries(r.exists)) if (existsSync(path) !== ok) return false;
  for (const [path, ok] of Object.entries(r.isFile)) if (isFile(path) !== ok) return false;
  for (const g of r.globs) {
    const now = runGlob(g.patterns, g.cwd, g.ignore);
    if (now.length !== g.result.length || now.some((p, i) => p !== g.result[i])) return false;
  }
  for (const [path, digest] of Object.entries(r.reads)) {
    let now: string | null;
    try {
      now = contentHash(readFileSync(path, "utf8"));
    } catch {
      now = null;
    }
    if (now !== digest) return false;
  }
  return true;
}

/** The one glob call shape the engine uses; replay runs exactly this. */
function runGlob(patterns: string[], cwd: string, ignore: string[]): string[] {
  return globSync(patterns, { cwd, ignore, absolute: true, onlyFiles: true });
}

function realPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** SHA-1 of a file's text, hex. */
function contentHash(text: string): string {
  return hash("sha1", text, "hex");
}

/** An empty record. */
export function newRecord(): InputRecord {
  return { reads: {}, isFile: {}, exists: {}, globs: [], env: {} };
}

/** Variables that name where the config is: their values are paths, safe to keep in a record. */
const PATH_VARIABLES = new Set(["SLIPWAY_CONFIG", "ATMOS_CLI_CONFIG_PATH"]);
/** The `ATMOS_*` settings the config loader reads (config/atmos-env.ts): paths and names, no secrets. */
const isAtmosSettingVariable = (name: string): boolean =>
  /^ATMOS_(BASE_PATH|STACKS_[A-Z_]+|COMPONENTS_[A-Z_]+|WORKFLOWS_BASE_PATH|SETTINGS_LIST_MERGE_STRATEGY|VENDOR_BASE_PATH|SCHEMAS_[A-Z_]+)$/.test(
    name,
  );

/**
 * The environment, with every lookup written to `record`. A variable that is set and may end up in the
 * output (`!env TOKEN`, `{{ env "TOKEN" }}`) makes the run unreplayable: keeping its value to compare
 * later would put a possible secret on disk, so such runs are simply not recorded.
 */
export function recordEnv(
  env: Record<string, string | undefined>,
  record: InputRecord,
): Record<string, string | undefined> {
  const note = (target: typeof env, key: string | symbol) => {
    if (typeof key !== "string") return;
    const value = target[key];
    if (value === undefined) record.env[key] = null;
    else if (PATH_VARIABLES.has(key) || isAtmosSettingVariable(key)) record.env[key] = value;
    else record.unreplayable ??= `reads environment variable ${key}`;
  };
  return new Proxy(env, {
    get(target, key) {
      note(target, key);
      return Reflect.get(target, key) as string | undefined;
    },
    has(target, key) {
      note(target, key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      record.unreplayable ??= "lists the environment";
      return Reflect.ownKeys(target);
    },
  });
}
