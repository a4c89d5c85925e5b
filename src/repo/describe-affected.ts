import { sep } from "node:path";
import { load } from "js-yaml";
import { SlipwayError } from "../core/errors.js";
import { StackEngine, type DescribedStack } from "../stack/engine.js";
import { findAffected, type AffectedComponent } from "../stack/affected.js";
import { addDependents, DependentsIndex } from "../stack/affected-dependents.js";
import { localModuleDirs } from "./module-calls.js";
import {
  changedFiles,
  commitOf,
  defaultBranch,
  gitRoot,
  mergeBase,
  RevisionInputs,
  shortSha,
} from "./git-revision.js";

export interface DescribeAffectedOptions {
  /** The repository as it is in the work tree (the newer side). */
  engine: StackEngine;
  env: Record<string, string | undefined>;
  /** Compare with this branch or tag (`--ref`)… */
  ref?: string;
  /** …or this commit (`--sha`); with neither, the merge base of HEAD and the default branch. */
  sha?: string;
  stack?: string;
  includeSettings?: boolean;
  includeDependents?: boolean;
  excludeLocked?: boolean;
}

export interface AffectedReport {
  /** The commit compared with, and how it was chosen. */
  base: { sha: string; from: string };
  affected: AffectedComponent[];
  /** What the config asks for that this comparison does not do, to print. */
  warnings: string[];
}

/**
 * `describe affected`: resolves the repository at another revision (read through git, no checkout)
 * and in the work tree, and lists the component instances that differ, with why.
 */
export async function describeAffected(opts: DescribeAffectedOptions): Promise<AffectedReport> {
  const config = opts.engine.config;
  const root = gitRoot(config.basePath);
  const base = chooseBase(root, opts);
  const inputs = new RevisionInputs(root, base.sha, [config.stacks.basePath]);
  const before = new StackEngine({ config, env: opts.env, inputs });
  const baseStacks = describeBase(before, opts.stack, base.sha);
  const index = opts.includeDependents ? new DependentsIndex() : undefined;
  const inHead = !opts.stack || opts.engine.stacks().has(opts.stack);
  if (!inHead && !before.stacks().has(opts.stack!))
    throw new SlipwayError({
      code: "unknown-stack",
      message: `-s ${opts.stack}: no such stack in the work tree or at ${shortSha(base.sha)}`,
      hint: "`slipway list stacks` lists the stacks",
    });
  const head = inHead ? opts.engine.describeStacksEach({ stack: opts.stack }) : [];
  const changed = changedFiles(root, base.sha);
  const affected = findAffected(head, baseStacks, {
    config,
    changedFiles: changed,
    moduleDirs: await moduleLookup(config.components.terraform.basePath, changed),
    stack: opts.stack,
    includeSettings: opts.includeSettings,
    excludeLocked: opts.excludeLocked,
    visit: index && ((c) => index.add(c)),
  });
  if (index) addDependents(affected, index, config, opts.includeSettings === true);
  return { base, affected, warnings: unsupportedSettings(opts.engine) };
}

/** atmos.yaml's `describe.affected.sections` (which sections to compare) is not implemented: say so. */
function unsupportedSettings(engine: StackEngine): string[] {
  let doc: unknown;
  try {
    doc = load(engine.loader.inputs.read(engine.config.file));
  } catch {
    return []; // the config loaded a moment ago; a read or parse failure now is not this check's to report
  }
  const sections = (doc as { describe?: { affected?: { sections?: unknown } } } | null)?.describe?.affected
    ?.sections;
  if (sections === undefined) return [];
  return [
    `warning: ${engine.config.file}: describe.affected.sections is not implemented; the built-in sections are compared (vars, env, providers, backend, backend_type, command, metadata, settings)`,
  ];
}

/** The local modules each terraform folder calls, read only when a file under the terraform base path changed. */
async function moduleLookup(
  base: string,
  changed: string[],
): Promise<((folder: string) => string[]) | undefined> {
  if (!changed.some((f) => f.startsWith(base + sep))) return undefined;
  const dirs = await localModuleDirs(base);
  return (folder) => {
    const found = dirs.get(folder) ?? [];
    if (found instanceof SlipwayError) throw found;
    return found;
  };
}

function chooseBase(root: string, opts: DescribeAffectedOptions): AffectedReport["base"] {
  if (opts.ref && opts.sha)
    throw new SlipwayError({ code: "usage", message: "--ref and --sha name the same thing; give one" });
  const named = opts.sha ?? opts.ref;
  if (named) {
    let sha: string;
    try {
      sha = commitOf(root, named);
    } catch {
      throw new SlipwayError({
        code: "usage",
        message: `${opts.sha ? "--sha" : "--ref"} ${named}: no such commit in ${root}`,
        hint: "`git log --oneline` lists commits, `git branch -a` branches; fetch it first if it is only on a remote",
      });
    }
    return { sha, from: named };
  }
  const branch = defaultBranch(root);
  return { sha: mergeBase(root, branch), from: `merge base of HEAD and ${branch}` };
}

/**
 * Every stack of the older revision, resolved one at a time. A revision without stack manifests is an
 * empty repository (everything in the work tree is new), as Atmos treats it; any other failure is
 * reported, saying which revision it is in.
 */
function* describeBase(
  engine: StackEngine,
  stack: string | undefined,
  sha: string,
): Generator<[string, DescribedStack]> {
  try {
    if (stack && !engine.stacks().has(stack)) return;
    yield* engine.describeStacksEach({ stack });
  } catch (e) {
    if (!(e instanceof SlipwayError)) throw e;
    throw new SlipwayError({
      code: e.code,
      message: `at ${shortSha(sha)} (the revision compared with): ${e.message}`,
      ...(e.file ? { file: e.file, line: e.line, col: e.col } : {}),
      hint: e.hint ?? `the file is as commit ${shortSha(sha)} has it: \`git show ${shortSha(sha)}:<path>\``,
    });
  }
}
