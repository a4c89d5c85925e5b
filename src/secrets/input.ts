// The input of a secrets command as sops's flags name it: a file or stdin (`-`), and its store.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SlipwayError } from "../core/errors.js";
import type { Reuse } from "./codec.js";
import { findIdentities } from "./keys.js";
import { decryptDocument, formatNamed, formatOf, readDocument, type SecretsFormat } from "./sops-file.js";

export interface SecretsContext {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Standard input, for the file `-` (read once, when asked for). */
  stdin?: () => Buffer;
  /** On a terminal: shows a question and waits for Enter (`secrets edit` reopens the editor on an error). */
  interactive?: { prompt(text: string): Promise<void> };
}

/** How a command names its input, as sops's flags do. */
export interface InputOptions {
  /** `--input-type`: the store to read with (else the file name's extension says). */
  inputType?: string;
  /** `--output-type`: the store to write with (else the file name's extension says, as sops does). */
  outputType?: string;
  /** `--filename-override`: the name whose extension and creation rule count (for stdin). */
  filenameOverride?: string;
}

/** `-` (and `/dev/stdin`) name standard input. */
export const isStdin = (path: string) => path === "-" || path === "/dev/stdin";

/** An input resolved: its absolute path (for messages and writes), its bytes, and both formats. */
export interface Input {
  file: string;
  stdin: boolean;
  content: string | Buffer;
  format: SecretsFormat;
  outFormat: SecretsFormat;
}

/** Reads a command's input: a file or stdin, in the format `--input-type` or its name gives. */
export function input(path: string, opts: InputOptions, ctx: SecretsContext): Input {
  const stdin = isStdin(path);
  const file = stdin && !opts.filenameOverride ? "(stdin)" : resolve(ctx.cwd, opts.filenameOverride ?? path);
  const named = opts.filenameOverride ?? (stdin ? "" : path);
  const format = opts.inputType ? formatNamed(opts.inputType, "--input-type") : formatOf(named);
  const outFormat = opts.outputType ? formatNamed(opts.outputType, "--output-type") : formatOf(named);
  const bytes = stdin ? (ctx.stdin?.() ?? readFileSync(0)) : undefined;
  const content = bytes
    ? format === "binary"
      ? bytes
      : bytes.toString("utf8")
    : read(resolve(ctx.cwd, path), format);
  return { file, stdin, content, format, outFormat };
}

/** A file's content: text, or bytes for a binary file (sops encrypts those as they are). */
export function read(path: string, format: SecretsFormat = formatOf(path)): string | Buffer {
  try {
    return format === "binary" ? readFileSync(path) : readFileSync(path, "utf8");
  } catch (e) {
    throw new SlipwayError({
      code: "io",
      message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      file: path,
    });
  }
}

export function refuseInPlaceStdin(path: string, inPlace: boolean | undefined): void {
  if (isStdin(path) && inPlace)
    throw new SlipwayError({
      code: "usage",
      message: "cannot use --in-place when reading from stdin",
      hint: "name the file instead of `-`",
    });
}

/** Opens an input (MAC verified): its metadata, plaintext and data key; reuse collects ciphertexts to keep. */
export async function open(src: Input, ctx: SecretsContext, reuse?: Reuse) {
  const enc = readDocument(src.content, src.format, src.file);
  const opened = await decryptDocument(enc, findIdentities(ctx.env), src.file, reuse);
  return { enc, ...opened };
}
