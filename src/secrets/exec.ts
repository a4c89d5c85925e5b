// `secrets exec-env` and `exec-file`, as sops has them: a command runs on the plaintext, which lives only in
// its environment, or in a private file on a memory-backed folder that is removed when the command ends.
import { isAbsolute, join, normalize } from "node:path";
import { writeFileSync, rmSync } from "node:fs";
import { SlipwayError } from "../core/errors.js";
import { input, open, type InputOptions, type SecretsContext } from "./input.js";
import { makePrivateDir, privateRoots, removeStaleDirs, runShell, withHeldSignals } from "./private-dir.js";
import { documentBytes } from "./sops-file.js";
import type { Scalar } from "./tree.js";

/** How the command ended: its exit code (128 + n for a signal, as a shell reports it), and any folders cleaned. */
export interface ExecResult {
  exitCode: number;
  removedStale: string[];
}

/** Go's strconv.FormatFloat(v, 'G', -1, 64), then at least one decimal as sops's ValToString adds it. */
export function goFloatString(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : v < 0 ? "-Inf" : "NaN";
  // Shortest digits; the exponent form when the exponent is below -4 or at least 6 (Go's rule for -1).
  const [mant, e] = v.toExponential().split("e") as [string, string];
  const exp = Number(e);
  const s =
    exp < -4 || exp >= 6
      ? `${mant}E${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`
      : String(v);
  return s.includes(".") || s.includes("E") ? s : `${s}.0`;
}

/** A top-level value as sops puts it into the environment. */
function envValue(v: Scalar): string {
  if (v.type === "float") return goFloatString(v.value as number);
  if (v.type === "bytes") return Buffer.from(v.value as Uint8Array).toString("utf8");
  // sops would write Go's "<nil>"; an unset-looking empty value is what a program expects.
  if (v.type === "null") return "";
  return String(v.value);
}

/** `secrets exec-env FILE COMMAND`: COMMAND (run by /bin/sh) with the file's top-level values in its environment. */
export async function execEnv(
  path: string,
  command: string,
  opts: InputOptions & { pristine?: boolean },
  ctx: SecretsContext,
): Promise<ExecResult> {
  const src = input(path, opts, ctx);
  const { plain } = await open(src, ctx);
  const vars: Record<string, string> = {};
  for (const item of plain.docs[0]?.items ?? []) {
    if (item.kind === "comment") continue;
    if (item.value.kind !== "scalar")
      throw new SlipwayError({
        code: "validation",
        message: `cannot put a nested value in the environment (key ${item.key})`,
        file: src.file,
        hint: "exec-env takes a file of top-level values; use exec-file for nested ones",
      });
    if (item.key.includes("=") || item.key.includes("\0"))
      throw new SlipwayError({
        code: "validation",
        message: `cannot use a key with "=" in the environment (key ${JSON.stringify(item.key)})`,
        file: src.file,
      });
    vars[item.key] = envValue(item.value);
  }
  const env = opts.pristine ? vars : { ...ctx.env, ...vars };
  return withHeldSignals(async () => ({
    exitCode: exitOf(await runShell(command, [], env)),
    removedStale: [],
  }));
}

/**
 * `secrets exec-file FILE COMMAND`: COMMAND with `{}` replaced by the path of a 0600 file holding the
 * plaintext (in the output format), in a private folder on /dev/shm where there is one; the folder is
 * removed when the command ends, on Ctrl-C and on SIGTERM, SIGHUP and SIGQUIT.
 */
export async function execFile(
  path: string,
  command: string,
  opts: InputOptions & { filename?: string },
  ctx: SecretsContext,
): Promise<ExecResult> {
  const name = opts.filename ?? "tmp-file";
  if (
    isAbsolute(name) ||
    normalize(name).startsWith("..") ||
    name.includes("/") ||
    name === "" ||
    name === "."
  )
    throw new SlipwayError({
      code: "usage",
      message: `--filename ${name}: the temporary file's name must be a plain file name`,
      hint: "give a name such as secrets.yaml; the folder is slipway's own",
    });
  const src = input(path, opts, ctx);
  const { plain } = await open(src, ctx);
  const bytes = documentBytes({ ...plain, format: src.outFormat });
  const roots = privateRoots(ctx.env);
  const removedStale = removeStaleDirs(roots);
  return withHeldSignals(async (received) => {
    const dir = makePrivateDir(roots, "exec");
    try {
      const tmp = join(dir, name);
      writeFileSync(tmp, bytes, { mode: 0o600 });
      const r = await runShell(command.replaceAll("{}", tmp), [], ctx.env);
      const sig = received();
      if (sig && sig !== "SIGINT")
        throw new SlipwayError({
          code: "validation",
          message: `interrupted by ${sig}; the plaintext file was removed`,
          file: src.file,
        });
      return { exitCode: exitOf(r), removedStale };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};
function exitOf(r: { status: number | null; signal: NodeJS.Signals | null }): number {
  if (r.status !== null) return r.status;
  return 128 + (SIGNAL_NUMBERS[r.signal!] ?? 1);
}
