import { SlipwayError } from "../core/errors.js";
import type { Node, Operand, Pipeline } from "./ast.js";
import { formatValue } from "./format.js";
import { truthy, type TemplateFunc } from "./functions.js";
import { TemplateError } from "./template-error.js";

type Scope = Map<string, unknown>;

/** Executes a parsed template against `data`; errors carry the template line. */
export function execute(nodes: Node[], data: unknown, funcs: Record<string, TemplateFunc>): string {
  const state = new State(funcs, data);
  const out: string[] = [];
  state.walk(nodes, data, out);
  return out.join("");
}

class State {
  private readonly scopes: Scope[];
  constructor(
    private readonly funcs: Record<string, TemplateFunc>,
    root: unknown,
  ) {
    this.scopes = [new Map([["$", root]])];
  }

  walk(nodes: Node[], dot: unknown, out: string[]): void {
    for (const n of nodes) {
      switch (n.kind) {
        case "text":
          out.push(n.text);
          break;
        case "action": {
          const v = this.pipeline(n.pipe, dot);
          if (!n.pipe.decl) out.push(formatValue(v));
          break;
        }
        case "if": {
          const branch = n.branches.find((b) => this.scoped(() => truthy(this.pipeline(b.pipe, dot))));
          if (branch) this.scoped(() => this.walk(branch.body, dot, out));
          else if (n.elseBody) this.scoped(() => this.walk(n.elseBody!, dot, out));
          break;
        }
        case "with":
          this.scoped(() => {
            const v = this.pipeline(n.pipe, dot);
            if (truthy(v)) this.walk(n.body, v, out);
            else if (n.elseBody) this.walk(n.elseBody, dot, out);
          });
          break;
        case "range":
          this.scoped(() => this.range(n.pipe, n.body, n.elseBody, dot, out));
          break;
      }
    }
  }

  private range(
    pipe: Pipeline,
    body: Node[],
    elseBody: Node[] | undefined,
    dot: unknown,
    out: string[],
  ): void {
    const names = pipe.decl?.names ?? [];
    const v = this.pipeline({ ...pipe, decl: undefined }, dot);
    let entries: [unknown, unknown][];
    if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
    else if (v && typeof v === "object") {
      const obj = v as Record<string, unknown>;
      entries = Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]]);
    } else if (typeof v === "number" && Number.isInteger(v))
      entries = Array.from({ length: v }, (_, i) => [i, i]);
    else if (v === undefined || v === null) entries = [];
    else throw new TemplateError(`range can't iterate over ${String(v)}`, pipe.line);
    if (entries.length === 0) {
      if (elseBody) this.walk(elseBody, dot, out);
      return;
    }
    const scope = this.scopes.at(-1)!;
    for (const [k, x] of entries) {
      if (names.length === 1) scope.set(names[0]!, x);
      if (names.length === 2) {
        scope.set(names[0]!, k);
        scope.set(names[1]!, x);
      }
      this.walk(body, x, out);
    }
  }

  private scoped<T>(fn: () => T): T {
    this.scopes.push(new Map());
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  private pipeline(pipe: Pipeline, dot: unknown): unknown {
    let value: unknown;
    let piped = false;
    for (const cmd of pipe.commands) {
      value = this.command(cmd.args, dot, piped ? [value] : [], pipe.line);
      piped = true;
    }
    if (pipe.decl) {
      for (const name of pipe.decl.names) {
        if (pipe.decl.assign) {
          const scope = [...this.scopes].reverse().find((s) => s.has(name));
          if (!scope) throw new TemplateError(`undefined variable "${name}"`, pipe.line);
          scope.set(name, value);
        } else this.scopes.at(-1)!.set(name, value);
      }
    }
    return value;
  }

  private command(args: Operand[], dot: unknown, piped: unknown[], line: number): unknown {
    const [head, ...rest] = args;
    if (head?.kind === "func") {
      const fn = this.funcs[head.name]!;
      const argv = [...rest.map((a) => this.operand(a, dot, line)), ...piped];
      try {
        return fn(...argv);
      } catch (e) {
        // slipway's own errors (a function that reads the stacks) keep their place and hint.
        if (e instanceof TemplateError || e instanceof SlipwayError) throw e;
        throw new TemplateError(`error calling ${head.name}: ${(e as Error).message}`, line);
      }
    }
    if (rest.length > 0 || piped.length > 0) {
      throw new TemplateError(`can't give argument to non-function ${describeOperand(head!)}`, line);
    }
    return this.operand(head!, dot, line);
  }

  private operand(op: Operand, dot: unknown, line: number): unknown {
    switch (op.kind) {
      case "literal":
        return op.value;
      case "func":
        return this.command([op], dot, [], line);
      case "sub":
        return this.fields(
          this.scoped(() => this.pipeline(op.pipe, dot)),
          op.names,
          line,
        );
      case "field": {
        const base = op.receiver === "dot" ? dot : this.variable(op.receiver.variable, line);
        return this.fields(base, op.names, line);
      }
    }
  }

  private variable(name: string, line: number): unknown {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i]!;
      if (s.has(name)) return s.get(name);
    }
    throw new TemplateError(`undefined variable "${name}"`, line);
  }

  private fields(base: unknown, names: string[], line: number): unknown {
    let cur = base;
    for (const name of names) {
      if (cur === undefined || cur === null) {
        throw new TemplateError(`nil pointer evaluating interface {}.${name}`, line);
      }
      if (typeof cur !== "object" || Array.isArray(cur)) {
        throw new TemplateError(
          `can't evaluate field ${name} in type ${Array.isArray(cur) ? "list" : typeof cur}`,
          line,
        );
      }
      cur = (cur as Record<string, unknown>)[name];
    }
    return cur;
  }
}

function describeOperand(op: Operand): string {
  if (op.kind === "field") return "." + op.names.join(".");
  if (op.kind === "literal") return JSON.stringify(op.value);
  return "(…)";
}
