// HCL files (`.tfvars`, `.hcl`, `.tf`) read into plain values for `!include`, with HashiCorp's own parser
// (@cdktf/hcl2json, Go compiled to WebAssembly). Its published API is asynchronous, but the parse itself
// answers synchronously once the module runs — and YAML parsing is synchronous — so the module is started
// here the way its bridge starts it, with the synchronous WebAssembly API, on the first HCL include only.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";

type ParseFn = (file: string, text: string, cb: (err: string | null, json?: string) => void) => void;
let parseFn: ParseFn | undefined;

function hclParser(): ParseFn {
  if (parseFn) return parseFn;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("@cdktf/hcl2json/package.json"));
  require(join(dir, "wasm", "bridge_wasm_exec.js"));
  const g = globalThis as unknown as { Go: new () => GoRuntime; __parse_terraform_config_wasm__: unknown };
  const go = new g.Go();
  const module = new WebAssembly.Module(gunzipSync(readFileSync(join(dir, "main.wasm.gz"))));
  const root: Record<string, ParseFn> = {};
  g.__parse_terraform_config_wasm__ = root;
  void go.run(new WebAssembly.Instance(module, go.importObject));
  if (typeof root.parse !== "function") throw new Error("the HCL parser (@cdktf/hcl2json) did not start");
  return (parseFn = root.parse);
}

interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

/**
 * The attributes of an HCL file as a map, as Atmos's `!include` reads them: literal values only. A block
 * (`resource "x" "y" {}`) or an expression that needs evaluating (`var.x`, `"${…}"`) is an error naming it —
 * Atmos refuses both too.
 */
export function parseHclValues(text: string, file: string): Record<string, unknown> {
  let out: { err: string | null; json?: string } | undefined;
  hclParser()(file, text, (err, json) => (out = { err, json }));
  if (!out) throw new Error(`the HCL parser gave no answer for ${file}`);
  if (out.err) throw new Error(`invalid HCL in ${file}: ${out.err.split("\n")[0]}`);
  const data = JSON.parse(out.json ?? "{}") as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    if (!isAttribute(text, key))
      throw new Error(
        `${file}: "${key}" is a block; !include reads an HCL file's attributes (key = value) only`,
      );
    const expr = firstExpression(value);
    if (expr !== undefined)
      throw new Error(`${file}: "${key}" holds an expression (${expr}); !include reads literal values only`);
  }
  return data;
}

/** hcl2json gives blocks and attributes the same shape; the text tells them apart (`key =` vs `key {`). */
function isAttribute(text: string, key: string): boolean {
  const name = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\s*${name}\\s*=`, "m").test(text);
}

/** hcl2json keeps what it cannot evaluate as `${…}` text; the first such string, if any. */
function firstExpression(v: unknown): string | undefined {
  if (typeof v === "string") return /\$\{/.test(v) ? v : undefined;
  if (Array.isArray(v)) return v.map(firstExpression).find((e) => e !== undefined);
  if (v && typeof v === "object")
    return Object.values(v)
      .map(firstExpression)
      .find((e) => e !== undefined);
  return undefined;
}
