import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SlipwayError } from "../core/errors.js";

type HclParse = (file: string, text: string) => Promise<Record<string, unknown>>;

/**
 * For every folder under the terraform base path that holds `.tf` / `.tf.json` files: the folders its
 * `module` blocks without a `version` point at (local modules), as Atmos finds them for its
 * `component.module` reason. A folder whose files do not parse keeps the error, thrown only when a
 * component that uses the folder is compared (as Atmos fails then, and only then).
 */
export async function localModuleDirs(base: string): Promise<Map<string, string[] | SlipwayError>> {
  const out = new Map<string, string[] | SlipwayError>();
  // HashiCorp's HCL parser compiled to WebAssembly, loaded at the first file that may call a module.
  let parse: HclParse | undefined;
  for (const dir of folders(base)) {
    const files = readdirSync(dir).filter((f) => f.endsWith(".tf") || f.endsWith(".tf.json"));
    if (files.length === 0) continue;
    try {
      const dirs: string[] = [];
      for (const name of files.sort()) {
        const file = join(dir, name);
        const text = readFileSync(file, "utf8");
        // A file without the word can hold no module block: the parser (a Go runtime in WebAssembly,
        // ~50 MB and a few hundred ms to start) is loaded only for files that may.
        if (!/(^|[\s{"])module["\s]/.test(text)) continue;
        parse ??= (await import("@cdktf/hcl2json")).parse as HclParse;
        const body = name.endsWith(".json")
          ? (JSON.parse(text) as Record<string, unknown>)
          : await parse(file, text);
        for (const call of moduleCalls(body.module))
          if (call.version === undefined) dirs.push(resolve(dir, call.source));
      }
      out.set(dir, dirs);
    } catch (e) {
      out.set(
        dir,
        new SlipwayError({
          code: "validation",
          message: `cannot read the module calls of ${dir}: ${String((e as Error)?.message ?? e)}`,
          file: dir,
          hint: "fix the Terraform syntax; describe affected reads module blocks to find changed local modules",
        }),
      );
    }
  }
  return out;
}

/** `module` blocks as hcl2json (a list per name) or the JSON syntax (the block itself) gives them. */
function moduleCalls(raw: unknown): { source: string; version?: string }[] {
  if (!raw || typeof raw !== "object") return [];
  return Object.values(raw as Record<string, unknown>).flatMap((v) =>
    (Array.isArray(v) ? v : [v]).flatMap((b) => {
      const o = b as Record<string, unknown> | undefined;
      if (typeof o?.source !== "string") return [];
      return [{ source: o.source, ...(typeof o.version === "string" ? { version: o.version } : {}) }];
    }),
  );
}

/** `base` and every folder below it, except hidden ones (`.terraform`, `.git`). */
function folders(base: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    out.push(dir);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith(".")) walk(join(dir, e.name));
  };
  walk(base);
  return out;
}
