import { defineCommand, type CommandDef } from "../command.js";

/** Starting a platform repository from nothing. */
export const INIT_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["init"],
    summary:
      "Write a minimal platform repository that validates, plans and renders as it is (never over an existing file)",
    description:
      "Writes slipway.yaml, one commented stack, .gitignore, a .sops.yaml for a fresh age recipient and, for the k3s flavours, a join token encrypted for it. The identity goes to .slipway/age-key.txt (mode 0600, gitignored). Flavours: homelab (k3s via Ansible + Flux, the default), pi (Raspberry Pis over Tailscale), proxmox (Packer + OpenTofu VMs + k3s), org (multi-tenant with Argo CD). When any file it would write exists, it writes nothing.",
    args: [
      {
        name: "dir",
        description: "The folder to write it in (default: the current folder; made when missing)",
      },
    ],
    flags: {
      flavour: {
        type: "string",
        description: "What kind of platform: homelab (default), pi, proxmox or org",
        value: "NAME",
      },
    },
    examples: ["slipway init my-lab", "slipway init --flavour pi pi-cluster"],
    load: async () => (await import("../init.js")).initCommand,
  }),
];
