import { defineCommand, type CommandDef } from "../command.js";
import { NODE_FLAGS, EDIT_FLAGS, APPLY_DRY_RUN, KUBE_FLAGS } from "./flags.js";

/** The node inventory: list, add, remove, rebuild drills, cluster and node config, Tailscale discovery. */
export const NODE_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["node", "list"],
    summary: "List the stack's nodes: role, addresses, labels, taints",
    flags: NODE_FLAGS,
    dataOutput: "table",
    examples: ["slipway node list -s pve-prod"],
    load: async () => (await import("../nodes.js")).nodeListCommand,
  }),
  defineCommand({
    words: ["node", "add"],
    summary: "Add a node to the file that defines the stack's nodes (comments kept, validated, atomic)",
    description:
      "The entry goes into the manifest that defines vars.nodes (found through provenance), in the style of the entries there; the rest of the file is unchanged. Duplicate names and addresses are refused with the conflicting entry named; a second writer waits on a lock. --apply then runs add_node.yml limited to the new node.",
    args: [{ name: "name", description: "Node name (RFC 1123)", required: true }],
    flags: {
      ...EDIT_FLAGS,
      address: { type: "string", description: "The node's IP address", value: "IP" },
      role: { type: "string", description: "server or agent", value: "ROLE" },
      label: {
        type: "string",
        description: "A Kubernetes label (repeatable)",
        value: "KEY=VALUE",
        multiple: true,
      },
      taint: {
        type: "string",
        description: "A taint (repeatable)",
        value: "KEY=VALUE:EFFECT",
        multiple: true,
      },
      "tailscale-ip": { type: "string", description: "The node's Tailscale IP", value: "IP" },
      "ssh-user": { type: "string", description: "SSH user for Ansible", value: "USER" },
      "ssh-key": { type: "string", description: "SSH private key file for Ansible", value: "FILE" },
      apply: { type: "boolean", description: "Run add_node.yml limited to the node afterwards" },
      "dry-run": APPLY_DRY_RUN,
    },
    examples: ["slipway node add pi-5 -s pve-prod --address 192.168.10.35 --role agent --label zone=attic"],
    load: async () => (await import("../nodes.js")).nodeAddCommand,
  }),
  defineCommand({
    words: ["node", "remove"],
    summary: "Remove a node from the stack; with --apply, cordon, drain, delete and uninstall it first",
    args: [{ name: "name", description: "Node name", required: true }],
    flags: {
      ...EDIT_FLAGS,
      apply: {
        type: "boolean",
        description: "Run remove_node.yml (cordon, drain, delete the Node, uninstall) before the edit",
      },
      force: {
        type: "boolean",
        description: "Remove the API endpoint, the first or last server, or one etcd quorum needs, anyway",
      },
      "dry-run": APPLY_DRY_RUN,
    },
    load: async () => (await import("../nodes.js")).nodeRemoveCommand,
  }),
  defineCommand({
    words: ["node", "rebuild"],
    summary: "Rebuild one node, time it until Ready against a target, and write a drill report",
    description:
      "Runs rebuild_node.yml limited to the node, waits for the Node to be Ready (kubectl wait), and writes docs/governance/reviews/<date>-rebuild-<node>.md with the times, the target and the recap.",
    args: [{ name: "name", description: "Node name", required: true }],
    flags: {
      ...NODE_FLAGS,
      target: { type: "string", description: "Time-to-Ready target (default 60m)", value: "DURATION" },
      "dry-run": {
        type: "boolean",
        description: "Print the playbook run and the wait instead of running them",
      },
    },
    load: async () => (await import("../nodes.js")).nodeRebuildCommand,
  }),
  defineCommand({
    words: ["node", "cordon"],
    summary: "Mark a node unschedulable, through the stack's cluster API",
    args: [{ name: "name", description: "Node name", required: true }],
    flags: KUBE_FLAGS,
    examples: ["slipway node cordon pi-3 -s pve-prod"],
    load: async () => (await import("../node-ops.js")).nodeCordonCommand,
  }),
  defineCommand({
    words: ["node", "uncordon"],
    summary: "Mark a node schedulable again",
    args: [{ name: "name", description: "Node name", required: true }],
    flags: KUBE_FLAGS,
    load: async () => (await import("../node-ops.js")).nodeUncordonCommand,
  }),
  defineCommand({
    words: ["node", "drain"],
    summary: "Cordon a node and evict its pods through the Eviction API (PodDisruptionBudgets respected)",
    description:
      "As kubectl drain --ignore-daemonsets: DaemonSet and mirror pods are skipped; pods with emptyDir data or no controller are refused, all listed at once and before anything is evicted, unless --delete-emptydir-data / --force; an eviction a PodDisruptionBudget refuses is retried every 5 s until --timeout. The node stays cordoned on failure.",
    args: [{ name: "name", description: "Node name", required: true }],
    flags: {
      ...KUBE_FLAGS,
      force: { type: "boolean", description: "Delete pods no controller recreates" },
      "delete-emptydir-data": {
        type: "boolean",
        description: "Evict pods with emptyDir volumes (their data is lost)",
      },
      timeout: { type: "string", description: "Give up after this long (default 5m)", value: "DURATION" },
      "grace-period": {
        type: "string",
        description: "Seconds each pod gets to stop (default: its own terminationGracePeriodSeconds)",
        value: "SECONDS",
      },
    },
    examples: ["slipway node drain pi-3 -s pve-prod --delete-emptydir-data"],
    load: async () => (await import("../node-ops.js")).nodeDrainCommand,
  }),
  defineCommand({
    words: ["config", "get"],
    summary: "Read a cluster or node var by dotted key",
    args: [
      {
        name: "key",
        description: "cluster.version, or a node key such as labels.zone with --scope",
        required: true,
      },
    ],
    flags: {
      ...NODE_FLAGS,
      scope: { type: "string", description: "all | servers | agents | <node>", value: "SCOPE" },
    },
    dataOutput: true,
    examples: [
      "slipway config get cluster.version -s pve-prod",
      "slipway config get labels --scope servers -s pve-prod",
    ],
    load: async () => (await import("../nodes.js")).configGetCommand,
  }),
  defineCommand({
    words: ["config", "set"],
    summary:
      "Change a cluster or node var for one stack: in its own file, or as an override in its own manifest; tried before the write",
    args: [
      { name: "key", description: "Dotted key", required: true },
      { name: "value", description: "The value, read as YAML (true, 3, [a, b])", required: true },
    ],
    flags: {
      ...NODE_FLAGS,
      scope: { type: "string", description: "all | servers | agents | <node>", value: "SCOPE" },
      in: {
        type: "string",
        description: "Write into this file, even when other stacks share it (they change too)",
        value: "FILE",
      },
      force: { type: "boolean", description: "Replace a {{ … }} template with the literal value" },
    },
    examples: [
      "slipway config set cluster.version v1.31.5+k3s1 -s pve-prod",
      "slipway config set labels.zone attic --scope pi-3 -s pve-prod",
    ],
    load: async () => (await import("../nodes.js")).configSetCommand,
  }),
  defineCommand({
    words: ["discover"],
    summary:
      "List the tailnet's peers (tailscale status --json) and which are in the cluster; --add adds them",
    flags: {
      stack: {
        type: "string",
        short: "s",
        description: "Mark the stack's nodes (and --add to it)",
        value: "STACK",
      },
      component: NODE_FLAGS.component!,
      "from-file": {
        type: "string",
        description:
          "Read `tailscale status --json` output from this file (- for stdin) instead of running tailscale",
        value: "FILE",
      },
      online: { type: "boolean", description: "Only peers that are online" },
      tag: { type: "string", description: "Only peers with this tag (tag:k3s or k3s)", value: "TAG" },
      os: { type: "string", description: "Only peers with this OS (linux, windows, …)", value: "OS" },
      add: { type: "boolean", description: "Add the listed peers that are not in the cluster to the stack" },
      role: { type: "string", description: "Role of the added nodes (default agent)", value: "ROLE" },
      "edit-imported": EDIT_FLAGS["edit-imported"]!,
    },
    dataOutput: "table",
    examples: [
      "slipway discover --online --tag k3s -s pve-prod",
      "slipway discover --online --tag k3s --add -s pve-prod --role agent",
      "slipway discover --from-file status.json -s pve-prod",
    ],
    load: async () => (await import("../nodes.js")).discoverCommand,
  }),
];
