import { relative, resolve } from "node:path";
import { FLAVOUR_INFO, initRepository, parseFlavour, type InitResult } from "../repo/init.js";
import type { CommandContext, CommandResult } from "./command.js";

/** A path as a shell word: as it is when that is safe, else single-quoted. */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** `slipway init [--flavour homelab|pi|proxmox|org] [DIR]` */
export async function initCommand(c: CommandContext): Promise<CommandResult> {
  const flavour = parseFlavour(c.flags.flavour as string | undefined);
  const r = await initRepository({ dir: resolve(c.cwd, c.args[0] ?? "."), flavour });
  return { text: summary(r, c.cwd) };
}

/** What was made and the commands to run next — each one runs as printed, from where init ran. */
function summary(r: InitResult, cwd: string): string {
  const where = relative(cwd, r.dir);
  const info = FLAVOUR_INFO[r.flavour];
  const next = [
    ...(where ? [`cd ${shellWord(where)}`] : []),
    `export SOPS_AGE_KEY_FILE="$PWD/${relative(r.dir, r.identityFile)}"`,
    "slipway validate stacks",
    ...(info.plans ? [`slipway plan -s ${r.stack} --dry-run`] : []),
    `slipway render -s ${r.stack}`,
    "slipway validate manifests gitops",
  ];
  return [
    `created a platform repository in ${where || "."}, flavour ${r.flavour}: ${info.description}`,
    `stack ${r.stack}, ${r.files.length} files:`,
    ...r.files.map((f) => `  ${f}`),
    "",
    `age identity: ${relative(cwd, r.identityFile)} (mode 0600, gitignored: never commit it, keep a copy)`,
    `its recipient, in .sops.yaml: ${r.recipient}`,
    "",
    "next:",
    ...next.map((l) => `  ${l}`),
    "",
  ].join("\n");
}
