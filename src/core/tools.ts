import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { SlipwayError } from "./errors.js";

/** How to get each tool slipway drives, for the error when it is missing. */
const INSTALL: Record<string, string> = {
  tofu: "install OpenTofu (https://opentofu.org/docs/intro/install/), or set components.terraform.command: terraform",
  terraform: "install Terraform, or set components.terraform.command: tofu",
  packer: "apt-get install packer (or HashiCorp's packages)",
  "ansible-playbook": "apt-get install ansible-core (or pipx install ansible-core)",
  kubectl: "install kubectl (https://kubernetes.io/docs/tasks/tools/)",
};

/** True when `tool` is an executable on PATH (looked up here, without spawning a shell). */
export function onPath(tool: string, env: Record<string, string | undefined>, cwd?: string): boolean {
  // A path (`./bin/tofu`) is where it says, from the folder the command runs in.
  if (tool.includes("/")) return isExecutable(cwd ? resolve(cwd, tool) : tool);
  return (env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && isExecutable(join(dir, tool)));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** How to install a tool slipway drives. */
export function installHint(tool: string): string {
  return INSTALL[tool] ?? `install ${tool}`;
}

/** Throws a SlipwayError naming the missing tool, what needs it, and how to install it. */
export function requireTool(tool: string, neededFor: string, env: Record<string, string | undefined>): void {
  if (onPath(tool, env)) return;
  throw new SlipwayError({
    code: "validation",
    message: `${tool} is not on PATH; ${neededFor} needs it`,
    hint: `${installHint(tool)}; or add --dry-run to see the files and commands without running them`,
  });
}

/**
 * Why a tool on PATH cannot do the job, or undefined when it can: older than `min` ([major, minor]) — Packer
 * before 1.7 does not read HCL2 templates with `required_plugins` (Debian's packer 1.6.6, for one).
 */
export function tooOld(
  tool: string,
  env: Record<string, string | undefined>,
  min: readonly [number, number] | undefined,
  cwd?: string,
): string | undefined {
  if (!min) return undefined;
  const r = spawnSync(tool, ["version"], { env: env as NodeJS.ProcessEnv, encoding: "utf8", cwd });
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(`${r.stdout ?? ""}${r.stderr ?? ""}`);
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major < min[0] || (major === min[0] && minor < min[1])
    ? `${tool} ${m[0]} is older than ${min.join(".")}, which the template needs`
    : undefined;
}
