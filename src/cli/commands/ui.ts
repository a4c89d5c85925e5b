import { defineCommand, type CommandDef } from "../command.js";
import { requiredStack } from "./flags.js";

/** The terminal UI. */
export const UI_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["ui"],
    summary:
      "A terminal UI of the stack's live cluster: nodes, workloads, services, pods, events, GitOps, the stack",
    description:
      "Kept current by API watches (no polling), drawn at most once per 100 ms batch, only the rows on screen. Keys: ? lists them; they are rebound in $XDG_CONFIG_HOME/slipway/ui.yaml (default ~/.config/slipway/ui.yaml) or --keys FILE. Needs a terminal; talks to nothing but the cluster's API server.",
    flags: {
      stack: requiredStack,
      context: {
        type: "string",
        description: "The kubeconfig context (default: the stack's)",
        value: "NAME",
      },
      kubeconfig: {
        type: "string",
        description: "The kubeconfig file (default: $KUBECONFIG, ~/.kube/config)",
        value: "FILE",
      },
      readonly: {
        type: "boolean",
        description: "Refuse every action that changes the cluster (cordon, drain)",
      },
      keys: {
        type: "string",
        description: "Key bindings file (instead of ~/.config/slipway/ui.yaml)",
        value: "FILE",
      },
      namespace: {
        type: "string",
        short: "n",
        description: "Only these namespaces (comma-separated; n picks in the UI)",
        value: "NS,…",
      },
    },
    examples: ["slipway ui -s pi-prod", "slipway ui -s pi-prod --readonly -n apps,monitoring"],
    load: async () => (await import("../ui.js")).uiCommand,
  }),
];
