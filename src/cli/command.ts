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

export interface CommandDef {
  words: string[];
  summary: string;
  description?: string;
  args?: ArgDef[];
  flags?: Record<string, FlagDef>;
  /** Whether `--format yaml|json` applies (the output is data). */
  dataOutput?: boolean;
  examples?: string[];
  load: () => Promise<RunFn>;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: Record<string, FlagDef> = {
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
};
