import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { execEnv, execFile } from "../secrets/exec.js";
import {
  check,
  decryptFile,
  editFile,
  encryptFile,
  fileStatus,
  keygen,
  rotate,
  setValue,
  unsetValue,
  updateKeys,
  type InputOptions,
} from "../secrets/operations.js";
import { formatOf } from "../secrets/sops-file.js";
import type { CommandContext, CommandResult } from "./command.js";
import { listFlag } from "./open-engine.js";

// Standard input is read only by a command given `-` (or --value-stdin), and only once.
const ctxOf = (c: CommandContext) => ({ cwd: c.cwd, env: c.env, stdin: () => readFileSync(0) });

/** sops's --input-type, --output-type and --filename-override, where a command has them. */
const inputOf = (c: CommandContext): InputOptions => ({
  inputType: c.flags["input-type"] as string | undefined,
  outputType: c.flags["output-type"] as string | undefined,
  filenameOverride: c.flags["filename-override"] as string | undefined,
});

/** `slipway secrets keygen [--out FILE]` */
export async function keygenCommand(c: CommandContext): Promise<CommandResult> {
  const r = await keygen(c.flags.out as string | undefined, ctxOf(c));
  if (r.file)
    return {
      text: `${r.recipient}\n`,
      notes: [`identity written to ${relative(c.cwd, r.file)} (mode 0600); its recipient is on stdout`],
    };
  return { text: r.identityText, notes: [`public key: ${r.recipient}`] };
}

/** `slipway secrets encrypt FILE [--in-place] [--age R,…]` */
export async function encryptCommand(c: CommandContext): Promise<CommandResult> {
  const text = await encryptFile(
    c.args[0]!,
    { ...inputOf(c), inPlace: c.flags["in-place"] === true, age: listFlag(c.flags.age) },
    ctxOf(c),
  );
  return c.flags["in-place"] ? { notes: [`encrypted ${c.args[0]}`] } : { text };
}

/** `slipway secrets decrypt FILE [--in-place] [--extract '["a"]["b"]']` */
export async function decryptCommand(c: CommandContext): Promise<CommandResult> {
  const opts = inputOf(c);
  const text = await decryptFile(
    c.args[0]!,
    { ...opts, inPlace: c.flags["in-place"] === true, extract: c.flags.extract as string | undefined },
    ctxOf(c),
  );
  if (c.flags["in-place"]) return { notes: [`decrypted ${c.args[0]} in place: it now holds plaintext`] };
  // A binary file is printed byte for byte, as sops does.
  if (typeof text !== "string") return { chunks: [text] };
  const binary = opts.outputType
    ? opts.outputType === "binary"
    : formatOf(opts.filenameOverride ?? (c.args[0] === "-" ? "" : c.args[0]!)) === "binary";
  return { text: text.endsWith("\n") || c.flags.extract || binary ? text : text + "\n" };
}

/** `slipway secrets edit FILE` */
export async function editCommand(c: CommandContext): Promise<CommandResult> {
  const tty = process.stdin.isTTY === true && process.stderr.isTTY === true;
  const r = await editFile(c.args[0]!, {
    ...ctxOf(c),
    ...(tty
      ? {
          interactive: {
            prompt: async (text: string) => {
              const { createInterface } = await import("node:readline/promises");
              const rl = createInterface({ input: process.stdin, output: process.stderr });
              try {
                await rl.question(text);
              } finally {
                rl.close();
              }
            },
          },
        }
      : {}),
  });
  return {
    notes: [
      ...r.removedStale.map((d) => `removed ${d}: the plaintext folder of an edit that was killed`),
      r.changed ? `${c.args[0]} re-encrypted` : `${c.args[0]} unchanged`,
    ],
  };
}

/** `slipway secrets updatekeys FILE…` */
export async function updateKeysCommand(c: CommandContext): Promise<CommandResult> {
  const done = await updateKeys(c.args, ctxOf(c));
  return { notes: done.map((d) => `${relative(c.cwd, d.file)}: recipients ${d.recipients.join(", ")}`) };
}

/** `slipway secrets rotate FILE…` */
export async function rotateCommand(c: CommandContext): Promise<CommandResult> {
  const done = await rotate(c.args, ctxOf(c));
  return { notes: done.map((f) => `${relative(c.cwd, f)}: new data key`) };
}

