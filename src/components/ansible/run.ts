import { existsSync } from "node:fs";
import { join } from "node:path";
import { SlipwayError } from "../../core/errors.js";
import type { StackEngine } from "../../stack/engine.js";
import type { ResolvedComponent } from "../../stack/types.js";
import type { PreparedFile, ToolCommand } from "../component-type.js";
import { ansibleCommands, ansibleStateDir, prepareAnsible, type AnsibleRunOptions } from "./driver.js";

/** A playbook run, prepared: the files to write and the argv, plus where its events land. */
export interface PlaybookRun {
  files: PreparedFile[];
  commands: ToolCommand[];
  events: string;
  playbook: string;
  /** The k3s join token's SOPS file and key, decrypted into K3S_TOKEN just before the run. */
  token?: { file: string; key: string };
}

/**
 * The environment secrets a run needs: the k3s join token, decrypted from its SOPS file (with the age
 * identities the environment names) so it reaches the hosts without ever being written in clear here.
 */
export async function secretEnv(
  run: PlaybookRun,
  basePath: string,
  env: Record<string, string | undefined>,
): Promise<Record<string, string>> {
  if (!run.token || env.K3S_TOKEN || run.commands[0]?.env.K3S_TOKEN) return {};
  const file = join(basePath, run.token.file);
  if (!existsSync(file)) {
    throw new SlipwayError({
      code: "validation",
      message: `the k3s token file ${run.token.file} does not exist`,
      file,
      hint: "create it with `slipway secrets encrypt` (key: token), or export K3S_TOKEN",
    });
  }
  // The SOPS codec loads only here: every other driver run (terraform, packer) stays without it.
  const { decryptFile } = await import("../../secrets/operations.js");
  const token = await decryptFile(file, { extract: `["${run.token.key}"]` }, { cwd: basePath, env });
  return { K3S_TOKEN: token.toString().trim() };
}

/** Prepares `ansible-playbook` for a component (its own playbook, or `playbook` — e.g. add_node.yml). */
export function preparePlaybook(
  engine: StackEngine,
  c: ResolvedComponent,
  dir: string,
  opts: AnsibleRunOptions & { playbook?: string },
  extra: string[],
  env: Record<string, string | undefined>,
): PlaybookRun {
  const state = ansibleStateDir(engine.config.basePath, c);
  const withPlaybook = opts.playbook
    ? {
        ...c,
        settings: { ...c.settings, ansible: { ...(c.settings.ansible as object), playbook: opts.playbook } },
      }
    : c;
  const commands = ansibleCommands(withPlaybook, dir, state, opts, extra, env);
  const playbook = join(dir, commands[0]!.argv.at(-1)!);
  if (!existsSync(playbook)) {
    throw new SlipwayError({
      code: "validation",
      message: `playbook ${playbook} does not exist`,
      hint: "create it, or name another one in settings.ansible.playbook",
    });
  }
  const cluster = c.vars.cluster as { token?: { sops_file?: unknown; key?: unknown } } | undefined;
  const token =
    c.component === "k3s" && typeof cluster?.token?.sops_file === "string"
      ? {
          file: cluster.token.sops_file,
          key: typeof cluster.token.key === "string" ? cluster.token.key : "token",
        }
      : undefined;
  return {
    files: prepareAnsible(c, state),
    commands,
    events: join(state, "events.jsonl"),
    playbook,
    ...(token ? { token } : {}),
  };
}
