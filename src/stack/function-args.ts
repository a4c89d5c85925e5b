// The arguments of Atmos's YAML functions, split the way Atmos's function parser splits them: words
// separated by spaces, '…' and "…" quoted (a doubled quote stands for one).

/** `!terraform.output` / `!terraform.state`: `<component> [<stack>] <expression>`. */
export interface TerraformRef {
  component: string;
  /** Undefined: the stack of the component that holds the function. */
  stack?: string;
  /** An output name (`vpc_id`) or a yq-style path (`.subnets[0].id // "none"`). */
  expression: string;
}

interface Token {
  value: string;
  offset: number;
}

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  const re = /\s+|"(?:[^"\r\n]|"")*"|'(?:[^'\r\n]|'')*'|\||[^\s|]+/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(input))) {
    if (/^\s/.test(m[0])) continue;
    if (/^["']/.test(m[0]) && (m[0].length < 2 || m[0].at(-1) !== m[0][0]))
      throw new Error(`unterminated quoted value at column ${m.index + 1}`);
    out.push({ value: m[0], offset: m.index });
  }
  if (re.lastIndex < input.length && out.length === 0) throw new Error("unterminated quoted value");
  return out;
}

/** A quoted word without its quotes. */
export function unquote(v: string): string {
  const s = v.trim();
  if (s.length < 2 || s[0] !== s.at(-1)) return s;
  if (s[0] === "'") return s.slice(1, -1).replaceAll("''", "'");
  if (s[0] === '"') return s.slice(1, -1).replaceAll('""', '"');
  return s;
}

const isExpressionStart = (v: string) => v.length > 0 && ".[{|'\"".includes(v[0]!);

/** Splits `!terraform.output`'s argument; throws a plain Error saying what is wrong. */
export function parseTerraformRef(arg: string): TerraformRef {
  const tokens = tokenize(arg);
  if (tokens.length < 2) throw new Error("needs 2 or 3 arguments: <component> [<stack>] <output>");
  const component = unquote(tokens[0]!.value);
  const rest = (t: Token) => unquote(arg.slice(t.offset).trim());
  if (tokens.length === 2 || isExpressionStart(tokens[1]!.value))
    return { component, expression: rest(tokens[1]!) };
  if (tokens.length > 3 && !isExpressionStart(tokens[2]!.value))
    throw new Error("needs 2 or 3 arguments: <component> [<stack>] <output>");
  return { component, stack: unquote(tokens[1]!.value), expression: rest(tokens[2]!) };
}

/** `!random [max] | <min> <max>`: the inclusive range, Atmos's defaults 0 and 65535. */
export function parseRandomRange(arg: string): { min: number; max: number } {
  const words = arg.split(/\s+/).filter(Boolean);
  if (words.length > 2) throw new Error("takes at most 2 arguments: [<min>] <max>");
  const nums = words.map((w) => {
    if (!/^-?\d+$/.test(w)) throw new Error(`"${w}" is not an integer`);
    return Number(w);
  });
  const [min, max] = nums.length === 2 ? [nums[0]!, nums[1]!] : [0, nums[0] ?? 65535];
  if (min >= max) throw new Error(`min (${min}) must be less than max (${max})`);
  return { min, max };
}