/** `slipway secrets check [PATH…]` — exit 1 when anything is found; for pre-commit hooks and CI. */
export async function checkCommand(c: CommandContext): Promise<CommandResult> {
  const findings = await check(c.args, ctxOf(c));
  const failing = findings.filter((f) => f.rule !== "unverified");
  const exitCode = failing.length ? 1 : 0;
  if (c.flags.format)
    return {
      data: {
        ok: failing.length === 0,
        findings: findings.map((f) => ({ ...f, file: relative(c.cwd, f.file) })),
      },
      exitCode,
    };
  const lines = findings.map(
    (f) =>
      `${relative(c.cwd, f.file)}${f.line ? `:${f.line}` : ""}: ${f.rule === "unverified" ? "note" : "error"}: [${f.rule}] ${f.message}`,
  );
  return {
    notes: lines,
    text: failing.length ? `${failing.length} problem(s)\n` : "ok: no plaintext secrets\n",
    exitCode,
  };
}

/** `slipway secrets set FILE INDEX [VALUE] [--value-file | --value-stdin] [--idempotent]` */
export async function setCommand(c: CommandContext): Promise<CommandResult> {
  const [file, index, arg] = c.args as [string, string, string | undefined];
  if (c.flags["value-file"] && c.flags["value-stdin"])
    throw new SlipwayError({ code: "usage", message: "--value-file and --value-stdin exclude each other" });
  const fromStdin = c.flags["value-stdin"] === true;
  if (fromStdin ? arg !== undefined : arg === undefined)
    throw new SlipwayError({
      code: "usage",
      message: fromStdin ? "with --value-stdin, give no VALUE argument" : "missing argument <value>",
      hint: `usage: slipway secrets set FILE '["key"]' '"value"'`,
    });
  // The value may be a secret: --value-file and --value-stdin keep it out of process listings.
  const json = fromStdin
    ? readFileSync(0, "utf8")
    : c.flags["value-file"]
      ? readValueFile(arg!, c.cwd)
      : arg!;
  const r = await setValue(
    file,
    index,
    json,
    { ...inputOf(c), idempotent: c.flags.idempotent === true },
    ctxOf(c),
  );
  return {
    notes: [r.written ? `${file}: ${index} set` : `${file}: ${index} already has that value; not written`],
  };
}

function readValueFile(path: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, path), "utf8");
  } catch (e) {
    throw new SlipwayError({
      code: "io",
      message: `cannot read the value file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      file: path,
    });
  }
}

/** `slipway secrets unset FILE INDEX [--idempotent]` */
export async function unsetCommand(c: CommandContext): Promise<CommandResult> {
  const [file, index] = c.args as [string, string];
  const r = await unsetValue(
    file,
    index,
    { ...inputOf(c), idempotent: c.flags.idempotent === true },
    ctxOf(c),
  );
  return { notes: [r.written ? `${file}: ${index} removed` : `${file}: no value at ${index}; not written`] };
}

/** `slipway secrets filestatus FILE`: `{"encrypted":true}` or `{"encrypted":false}`, as sops prints it. */
export async function fileStatusCommand(c: CommandContext): Promise<CommandResult> {
  const status = fileStatus(c.args[0]!, inputOf(c), ctxOf(c));
  return { text: `${JSON.stringify(status)}\n` };
}

/** `slipway secrets exec-env FILE COMMAND [--pristine]`: exits with the command's code. */
export async function execEnvCommand(c: CommandContext): Promise<CommandResult> {
  const r = await execEnv(
    c.args[0]!,
    c.args[1]!,
    { ...inputOf(c), pristine: c.flags.pristine === true },
    ctxOf(c),
  );
  return { exitCode: r.exitCode };
}

/** `slipway secrets exec-file FILE COMMAND [--filename NAME]`: `{}` in COMMAND is the plaintext file. */
export async function execFileCommand(c: CommandContext): Promise<CommandResult> {
  const r = await execFile(
    c.args[0]!,
    c.args[1]!,
    { ...inputOf(c), filename: c.flags.filename as string | undefined },
    ctxOf(c),
  );
  return {
    notes: r.removedStale.map((d) => `removed ${d}: the plaintext folder of a run that was killed`),
    exitCode: r.exitCode,
  };
}
