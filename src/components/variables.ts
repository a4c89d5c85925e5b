import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { closestName } from "../core/suggest.js";
import { SlipwayError } from "../core/errors.js";
import { cacheDir, ensureCacheDir, readCacheFile, writeCacheFile } from "../cache/policy.js";
import type { StackEngine } from "../stack/engine.js";
import type { ResolvedComponent, Warning } from "../stack/types.js";

/** A `variable` block of an OpenTofu module or a Packer template. */
export interface DeclaredVariable {
  name: string;
  /** No `default`: the stack must set it. */
  required: boolean;
  file: string;
  line: number;
}

/** Which files declare variables, per component type. */
const SOURCES: Record<string, { hcl: string[]; json: string[] }> = {
  terraform: { hcl: [".tf"], json: [".tf.json"] },
  packer: { hcl: [".pkr.hcl"], json: [".pkr.json"] },
};

type HclParse = (file: string, text: string) => Promise<Record<string, unknown>>;
// HashiCorp's HCL parser compiled to WebAssembly: ~120 ms to start, so it loads only when the cache misses.
/** Bumped when a cache entry's shape changes. */
const VARIABLES_FORMAT = 1;

const hclParse = async (): Promise<HclParse> => (await import("@cdktf/hcl2json")).parse as HclParse;

/**
 * The variables a component folder declares, parsed with a real HCL parser. Results are cached under
 * `cacheDir` (undefined: no cache) by a hash of the files' names and contents, so a repeated run reads one
 * small JSON file.
 * Undefined when the component type has no variable files to check (ansible, kubernetes).
 */
export async function declaredVariables(
  dir: string,
  type: string,
  cacheDir: string | undefined,
): Promise<DeclaredVariable[] | undefined> {
  const kinds = SOURCES[type];
  if (!kinds || !existsSync(dir)) return undefined;
  const names = readdirSync(dir)
    .filter((f) => [...kinds.hcl, ...kinds.json].some((ext) => f.endsWith(ext)))
    .sort();
  const files = names.map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.name}\0${f.text}\0`);
  const cacheFile = cacheDir && join(cacheDir, `${hash.digest("hex").slice(0, 32)}.json`);
  const hit = cacheFile && readCacheFile(cacheFile);
  if (hit) {
    try {
      const cached = JSON.parse(hit) as DeclaredVariable[];
      return cached.map((v) => ({ ...v, file: join(dir, v.file) }));
    } catch {
      // A damaged cache entry is parsed again and rewritten.
    }
  }
  const found: DeclaredVariable[] = [];
  for (const f of files) {
    const json = kinds.json.some((ext) => f.name.endsWith(ext));
    const body = json ? parseJson(join(dir, f.name), f.text) : await parseHcl(join(dir, f.name), f.text);
    const blocks = body.variable;
    if (!blocks || typeof blocks !== "object") continue;
    for (const [name, decl] of Object.entries(blocks as Record<string, unknown>)) {
      // hcl2json gives a list of blocks per name; the JSON syntax gives the block itself.
      const block = (Array.isArray(decl) ? decl[0] : decl) as Record<string, unknown> | undefined;
      found.push({
        name,
        required: !block || !("default" in block),
        file: f.name,
        line: lineOf(
          f.text,
          json ? `"${name}"` : new RegExp(`^[ \\t]*variable\\s+"?${escape(name)}"?\\s*\\{`, "m"),
        ),
      });
    }
  }
  // In file order, then source order (hcl2json sorts names), so reports read like the module.
  found.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  if (cacheFile && ensureCacheDir(cacheDir)) writeCacheFile(cacheFile, JSON.stringify(found) + "\n");
  return found.map((v) => ({ ...v, file: join(dir, v.file) }));
}

async function parseHcl(file: string, text: string): Promise<Record<string, unknown>> {
  try {
    return await (
      await hclParse()
    )(file, text);
  } catch (e) {
    // "parse config: [main.tf:2,13-3,1: Invalid expression; Expected the start of an expression, …]"
    const msg = String((e as Error)?.message ?? e);
    const m = /:(\d+),(\d+)(?:-[\d,]+)?: ([^\]]*)/.exec(msg);
    throw new SlipwayError({
      code: "validation",
      message: m ? m[3]!.trim() : msg,
      file,
      ...(m ? { line: Number(m[1]), col: Number(m[2]) } : {}),
      hint: "fix the HCL syntax; slipway reads variable blocks with HashiCorp's HCL parser before any run",
    });
  }
}

function parseJson(file: string, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new SlipwayError({
      code: "validation",
      message: `not valid JSON: ${(e as Error).message}`,
      file,
      hint: "fix the JSON syntax of this file",
    });
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function lineOf(text: string, what: string | RegExp): number {
  const at = typeof what === "string" ? text.indexOf(what) : (what.exec(text)?.index ?? -1);
  return at < 0 ? 1 : text.slice(0, at).split("\n").length;
}

/** What the variable check found: errors stop a run; warnings are printed. */
export interface VariableReport {
  errors: SlipwayError[];
  warnings: Warning[];
  /** The vars the module does not declare (each also a warning), with the closest declared name. */
  undeclared: { name: string; near?: string; warning: Warning }[];
}

/**
 * Compares the vars a stack sets with the declared variables: a required variable the stack does not set
 * is an error (the tool would stop or prompt); a var the module does not declare is a warning naming the
 * closest declared one, since Atmos repositories often set shared vars on every component on purpose.
 */
export function checkVariables(
  c: ResolvedComponent,
  declared: DeclaredVariable[],
  folder: string,
  placeOf: (varName: string) => { file: string; line?: number; col?: number },
): VariableReport {
  const what = `component "${c.atmos_component}" in stack "${c.atmos_stack}"`;
  const names = new Set(declared.map((d) => d.name));
  const errors = declared
    .filter((d) => d.required && !(d.name in c.vars))
    .map(
      (d) =>
        new SlipwayError({
          code: "validation",
          message: `required variable "${d.name}" (no default) is not set for ${what}`,
          file: d.file,
          line: d.line,
          col: 1,
          hint: `set vars.${d.name} for this component in the stack, or give the variable a default`,
        }),
    );
  const undeclared = Object.keys(c.vars)
    .filter((k) => !names.has(k))
    .map((k) => {
      const near = closestName(k, [...names]);
      const warning: Warning = {
        ...placeOf(k),
        message: `vars.${k} is set for ${what}, but ${folder} declares no variable "${k}"${near ? ` (did you mean "${near}"?)` : ""}`,
      };
      return { name: k, ...(near ? { near } : {}), warning };
    });
  return { errors, warnings: undeclared.map((u) => u.warning), undeclared };
}

/** The variable check of one resolved component, or undefined when its type has no variable files. */
export async function checkComponentVariables(
  engine: StackEngine,
  c: ResolvedComponent,
  dir: string,
): Promise<VariableReport | undefined> {
  const declared = await declaredVariables(
    dir,
    c.component_type,
    cacheDir(engine.loader.env, "variables", VARIABLES_FORMAT),
  );
  if (!declared) return undefined;
  const folder = relative(engine.config.basePath, dir) || ".";
  return checkVariables(c, declared, folder, (k) =>
    engine.placeOf(c.atmos_stack, c.atmos_component, "vars", [k], c.component_type),
  );
}
