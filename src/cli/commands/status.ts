import { defineCommand, type CommandDef } from "../command.js";
import { NODE_FLAGS, requiredStack } from "./flags.js";

/** Desired versus actual: the stack's declared cluster against the live one. */
export const STATUS_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["status"],
    summary:
      "Compare the stack's declared cluster with the live one: nodes, versions, GitOps, workloads, PVCs, events",
    description:
      "Reads the stack's nodes component (declared nodes, cluster.version) and the repository's Git HEAD, then lists and reads the cluster through the API server only: nodes declared but absent or present but undeclared, NotReady or under pressure, kubelet version drift from cluster.version (the Kubernetes version must match; a k3s build suffix such as +k3s1 is compared when both carry one), InternalIP and Tailscale address against the declared ones, CPU/memory requested against allocatable; Flux and Argo CD objects not Ready with their message and revision against HEAD; workloads and pods not ready; PVCs not Bound; the last warning events. A stack without a nodes component gets the cluster half. The cluster is the one kube-target picks: --context/--kubeconfig, settings.kubernetes.context|kubeconfig, cluster.kubeconfig_context, else the stack name with / as -. Exit codes: 0 healthy, 3 degraded, 1 unreachable or any other error, 2 usage. --watch redraws on every change the API server's watches deliver (no polling) until Ctrl-C; without a terminal it appends each changed report (with --format json, one JSON document a line).",
    flags: {
      stack: requiredStack,
      component: NODE_FLAGS.component!,
      context: {
        type: "string",
        description: "The kubeconfig context (default: see above)",
        value: "CONTEXT",
      },
      kubeconfig: {
        type: "string",
        description: "The kubeconfig file (default: $KUBECONFIG, ~/.kube/config)",
        value: "FILE",
      },
      events: {
        type: "string",
        description: "How many of the newest warning events to list (default 10)",
        value: "N",
      },
      watch: { type: "boolean", short: "w", description: "Redraw on every change until Ctrl-C" },
    },
    dataOutput: "table",
    examples: [
      "slipway status -s homelab/prod",
      "slipway status -s homelab/prod --format json",
      "slipway status -s homelab/prod --watch",
    ],
    load: async () => (await import("../status.js")).statusCommand,
  }),
];
