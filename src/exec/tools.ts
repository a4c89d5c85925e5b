import { spawnSync } from "node:child_process";
import { SlipwayError } from "../errors.js";

/** How to get each tool slipway drives, for the error when it is missing. */
const INSTALL: Record<string, string> = {
  tofu: "install OpenTofu (https://opentofu.org/docs/intro/install/), or set components.terraform.command: terraform",
  terraform: "install Terraform, or set components.terraform.command: tofu",
  packer: "apt-get install packer (or HashiCorp's packages)",
  "ansible-playbook": "apt-get install ansible-core (or pipx install ansible-core)",
  kubectl: "install kubectl (https://kubernetes.io/docs/tasks/tools/)",
};

/** True when `tool` is on PATH. */
export function onPath(tool: string, env: Record<string, string | undefined>): boolean {
  return (
    spawnSync("sh", ["-c", `command -v "$1"`, "sh", tool], { env: env as NodeJS.ProcessEnv, stdio: "ignore" })
      .status === 0
  );
}

/** Throws a SlipwayError naming the missing tool, what needs it, and how to install it. */
export function requireTool(tool: string, neededFor: string, env: Record<string, string | undefined>): void {
  if (onPath(tool, env)) return;
  throw new SlipwayError({
    code: "validation",
    message: `${tool} is not on PATH; ${neededFor} needs it`,
    hint: `${INSTALL[tool] ?? `install ${tool}`}; or add --dry-run to see the files and commands without running them`,
  });
}
