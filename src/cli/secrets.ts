import {
  check,
  decryptFile,
  editFile,
  encryptFile,
  keygen,
  rotate,
  updateKeys,
} from "../secrets/operations.js";
import type { CommandContext, CommandResult } from "./command.js";
import { listFlag } from "./open-engine.js";
import { relative } from "node:path";
import { formatOf } from "../secrets/sops-file.js";

const ctxOf = (c: CommandContext) => ({ cwd: c.cwd, env: c.env });

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
    { inPlace: c.flags["in-place"] === true, age: listFlag(c.flags.age) },
    ctxOf(c),
  );
  return c.flags["in-place"] ? { notes: [`encrypted ${c.args[0]}`] } : { text };
}

/** `slipway secrets decrypt FILE [--in-place] [--extract '["a"]["b"]']` */
export async function decryptCommand(c: CommandContext): Promise<CommandResult> {
  const text = await decryptFile(
    c.args[0]!,
    { inPlace: c.flags["in-place"] === true, extract: c.flags.extract as string | undefined },
    ctxOf(c),
  );
  if (c.flags["in-place"]) return { notes: [`decrypted ${c.args[0]} in place: it now holds plaintext`] };
  // A binary file is printed byte for byte, as sops does.
  if (typeof text !== "string") return { chunks: [text] };
  return {
    text: text.endsWith("\n") || c.flags.extract || formatOf(c.args[0]!) === "binary" ? text : text + "\n",
  };
}

/** `slipway secrets edit FILE` */
export async function editCommand(c: CommandContext): Promise<CommandResult> {
  const r = await editFile(c.args[0]!, ctxOf(c));
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
