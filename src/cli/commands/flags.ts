// Flags several command groups share.
import type { FlagDef } from "../command.js";

export const stackFlag = { type: "string", short: "s", description: "Stack name", value: "STACK" } as const;
export const requiredStack = { ...stackFlag, description: "Stack name (required)" };

/** Flags of the commands that run a tool for one component. */
export const DRIVER_FLAGS: Record<string, FlagDef> = {
  stack: requiredStack,
  "dry-run": { type: "boolean", description: "Print the files it would write and the commands it would run" },
};

/** Flags of the node and config commands. */
export const NODE_FLAGS: Record<string, FlagDef> = {
  stack: requiredStack,
  component: {
    type: "string",
    description: "The nodes component (default: the stack's ansible component with the k3s folder)",
    value: "NAME",
  },
};
export const EDIT_FLAGS: Record<string, FlagDef> = {
  ...NODE_FLAGS,
  "edit-imported": {
    type: "boolean",
    description: "Edit the nodes list even when an imported (shared) file defines it",
  },
};

/** `--dry-run` of the node edits that can run a playbook afterwards. */
export const APPLY_DRY_RUN: FlagDef = {
  type: "boolean",
  description: "With --apply: print the playbook run instead of running it",
};

/** Flags of plan and apply. */
export const STACK_RUN_FLAGS: Record<string, FlagDef> = {
  stack: requiredStack,
  parallelism: { type: "string", description: "How many components run at once (default 4)", value: "N" },
  "dry-run": {
    type: "boolean",
    description: "Write nothing, run nothing: print each component's files and commands to its log",
  },
};

/** `--process-functions=false` of the describe commands: YAML functions stay as their text, as in Atmos. */
export const PROCESS_FUNCTIONS: FlagDef = {
  type: "string",
  description:
    "false: show YAML functions (!exec, !terraform.output, …) as written instead of running them (default true)",
  value: "BOOL",
};

/** Flags of the commands that talk to the stack's live cluster (status, ui, node cordon/drain). */
export const KUBE_FLAGS: Record<string, FlagDef> = {
  stack: requiredStack,
  context: {
    type: "string",
    description:
      "The kubeconfig context (default: the stack's settings.kubernetes.context, cluster.kubeconfig_context, or the stack name with / as -)",
    value: "NAME",
  },
  kubeconfig: {
    type: "string",
    description: "The kubeconfig file (default: settings.kubernetes.kubeconfig, $KUBECONFIG, ~/.kube/config)",
    value: "FILE",
  },
};
