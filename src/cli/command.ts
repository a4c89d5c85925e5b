/** A command is a plain definition: its words, flags and a lazily loaded `run` that returns data. */

export interface FlagDef {
  type: "string" | "boolean";
  short?: string;
  description: string;
  /** Placeholder in help, e.g. STACK. */
  value?: string;
  /** The flag may repeat (`--label a=1 --label b=2`); its value is then a list. */
  multiple?: boolean;
}

export interface ArgDef {
  name: string;
  description: string;
  required?: boolean;
  /** The last argument may repeat (FILE…). */
  variadic?: boolean;
}

export interface CommandContext {
  args: string[];
  /** Arguments after `--`, passed to the wrapped tool untouched. */
  extra?: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Identifies the running slipway build (a hash of the CLI bundle); output caches are keyed on it. */
  build?: () => string;
  /** Progress written while the command runs (plan/apply); results go in the CommandResult instead. */
  progress: (s: string) => void;
  /** The terminal a live display may take over, when the command runs on one (never in a workflow step). */
  terminal?: NodeJS.WriteStream;
  /** Runs a slipway command in this process (a workflow's slipway steps); resolves to its exit code. */
  runSlipway?: (
    argv: string[],
    io: { out: (s: string) => void; cwd: string; env: Record<string, string | undefined> },
  ) => Promise<number>;
}

/** What a command returns: data to format, or text to print as is; warnings go to stderr. */
export interface CommandResult {
  data?: unknown;
  text?: string;
  /** Output produced piece by piece (large data written as it is made), or bytes to pass through. */
  chunks?: Iterable<string | Uint8Array>;
  /** Lines printed to stderr (warnings, findings). */
  notes?: string[];
  exitCode?: number;
}

export type RunFn = (ctx: CommandContext) => CommandResult | Promise<CommandResult>;

/** A flag's value as its definition says: a string, a list of them, or a boolean; undefined when absent. */
type FlagValue<F extends FlagDef> = F extends { type: "boolean" }
  ? boolean | undefined
  : F extends { multiple: true }
    ? string[] | undefined
    : F extends { type: "string"; multiple?: false }
      ? string | undefined
      : string | boolean | string[] | undefined;

/** The parsed flags of a command with these definitions (plus the global ones). */
export type FlagsOf<F extends Record<string, FlagDef>> = {
  [K in keyof F | keyof typeof GLOBAL_FLAGS]?: K extends keyof F
    ? FlagValue<F[K]>
    : K extends keyof typeof GLOBAL_FLAGS
      ? FlagValue<(typeof GLOBAL_FLAGS)[K]>
      : never;
};

/** A command's context with its flags typed from its definition. */
export type TypedContext<F extends Record<string, FlagDef>> = Omit<CommandContext, "flags"> & {
  flags: FlagsOf<F>;
};

export interface CommandDef<F extends Record<string, FlagDef> = Record<string, FlagDef>> {
  words: string[];
  summary: string;
  description?: string;
  args?: ArgDef[];
  flags?: F;
  /**
   * Whether `--format yaml|json` applies: `true` when the output is data (YAML by default), `"table"` when
   * the command prints a table or a summary unless `--format` asks for data.
   */
  dataOutput?: true | "table";
  examples?: string[];
  /**
   * The exit code of a failure that is not a usage error, when 1 means something else for this command
   * (`diff`, like `flux diff`: 0 no change, 1 changes, 2 failed).
   */
  failureExit?: number;
  /** The run, loaded when the command is the one asked for: it returns data, the CLI prints it. */
  load: () => Promise<(ctx: TypedContext<F>) => CommandResult | Promise<CommandResult>>;
}

/**
 * A command definition, with its run's flags typed from its flag definitions (in the citty style: the
 * definition is plain data, `run` returns a result and never prints).
 */
export function defineCommand<const F extends Record<string, FlagDef> = Record<string, never>>(
  def: CommandDef<F>,
): CommandDef {
  return def as unknown as CommandDef;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS = {
  config: {
    type: "string",
    description: "Path to slipway.yaml / atmos.yaml, or a folder holding one",
    value: "PATH",
  },
  format: {
    type: "string",
    description: "Output format for data: yaml (default) or json",
    value: "yaml|json",
  },
  debug: { type: "boolean", description: "Print stack traces for errors" },
  help: { type: "boolean", short: "h", description: "Show help" },
} as const satisfies Record<string, FlagDef>;
