import type { Command, Node, Operand, Pipeline } from "./ast.js";
import type { Token } from "./lexer.js";
import { TemplateError } from "./template-error.js";

type Block = "if" | "range" | "with";
const END_WORDS = new Set(["end", "else"]);
const UNSUPPORTED = new Set(["define", "template", "block", "break", "continue"]);

/** Parses tokens into a tree; `isFunc` decides which identifiers are known functions. */
export function parse(
  tokens: Token[],
  isFunc: (name: string) => boolean,
  isNamespace: (name: string) => boolean = () => false,
): Node[] {
  const p = new Parser(tokens, isFunc, isNamespace);
  const { nodes, stop } = p.list();
  if (stop) throw new TemplateError(`unexpected {{${stop.word}}}`, stop.line);
  return nodes;
}

class Parser {
  private i = 0;
  private readonly vars: string[][] = [["$"]];
  constructor(
    private readonly toks: Token[],
    private readonly isFunc: (name: string) => boolean,
    private readonly isNamespace: (name: string) => boolean,
  ) {}

  private peek(o = 0): Token | undefined {
    return this.toks[this.i + o];
  }
  private next(): Token {
    const t = this.toks[this.i++];
    if (!t) throw new TemplateError("unexpected end of template", this.toks.at(-1)?.line ?? 1);
    return t;
  }

  /** Nodes until `{{end}}` / `{{else …}}` (returned as `stop`) or the end of input. */
  list(): { nodes: Node[]; stop?: { word: string; line: number } } {
    const nodes: Node[] = [];
    while (this.i < this.toks.length) {
      const t = this.next();
      if (t.t === "text") {
        nodes.push({ kind: "text", text: t.value });
        continue;
      }
      const head = this.peek();
      if (head?.t === "ident" && END_WORDS.has(head.value)) {
        this.i++;
        return { nodes, stop: { word: head.value, line: head.line } };
      }
      if (head?.t === "ident" && UNSUPPORTED.has(head.value)) {
        throw new TemplateError(`{{${head.value}}} is not supported by slipway templates`, head.line);
      }
      if (head?.t === "ident" && (head.value === "if" || head.value === "range" || head.value === "with")) {
        this.i++;
        nodes.push(this.block(head.value, head.line));
        continue;
      }
      const pipe = this.pipeline(t.line);
      this.expectClose();
      nodes.push({ kind: "action", pipe, line: t.line });
    }
    return { nodes };
  }

  private expectClose(): void {
    const t = this.next();
    if (t.t !== "close") throw new TemplateError(`unexpected ${describe(t)} in action`, t.line);
  }

  private block(kind: Block, line: number): Node {
    this.vars.push([]);
    const pipe = this.pipeline(line, kind === "range");
    this.expectClose();
    const { nodes: body, stop } = this.list();
    let elseBody: Node[] | undefined;
    const branches = [{ pipe, body }];
    let s = stop;
    while (s?.word === "else") {
      const t = this.peek();
      if (kind === "if" && t?.t === "ident" && t.value === "if") {
        this.i++;
        const p = this.pipeline(t.line);
        this.expectClose();
        const r = this.list();
        branches.push({ pipe: p, body: r.nodes });
        s = r.stop;
        continue;
      }
      this.expectClose();
      const r = this.list();
      elseBody = r.nodes;
      s = r.stop;
      if (s?.word === "else") throw new TemplateError(`{{else}} after {{else}} in {{${kind}}}`, s.line);
    }
    if (!s) throw new TemplateError(`unclosed {{${kind}}}: missing {{end}}`, line);
    this.expectClose();
    this.vars.pop();
    if (kind === "if") return { kind: "if", branches, elseBody, line };
    return { kind, pipe, body, elseBody, line };
  }

