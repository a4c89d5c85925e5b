import type { Node } from "./ast.js";
import { execute } from "./exec.js";
import { builtinFunctions, type TemplateFunc } from "./functions.js";
import { GOMPLATE_NAMESPACES, gomplateFunctions } from "./gomplate.js";
import { lex } from "./lexer.js";
import { parse } from "./parser.js";

export { TemplateError } from "./template-error.js";
export { GOMPLATE_IMPLEMENTED, GOMPLATE_NAMESPACES } from "./gomplate.js";
export { builtinFunctions, truthy, type TemplateFunc } from "./functions.js";

/** A compiled template: parse once, execute many times. */
export interface CompiledTemplate {
  execute(data: unknown): string;
}

export interface TemplateOptions {
  /** Environment for the `env` function; the engine passes it in, so templates stay pure. */
  env?: Record<string, string | undefined>;
  /** More functions for this template (a workflow's `atmos.Component`). */
  funcs?: Record<string, TemplateFunc>;
}

/** Parses a Go text/template (slipway's subset); throws TemplateError with the line on bad syntax. */
export function compileTemplate(src: string, options: TemplateOptions = {}): CompiledTemplate {
  // gomplate's functions sit under the others (as Atmos layers gomplate, Sprig, then its own), shared
  // through the prototype rather than copied into every template.
  const funcs: Record<string, TemplateFunc> = Object.assign(
    Object.create(gomplateFunctions()) as Record<string, TemplateFunc>,
    builtinFunctions(options.env ?? {}),
    options.funcs,
  );
  const nodes: Node[] = parse(
    lex(src),
    (name) => name in funcs,
    (name) => GOMPLATE_NAMESPACES.has(name),
  );
  return { execute: (data) => execute(nodes, data, funcs) };
}

/** True when the text holds an action and so needs the template engine at all. */
export function hasTemplate(text: string): boolean {
  return text.includes("{{");
}

/** Compiles and runs in one step. */
export function renderTemplate(src: string, data: unknown, options: TemplateOptions = {}): string {
  return compileTemplate(src, options).execute(data);
}
