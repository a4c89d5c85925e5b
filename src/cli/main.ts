import { parseArgs } from "node:util";
import { closestName } from "../core/suggest.js";
import { SlipwayError } from "../core/errors.js";
import { GLOBAL_FLAGS, type CommandContext, type CommandDef, type FlagDef } from "./command.js";
import { COMMANDS } from "./commands.js";
import { groupHelp, helpFor, topHelp } from "./help.js";
import { formatData, formatError, outputFormat } from "./output.js";

/** Exit codes: 0 ok, 1 bad input, 2 usage; a wrapped tool's own code when it fails. */
export const EXIT = { ok: 0, input: 1, usage: 2 } as const;

export interface Io {
  /** Text, or bytes passed through as they are (a cached output). */
  stdout: (s: string | Uint8Array) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Identifies the running slipway build (asked for only when needed); without it, nothing is cached. */
  build?: () => string;
  /** The terminal behind stderr, when there is one: plan/apply draw their live table on it. */
  terminal?: NodeJS.WriteStream;
}

/** Where one in-process slipway run (a workflow step) writes, and what it sees. */
export interface StepIo {
  out: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

const decoder = new TextDecoder();
const textOf = (s: string | Uint8Array) => (typeof s === "string" ? s : decoder.decode(s));

type ParseOptions = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

function optionsOf(flags: Record<string, FlagDef>): ParseOptions {
  return Object.fromEntries(
    Object.entries(flags).map(([name, f]) => [
      name,
      { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) },
    ]),
  );
}

/** Finds the command whose words match the leading positionals best. */
function findCommand(positionals: string[]): CommandDef | undefined {
  return COMMANDS.filter((c) => c.words.every((w, i) => positionals[i] === w)).sort(
    (a, b) => b.words.length - a.words.length,
  )[0];
}

/**
 * One slipway command run in this process, its output (stdout and stderr) going to `io.out`: how a
 * workflow's slipway steps run. Resolves to the command's exit code.
 */
export function runSlipway(argv: string[], io: StepIo, build?: () => string): Promise<number> {
  return main(argv, { stdout: (s) => io.out(textOf(s)), stderr: io.out, cwd: io.cwd, env: io.env, build });
}

/** Runs the CLI and returns the exit code; the bin script owns process.exit. */
export async function main(all: string[], io: Io): Promise<number> {
  // Everything after `--` belongs to the wrapped tool (tofu, packer, ansible-playbook).
  const dash = all.indexOf("--");
  const argv = dash >= 0 ? all.slice(0, dash) : all;
  const extra = dash >= 0 ? all.slice(dash + 1) : [];
  let debug = argv.includes("--debug");
  let failureExit: number | undefined;
  try {
    const loose = parseArgs({
      args: argv,
      options: optionsOf(Object.assign({}, GLOBAL_FLAGS, ...COMMANDS.map((c) => c.flags ?? {}))),
      strict: false,
      allowPositionals: true,
    });
    const cmd = findCommand(loose.positionals);
    failureExit = cmd?.failureExit;
    if (!cmd) {
      if (loose.positionals.length === 0) {
        io.stdout(topHelp());
        return loose.values.help ? EXIT.ok : EXIT.usage;
      }
      const group = COMMANDS.filter((c) => c.words[0] === loose.positionals[0]);
      // `slipway node --help`: the group's commands, each with its summary.
      if (loose.values.help && group.length) {
        io.stdout(groupHelp(group));
        return EXIT.ok;
      }
      throw new SlipwayError({
        code: "usage",
        message: `unknown command "${loose.positionals.join(" ")}"`,
        hint: group.length
          ? `try: ${group.map((c) => `slipway ${c.words.join(" ")}`).join(", ")}`
          : "run `slipway --help` for the list of commands",
      });
    }
    if (loose.values.help) {
      io.stdout(helpFor(cmd));
      return EXIT.ok;
    }
    const flagDefs = { ...GLOBAL_FLAGS, ...cmd.flags };
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: optionsOf(flagDefs), strict: true, allowPositionals: true });
    } catch (e) {
      throw flagError(e as Error, cmd, flagDefs);
    }
    debug = parsed.values.debug === true;
    const args = parsed.positionals.slice(cmd.words.length);
    const required = (cmd.args ?? []).filter((a) => a.required);
    if (args.length < required.length) {
      throw new SlipwayError({
        code: "usage",
        message: `missing argument <${required[args.length]!.name}>`,
        hint: `usage: ${helpFor(cmd).split("\n")[0]}`,
      });
    }
    if (!cmd.args?.at(-1)?.variadic && args.length > (cmd.args ?? []).length) {
      throw new SlipwayError({
        code: "usage",
        message: `unexpected argument "${args[(cmd.args ?? []).length]}"`,
        hint: `see \`slipway ${cmd.words.join(" ")} --help\``,
      });
    }
    const format = outputFormat(parsed.values.format);
    const run = await cmd.load();
    const flags = parsed.values as CommandContext["flags"];
    const result = await run({
      args,
      extra,
      flags,
      cwd: io.cwd,
      env: io.env,
      build: io.build,
      progress: io.stderr,
      terminal: io.terminal,
      // A workflow's slipway steps run here, as library calls, with their output going where the step's does.
      runSlipway: (argv: string[], step: StepIo) => runSlipway(argv, step, io.build),
    });
    for (const note of result.notes ?? []) io.stderr(note + "\n");
    if (result.chunks) for (const chunk of result.chunks) io.stdout(chunk);
    if (result.text !== undefined) io.stdout(result.text);
    else if (result.data !== undefined) io.stdout(formatData(result.data, format));
    return result.exitCode ?? EXIT.ok;
  } catch (e) {
    const code = reportError(e, io, debug);
    return code === EXIT.input && failureExit !== undefined ? failureExit : code;
  }
}

