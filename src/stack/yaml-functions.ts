// The last step of resolving a component: Atmos's YAML functions (`!exec`, `!terraform.output`, …), held as
// YamlFunction markers through merging and templating, replaced by their values — as Atmos evaluates them,
// on the final component. Everything that reaches outside (a shell, git, tofu, a secret) goes through a
// FunctionRuntime the caller gives: the engine itself stays free of processes.
import { randomInt } from "node:crypto";
import { resolve } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { isMap, YamlFunction } from "../yaml/markers.js";
import { parseRandomRange, parseTerraformRef, type TerraformRef } from "./function-args.js";
import { IDENTITY_FIELDS, type Json, type ResolvedComponent } from "./types.js";

/** What the functions that reach outside the repository's files run on. */
export interface FunctionRuntime {
  /** `!exec`: runs `command` through the shell; its standard output. Throws when it fails. */
  exec(command: string): string;
  /** `!git.branch`, `!git.sha`, `!repo-root`: asks git in the working directory. */
  git(what: "branch" | "sha" | "root"): string;
  /** The directory slipway runs in (`!cwd`). */
  cwd: string;
  /** `!terraform.output` / `!terraform.state`: a value of another component's state, read with the real tool. */
  terraform(kind: "output" | "state", ref: Required<TerraformRef>, from: ResolvedComponent): unknown;
  /** `!secret NAME`: the declared secret's value. */
  secret(arg: string, from: ResolvedComponent): unknown;
}

export interface FunctionOptions {
  /** False: leave every function as its text, as `describe --process-functions=false` shows it. */
  process: boolean;
  runtime?: FunctionRuntime;
  /** Told once per evaluation that reads outside state (a shell, git, tofu, a secret): the output cannot be cached. */
  onImpure?: (why: string) => void;
  /** Where a function sits, for errors: the component's section and path. */
  placeOf: (section: string, path: (string | number)[]) => { file: string; line?: number; col?: number };
}

const SKIP = new Set(IDENTITY_FIELDS);

/** Every YamlFunction in a component, with the section and path where it sits. */
export function functionsIn(
  c: ResolvedComponent,
): { fn: YamlFunction; section: string; path: (string | number)[] }[] {
  const out: { fn: YamlFunction; section: string; path: (string | number)[] }[] = [];
  const visit = (v: unknown, section: string, path: (string | number)[]) => {
    if (v instanceof YamlFunction) out.push({ fn: v, section, path });
    else if (Array.isArray(v)) v.forEach((x, i) => visit(x, section, [...path, i]));
    else if (isMap(v)) for (const k in v) visit(v[k], section, [...path, k]);
  };
  for (const key of Object.keys(c)) if (!SKIP.has(key)) visit((c as unknown as Json)[key], key, []);
  return out;
}

/** The component with every YamlFunction replaced by its value (or, with `process: false`, its text). */
export function evaluateFunctions(c: ResolvedComponent, opts: FunctionOptions): ResolvedComponent {
  const out: Json = { ...(c as unknown as Json) };
  for (const key of Object.keys(out)) {
    if (SKIP.has(key)) continue;
    out[key] = replace(out[key], key, [], (fn, path) => evaluateOne(fn, c, key, path, opts));
  }
  return out as unknown as ResolvedComponent;
}

function replace(
  v: unknown,
  section: string,
  path: (string | number)[],
  fn: (f: YamlFunction, path: (string | number)[]) => unknown,
): unknown {
  if (v instanceof YamlFunction) return fn(v, path);
  if (Array.isArray(v)) return v.map((x, i) => replace(x, section, [...path, i], fn));
  if (isMap(v)) {
    const o: Json = {};
    for (const k in v) o[k] = replace(v[k], section, [...path, k], fn);
    return o;
  }
  return v;
}

function evaluateOne(
  fn: YamlFunction,
  c: ResolvedComponent,
  section: string,
  path: (string | number)[],
  opts: FunctionOptions,
): unknown {
  if (fn.tag === "!literal") return fn.arg;
  if (!opts.process) return fn.toJSON();
  const fail = (message: string, hint: string): never => {
    throw new SlipwayError({
      code: "yaml-function",
      message: `${fn.tag} in ${[section, ...path].join(".")} of component "${c.atmos_component}" (stack "${c.atmos_stack}"): ${message}`,
      ...opts.placeOf(section, path),
      hint,
    });
  };
  try {
    return evaluate(fn, c, opts, fail);
  } catch (e) {
    // An error with a place of its own (the other component's files) keeps it; any other gets this one.
    if (e instanceof SlipwayError && e.file) throw e;
    return fail(
      (e as Error).message,
      (e instanceof SlipwayError ? e.hint : undefined) ??
        HINTS[fn.tag] ??
        "see the YAML functions in the README",
    );
  }
}

