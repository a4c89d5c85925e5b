import type { Node } from "./ast.js";
import { execute } from "./exec.js";
import { builtinFunctions, type TemplateFunc } from "./functions.js";
import { lex } from "./lexer.js";
import { parse } from "./parser.js";

export { TemplateError } from "./template-error.js";
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
  const funcs: Record<string, TemplateFunc> = { ...builtinFunctions(options.env ?? {}), ...options.funcs };
  const nodes: Node[] = parse(lex(src), (name) => Object.hasOwn(funcs, name));
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
