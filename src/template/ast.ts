/** The syntax tree of a Go text/template, as far as slipway supports it. */

export type Node = TextNode | ActionNode | IfNode | RangeNode | WithNode;

export interface TextNode {
  kind: "text";
  text: string;
}

export interface ActionNode {
  kind: "action";
  pipe: Pipeline;
  line: number;
}

export interface IfNode {
  kind: "if";
  /** `if` and every `else if`, tried in order. */
  branches: { pipe: Pipeline; body: Node[] }[];
  elseBody?: Node[];
  line: number;
}

export interface RangeNode {
  kind: "range";
  pipe: Pipeline;
  body: Node[];
  elseBody?: Node[];
  line: number;
}

export interface WithNode {
  kind: "with";
  pipe: Pipeline;
  body: Node[];
  elseBody?: Node[];
  line: number;
}

export interface Pipeline {
  /** `$x := …` declares, `$x = …` assigns; `range $i, $v := …` declares two. */
  decl?: { names: string[]; assign: boolean };
  commands: Command[];
  line: number;
}

export interface Command {
  args: Operand[];
}

export type Operand =
  | { kind: "field"; receiver: "dot" | { variable: string }; names: string[] }
  | { kind: "func"; name: string }
  | { kind: "literal"; value: unknown }
  | { kind: "sub"; pipe: Pipeline; names: string[] };