/**
 * What can be judged of a component's YAML functions without running them (`validate stacks` runs none, as
 * Atmos's does not: a CI gate must not need a shell's side effects or another component's state): the
 * arguments each one needs, parsed as evaluation parses them. One error per function that cannot work.
 */
export function checkFunctions(c: ResolvedComponent, placeOf: FunctionOptions["placeOf"]): SlipwayError[] {
  const errors: SlipwayError[] = [];
  for (const { fn, section, path } of functionsIn(c)) {
    const fail = (message: string, hint: string) =>
      errors.push(
        new SlipwayError({
          code: "yaml-function",
          message: `${fn.tag} in ${[section, ...path].join(".")} of component "${c.atmos_component}" (stack "${c.atmos_stack}"): ${message}`,
          ...placeOf(section, path),
          hint,
        }),
      );
    try {
      if (fn.tag === "!exec" && !fn.arg) fail("needs a command", HINTS["!exec"]!);
      else if (fn.tag === "!terraform.output" || fn.tag === "!terraform.state") parseTerraformRef(fn.arg);
      else if (fn.tag === "!random") parseRandomRange(fn.arg);
      else if (fn.tag === "!secret" && !fn.arg.trim()) fail("needs the name of a secret", HINTS["!secret"]!);
    } catch (e) {
      fail((e as Error).message, HINTS[fn.tag] ?? "see the YAML functions in the README");
    }
  }
  return errors;
}

const HINTS: Record<string, string> = {
  "!exec":
    "the command runs with /bin/sh -c in the directory slipway runs in; its output (JSON, else text) is the value",
  "!template":
    "the argument is rendered with the component's templates, then read as JSON (else kept as text)",
  "!random": "`!random`, `!random <max>` or `!random <min> <max>` (integers, inclusive)",
  "!terraform.output":
    "`!terraform.output <component> [<stack>] <output or .path>`; apply the component first",
  "!terraform.state": "`!terraform.state <component> [<stack>] <output or .path>`; apply the component first",
  "!secret": "declare the secret under secrets.vars with a SOPS provider (see the README)",
};

function evaluate(
  fn: YamlFunction,
  c: ResolvedComponent,
  opts: FunctionOptions,
  fail: (message: string, hint: string) => never,
): unknown {
  const runtime = (): FunctionRuntime =>
    opts.runtime ??
    fail(
      "this caller of the library gave no runtime for functions that run tools",
      "open the engine with a FunctionRuntime (the CLI does)",
    );
  switch (fn.tag) {
    case "!template":
      return jsonOrText(fn.arg);
    case "!random": {
      const { min, max } = parseRandomRange(fn.arg);
      opts.onImpure?.("uses !random");
      return randomInt(min, max + 1);
    }
    case "!cwd": {
      opts.onImpure?.("uses !cwd");
      const cwd = runtime().cwd;
      return fn.arg ? resolve(cwd, fn.arg) : cwd;
    }
    case "!repo-root":
    case "!git.branch":
    case "!git.sha": {
      opts.onImpure?.(`uses ${fn.tag}`);
      const what = fn.tag === "!repo-root" ? "root" : fn.tag === "!git.sha" ? "sha" : "branch";
      // The argument is the value to use outside a git repository (Atmos's rule).
      try {
        return runtime().git(what);
      } catch (e) {
        if (fn.arg && !(e instanceof SlipwayError)) return fn.arg;
        throw e;
      }
    }
    case "!exec": {
      if (!fn.arg) fail("needs a command", HINTS["!exec"]!);
      opts.onImpure?.("uses !exec");
      return jsonOrText(runtime().exec(fn.arg).replace(/\n+$/, ""));
    }
    case "!terraform.output":
    case "!terraform.state": {
      const ref = parseTerraformRef(fn.arg);
      opts.onImpure?.(`uses ${fn.tag}`);
      return runtime().terraform(
        fn.tag === "!terraform.output" ? "output" : "state",
        { ...ref, stack: ref.stack ?? c.atmos_stack },
        c,
      );
    }
    case "!secret":
      opts.onImpure?.("uses !secret");
      return runtime().secret(fn.arg, c);
    default:
      return fail("is not a function slipway evaluates", "see the YAML functions in the README");
  }
}

/** JSON when the text is JSON, else the text (Atmos's rule for !exec and !template). */
function jsonOrText(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}