  private pipeline(line: number, allowTwoVars = false): Pipeline {
    const pipe: Pipeline = { commands: [], line };
    const decl = this.declaration(allowTwoVars);
    if (decl) pipe.decl = decl;
    for (;;) {
      pipe.commands.push(this.command());
      const t = this.peek();
      if (t?.t === "punct" && t.value === "|") {
        this.i++;
        continue;
      }
      break;
    }
    return pipe;
  }

  private declaration(allowTwo: boolean): Pipeline["decl"] {
    const a = this.peek();
    const b = this.peek(1);
    if (a?.t !== "var" || b?.t !== "punct") return undefined;
    if (b.value === ":=" || b.value === "=") {
      this.i += 2;
      if (b.value === ":=") this.declare(a.value);
      return { names: [a.value], assign: b.value === "=" };
    }
    const c = this.peek(2);
    const d = this.peek(3);
    if (allowTwo && b.value === "," && c?.t === "var" && d?.t === "punct" && d.value === ":=") {
      this.i += 4;
      this.declare(a.value);
      this.declare(c.value);
      return { names: [a.value, c.value], assign: false };
    }
    return undefined;
  }

  private declare(name: string): void {
    this.vars.at(-1)!.push(name);
  }

  private command(): Command {
    const args: Operand[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.t === "close" || (t.t === "punct" && (t.value === "|" || t.value === ")"))) break;
      args.push(this.operand());
    }
    if (args.length === 0) {
      const t = this.peek();
      throw new TemplateError(t?.t === "close" ? "missing value for command" : "empty command", t?.line ?? 1);
    }
    return { args };
  }

  private operand(): Operand {
    const t = this.next();
    switch (t.t) {
      case "field":
        return { kind: "field", receiver: "dot", names: t.value };
      case "var": {
        if (!this.vars.some((scope) => scope.includes(t.value)))
          throw new TemplateError(`undefined variable "${t.value}"`, t.line);
        const f = this.peek();
        const names = f?.t === "field" && f.attached ? (this.i++, f.value) : [];
        return { kind: "field", receiver: { variable: t.value }, names };
      }
      case "ident": {
        // A namespaced function (`atmos.Component`): the name and the first field, when that is a function.
        const f = this.peek();
        if (
          f?.t === "field" &&
          f.attached &&
          f.value.length === 1 &&
          this.isFunc(`${t.value}.${f.value[0]}`)
        ) {
          this.i++;
          return { kind: "func", name: `${t.value}.${f.value[0]}` };
        }
        // An unknown function of a known namespace is named in full (`strings.Nope`), as the user wrote it.
        if (f?.t === "field" && f.attached && this.isNamespace(t.value) && !this.isFunc(t.value))
          throw new TemplateError(`function "${t.value}.${f.value[0]}" not defined`, t.line);
        if (!this.isFunc(t.value)) throw new TemplateError(`function "${t.value}" not defined`, t.line);
        // `print.Foo`: Go calls the function and fails on the field; never a field of the data instead.
        if (f?.t === "field" && f.attached)
          throw new TemplateError(
            `${t.value}.${f.value[0]}: "${t.value}" is a function, not a namespace`,
            t.line,
          );
        return { kind: "func", name: t.value };
      }
      case "string":
      case "number":
      case "bool":
      case "nil":
        return { kind: "literal", value: t.value };
      case "punct":
        if (t.value === "(") {
          const pipe = this.pipeline(t.line);
          const close = this.next();
          if (close.t !== "punct" || close.value !== ")")
            throw new TemplateError("unclosed left paren", t.line);
          const f = this.peek();
          const names = f?.t === "field" && f.attached ? (this.i++, f.value) : [];
          return { kind: "sub", pipe, names };
        }
        break;
      default:
        break;
    }
    throw new TemplateError(`unexpected ${describe(t)} in operand`, t.line);
  }
}

function describe(t: Token): string {
  if (t.t === "punct") return `"${t.value}"`;
  if (t.t === "close") return "}}";
  if ("value" in t) return `"${String(t.value)}"`;
  return t.t;
}