/** A flag parseArgs refused, in slipway's words: the flag, the closest one the command has, its help. */
function flagError(e: Error, cmd: CommandDef, flags: Record<string, FlagDef>): SlipwayError {
  const help = `see \`slipway ${cmd.words.join(" ")} --help\``;
  const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(e.message);
  if (!unknown) return new SlipwayError({ code: "usage", message: e.message, hint: help });
  const dashes = unknown[1]!;
  const name = unknown[2]!;
  // A flag the typed one starts with (or that starts with it) first: --outdir means --out.
  const names = Object.keys(flags);
  const prefix = names.find((f) => f.length >= 3 && (name.startsWith(f) || f.startsWith(name)));
  const near = prefix ?? closestName(name, names);
  return new SlipwayError({
    code: "usage",
    message: `unknown flag ${dashes}${name}${near ? ` (did you mean --${near}?)` : ""}`,
    hint: `${help}; a value that starts with "-" goes after \`--\``,
  });
}

/** What a system error on a path means for the user, and what to do. */
const SYSTEM_ERRORS: Record<string, [string, string]> = {
  ENOENT: ["does not exist", "check the path"],
  ENOTDIR: ["is not a folder (a part of the path is a file)", "check the path"],
  EISDIR: ["is a folder, not a file", "name a file"],
  EACCES: ["cannot be read or written by this user", "check its permissions"],
  EPERM: ["cannot be changed by this user", "check its permissions and owner"],
  EROFS: ["is on a read-only file system", "write somewhere else (--out)"],
  ENOSPC: ["cannot be written: the disk is full", "free some space"],
  EEXIST: ["exists already", "remove it or choose another name"],
  ELOOP: ["is a symlink loop", "fix the link"],
  ENAMETOOLONG: ["has a name too long for the file system", "shorten it"],
};

/**
 * A failure of the system on a path the user gave (a missing folder, a file where a folder should be, no
 * permission) is the user's to fix, not a bug to report: said as such, with the path and what to do.
 */
function systemError(e: unknown): SlipwayError | undefined {
  const err = e as NodeJS.ErrnoException;
  const known = err && typeof err.code === "string" ? SYSTEM_ERRORS[err.code] : undefined;
  if (!known || typeof err.path !== "string") return undefined;
  return new SlipwayError({
    code: "validation",
    message: `${err.path} ${known[0]}${err.syscall ? ` (${err.syscall})` : ""}`,
    hint: known[1],
  });
}

function reportError(e: unknown, io: Io, debug: boolean): number {
  e = systemError(e) ?? e;
  if (e instanceof SlipwayError) {
    io.stderr(formatError(e, io.cwd) + "\n");
    if (debug) io.stderr(String(e.stack) + "\n");
    return e.code === "usage" ? EXIT.usage : EXIT.input;
  }
  io.stderr(
    `error: unexpected failure: ${(e as Error)?.message ?? String(e)}\n  hint: rerun with --debug and report it\n`,
  );
  if (debug) io.stderr(String((e as Error)?.stack) + "\n");
  return EXIT.input;
}
