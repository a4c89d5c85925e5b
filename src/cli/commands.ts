import type { CommandDef, FlagDef } from "./command.js";

const stackFlag = { type: "string", short: "s", description: "Stack name", value: "STACK" } as const;
const requiredStack = { ...stackFlag, description: "Stack name (required)" };

/** Flags of the commands that run a tool for one component. */
const DRIVER_FLAGS: Record<string, FlagDef> = {
  stack: requiredStack,
  "dry-run": { type: "boolean", description: "Print the files it would write and the commands it would run" },
};

/** Flags of the node and config commands. */
const NODE_FLAGS: Record<string, FlagDef> = {
  stack: requiredStack,
  component: {
    type: "string",
    description: "The nodes component (default: the stack's ansible component with the k3s folder)",
    value: "NAME",
  },
};
const EDIT_FLAGS: Record<string, FlagDef> = {
  ...NODE_FLAGS,
  "edit-imported": {
    type: "boolean",
    description: "Edit the nodes list even when an imported (shared) file defines it",
  },
};

/** `--dry-run` of the node edits that can run a playbook afterwards. */
const APPLY_DRY_RUN: FlagDef = {
  type: "boolean",
  description: "With --apply: print the playbook run instead of running it",
};

/** Flags of plan and apply. */
const STACK_RUN_FLAGS: Record<string, FlagDef> = {
  stack: requiredStack,
  parallelism: { type: "string", description: "How many components run at once (default 4)", value: "N" },
  "dry-run": {
    type: "boolean",
    description: "Write nothing, run nothing: print each component's files and commands to its log",
  },
};

/** Every command slipway has. The README's command reference is generated from this table. */
export const COMMANDS: CommandDef[] = [
  {
    words: ["describe", "component"],
    summary: "Show a component's resolved configuration in a stack",
    description:
      "Imports, deep merge (global → type → bases → component → overrides), inheritance and templates applied. " +
      "Field names match Atmos's `describe component`, so existing scripts keep working.",
    args: [{ name: "component", description: "Component name", required: true }],
    flags: {
      stack: { ...stackFlag, description: "Stack name (required)" },
      provenance: {
        type: "boolean",
        description: "Show, next to each value, the file:line and import chain it came from",
      },
      type: { type: "string", description: "Component type, when the name exists in several", value: "TYPE" },
    },
    dataOutput: true,
    examples: [
      "slipway describe component k3s-cluster -s pve-prod",
      "slipway describe component k3s-cluster -s pve-prod --provenance",
    ],
    load: async () => (await import("./describe.js")).describeComponentCommand,
  },
  {
    words: ["describe", "stacks"],
    summary: "Show every stack with its resolved components",
    description:
      "Shape: {<stack>: {components: {<type>: {<component>: {…}}}}}, as Atmos prints it. A repeated run " +
      "with nothing changed is answered from an output cache, after every file, glob and environment " +
      "variable the last run read is checked again (SLIPWAY_CACHE=off turns it off, =<folder> moves it; " +
      "runs that read a set environment variable are never kept).",
    args: [],
    flags: {
      stack: { ...stackFlag, description: "Only this stack" },
      components: { type: "string", description: "Only these components (comma-separated)", value: "A,B" },
      "component-types": {
        type: "string",
        description: "Only these types (terraform,packer,ansible,kubernetes)",
        value: "T,…",
      },
      sections: { type: "string", description: "Only these sections (vars,settings,env,…)", value: "S,…" },
    },
    dataOutput: true,
    examples: ["slipway describe stacks --format json", "slipway describe stacks -s pve-dev --sections vars"],
    load: async () => (await import("./describe-stacks.js")).describeStacksCommand,
  },
  {
    words: ["render"],
    summary: "Render a stack's kubernetes components into the GitOps tree (clusters/<stack>/…)",
    description:
      "Built-in renderers: apps (a Kustomize base plus one overlay per environment), addons (pinned Helm charts: Cilium, Traefik, Kyverno, cert-manager, kube-prometheus-stack, Loki, NVIDIA device plugin), gitops (Flux source and Kustomization chain, or an Argo CD app-of-apps) and tenants (namespaces per organisation and environment with quota, limits, default-deny network policies, RBAC, and an AppProject or tenant Kustomization). Output is canonical and byte-identical run to run.",
    flags: {
      stack: { type: "string", short: "s", description: "Stack name (required)", value: "STACK" },
      out: {
        type: "string",
        description: "Output folder (default: gitops/ in the repository)",
        value: "DIR",
      },
      check: {
        type: "boolean",
        description: "Write nothing; exit 1 and list the files that differ (for CI)",
      },
    },
    examples: ["slipway render -s pve-prod", "slipway render -s pve-prod --check"],
    load: async () => (await import("./render.js")).renderCommand,
  },
  {
    words: ["list", "stacks"],
    summary: "List stack names",
    dataOutput: true,
    load: async () => (await import("./list.js")).listStacksCommand,
  },
  {
    words: ["list", "components"],
    summary: "List components, per stack (abstract and disabled ones marked)",
    flags: { stack: { ...stackFlag, description: "Only this stack" } },
    dataOutput: true,
    load: async () => (await import("./list.js")).listComponentsCommand,
  },
  {
    words: ["validate", "stacks"],
    summary: "Check every manifest and stack: YAML, imports, cycles, inheritance, section types, conflicts",
    description:
      "Reports every finding, not only the first, as file:line:col with a hint; exits 1 when there is any.",
    dataOutput: true,
    load: async () => (await import("./validate.js")).validateStacksCommand,
  },
  {
    words: ["validate", "manifests"],
    summary: "Validate Kubernetes manifests offline: schemas, kustomize builds and platform rules",
    description:
      "Every YAML document that is a Kubernetes object is checked against its schema (kubernetes-models and its Flux, Argo CD, prometheus-operator, cert-manager and Traefik packages); every kustomization is built with `kubectl kustomize`; platform rules report plaintext Secrets, unpinned images and charts, missing requests, wildcard AppProjects and tenant namespaces without default-deny or quota. Exit 1 when any error remains.",
    args: [{ name: "dirs", description: "Files or folders (default: the current folder)", variadic: true }],
    flags: {
      strict: { type: "boolean", description: "Treat warnings as errors" },
      disable: { type: "string", description: "Turn rules off (comma-separated rule ids)", value: "RULE,…" },
      "no-build": { type: "boolean", description: "Skip the kubectl kustomize builds" },
    },
    dataOutput: true,
    examples: [
      "slipway validate manifests clusters/ infrastructure/",
      "slipway validate manifests . --strict --format json",
    ],
    load: async () => (await import("./manifests.js")).validateManifestsCommand,
  },
  {
    words: ["validate", "component"],
    summary:
      "Validate a component's resolved config against its JSON Schemas (settings.validation) and built-in schema",
    args: [{ name: "component", description: "Component name", required: true }],
    flags: { stack: { ...stackFlag, description: "Stack name (required)" } },
    dataOutput: true,
    load: async () => (await import("./validate.js")).validateComponentCommand,
  },
  {
    words: ["secrets", "keygen"],
    summary: "Make a new age identity (file mode 0600, never overwritten) and print its recipient",
    flags: {
      out: {
        type: "string",
        description: "Write the identity to this file instead of stdout",
        value: "FILE",
      },
    },
    load: async () => (await import("./secrets.js")).keygenCommand,
  },
  {
    words: ["secrets", "encrypt"],
    summary: "Encrypt a YAML, JSON, dotenv or binary file SOPS-compatibly with age",
    description:
      "Recipients and encryption rules come from the first matching creation rule of the nearest .sops.yaml, unless --age is given. Refuses a file that is already encrypted.",
    args: [{ name: "file", description: "The plaintext file", required: true }],
    flags: {
      "in-place": {
        type: "boolean",
        short: "i",
        description: "Replace the file (atomically) instead of printing",
      },
      age: {
        type: "string",
        description: "Age recipients, comma-separated (overrides .sops.yaml)",
        value: "R,…",
      },
    },
    examples: ["slipway secrets encrypt -i clusters/pve-prod/secrets/k3s-token.yaml"],
    load: async () => (await import("./secrets.js")).encryptCommand,
  },
  {
    words: ["secrets", "decrypt"],
    summary: "Decrypt a SOPS file (MAC verified) to stdout, in place, or one value with --extract",
    args: [{ name: "file", description: "The encrypted file", required: true }],
    flags: {
      "in-place": { type: "boolean", short: "i", description: "Write the plaintext over the file" },
      extract: { type: "string", description: `One value, sops-style: '["key"]["nested"]'`, value: "PATH" },
    },
    load: async () => (await import("./secrets.js")).decryptCommand,
  },
  {
    words: ["secrets", "edit"],
    summary: "Edit an encrypted file in $EDITOR; unchanged values keep their ciphertext",
    description:
      "The plaintext lives only in a private 0700 temporary folder, removed on every exit path (Ctrl-C included). The file is rewritten only when the content changed.",
    args: [{ name: "file", description: "The encrypted file", required: true }],
    load: async () => (await import("./secrets.js")).editCommand,
  },
  {
    words: ["secrets", "updatekeys"],
    summary: "Make a file's recipients match its creation rule (same data key)",
    args: [{ name: "files", description: "Encrypted files", required: true, variadic: true }],
    load: async () => (await import("./secrets.js")).updateKeysCommand,
  },
  {
    words: ["secrets", "rotate"],
    summary: "Re-encrypt files with a new data key for the same recipients",
    args: [{ name: "files", description: "Encrypted files", required: true, variadic: true }],
    load: async () => (await import("./secrets.js")).rotateCommand,
  },
  {
    words: ["secrets", "check"],
    summary:
      "Fail on plaintext Kubernetes Secrets, unencrypted files a creation rule covers, and MACs that do not verify",
    description:
      "For pre-commit hooks and CI: exits 1 when it finds anything. Files it cannot verify for lack of an identity are noted, not failed.",
    args: [{ name: "paths", description: "Files or folders (default: the current folder)", variadic: true }],
    dataOutput: true,
    load: async () => (await import("./secrets.js")).checkCommand,
  },
  {
    words: ["terraform"],
    summary:
      "Run OpenTofu (or Terraform) for a component: varfile and backend file written, workspace selected",
    description:
      "Actions: init, plan, apply, deploy (init + apply -auto-approve), destroy, output, validate, workspace, clean. Writes <stack>-<component>.terraform.tfvars.json and backend.tf.json in the component folder, selects or creates the workspace, passes the component's env. Locked components refuse changes; abstract and disabled ones refuse everything. Arguments after -- go to the tool.",
    args: [
      {
        name: "action",
        description: "init | plan | apply | deploy | destroy | output | validate | workspace | clean",
        required: true,
      },
      { name: "component", description: "Component name", required: true },
    ],
    flags: DRIVER_FLAGS,
    examples: [
      "slipway terraform plan k3s-cluster -s pve-prod --dry-run",
      "slipway terraform deploy k3s-cluster -s pve-prod -- -parallelism=4",
    ],
    load: async () => (await import("./drivers.js")).terraformCommand,
  },
  {
    words: ["plan"],
    summary: "Plan every component of a stack in dependency order (OpenTofu plan, Packer validate)",
    description:
      "Components run in the order settings.depends_on gives, independent ones in parallel; each one's output goes to .slipway/logs/<stack>/<component>.log. A failure stops its dependents and lets independent work finish. A component whose tool is not on PATH runs as a dry run, and says so.",
    flags: STACK_RUN_FLAGS,
    examples: ["slipway plan -s pve-prod", "slipway plan -s pve-prod --parallelism 2"],
    load: async () => (await import("./stack-run.js")).planCommand,
  },
  {
    words: ["apply"],
    summary: "Apply every component of a stack in dependency order (OpenTofu deploy, Packer build)",
    flags: STACK_RUN_FLAGS,
    load: async () => (await import("./stack-run.js")).applyCommand,
  },
  {
    words: ["packer"],
    summary: "Run Packer for a component: its vars written as a pkrvars JSON file",
    description:
      "Actions: init, validate, build, fmt, inspect, run in the template folder with -var-file=<stack>-<component>.pkrvars.json. Arguments after -- go to packer.",
    args: [
      { name: "action", description: "init | validate | build | fmt | inspect", required: true },
      { name: "component", description: "Component name", required: true },
    ],
    flags: DRIVER_FLAGS,
    examples: ["slipway packer build alma9-k3s-optimized -s pve-prod --dry-run"],
    load: async () => (await import("./drivers.js")).packerCommand,
  },
  {
    words: ["ansible"],
    summary: "Run an Ansible playbook for a component: inventory and extra vars generated from the stack",
    description:
      "Actions: run (ansible-playbook with the generated inventory and extra vars), inventory (print the inventory). vars.nodes — a list of {name, address, role, groups, host_vars, ssh: {user, port, key}, connection} — becomes the inventory (one group per role and per extra group, each node's entry as the host var `node`); vars.inventory, an Ansible YAML inventory, is used as it is; the other vars are extra vars. The playbook is settings.ansible.playbook (default site.yml) in the component folder. Failures are reported per host and task, with the recap counts. Arguments after -- go to ansible-playbook.",
    args: [
      { name: "action", description: "run | inventory", required: true },
      { name: "component", description: "Component name", required: true },
    ],
    flags: {
      ...DRIVER_FLAGS,
      limit: {
        type: "string",
        description: "Only these hosts or groups (ansible-playbook --limit)",
        value: "HOSTS",
      },
      tags: {
        type: "string",
        description: "Only tasks with these tags (ansible-playbook --tags)",
        value: "TAGS",
      },
      check: { type: "boolean", description: "Check mode: report what would change, change nothing" },
      diff: { type: "boolean", description: "Show the differences in changed files and templates" },
    },
    dataOutput: true,
    examples: [
      "slipway ansible inventory k3s -s pve-prod",
      "slipway ansible run k3s -s pve-prod --limit pi-3 --check --diff",
    ],
    load: async () => (await import("./drivers.js")).ansibleCommand,
  },
  {
    words: ["node", "list"],
    summary: "List the stack's nodes: role, addresses, labels, taints",
    flags: NODE_FLAGS,
    dataOutput: true,
    examples: ["slipway node list -s pve-prod"],
    load: async () => (await import("./nodes.js")).nodeListCommand,
  },
  {
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
    load: async () => (await import("./nodes.js")).nodeAddCommand,
  },
  {
    words: ["node", "remove"],
    summary: "Remove a node from the stack; with --apply, cordon, drain, delete and uninstall it first",
    args: [{ name: "name", description: "Node name", required: true }],
    flags: {
      ...EDIT_FLAGS,
      apply: {
        type: "boolean",
        description: "Run remove_node.yml (cordon, drain, delete the Node, uninstall) before the edit",
      },
      "dry-run": APPLY_DRY_RUN,
    },
    load: async () => (await import("./nodes.js")).nodeRemoveCommand,
  },
  {
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
    load: async () => (await import("./nodes.js")).nodeRebuildCommand,
  },
  {
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
    load: async () => (await import("./nodes.js")).configGetCommand,
  },
  {
    words: ["config", "set"],
    summary: "Change a cluster or node var in the file that defines it, validated before the write",
    args: [
      { name: "key", description: "Dotted key", required: true },
      { name: "value", description: "The value, read as YAML (true, 3, [a, b])", required: true },
    ],
    flags: {
      ...NODE_FLAGS,
      scope: { type: "string", description: "all | servers | agents | <node>", value: "SCOPE" },
    },
    examples: [
      "slipway config set cluster.version v1.31.5+k3s1 -s pve-prod",
      "slipway config set labels.zone attic --scope pi-3 -s pve-prod",
    ],
    load: async () => (await import("./nodes.js")).configSetCommand,
  },
  {
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
      online: { type: "boolean", description: "Only peers that are online" },
      tag: { type: "string", description: "Only peers with this tag (tag:k3s or k3s)", value: "TAG" },
      os: { type: "string", description: "Only peers with this OS (linux, windows, …)", value: "OS" },
      add: { type: "boolean", description: "Add the listed peers that are not in the cluster to the stack" },
      role: { type: "string", description: "Role of the added nodes (default agent)", value: "ROLE" },
      "edit-imported": EDIT_FLAGS["edit-imported"]!,
    },
    dataOutput: true,
    examples: [
      "slipway discover --online --tag k3s -s pve-prod",
      "slipway discover --online --tag k3s --add -s pve-prod --role agent",
    ],
    load: async () => (await import("./nodes.js")).discoverCommand,
  },
  {
    words: ["workflow", "list"],
    summary: "List the workflows in the workflows folder",
    dataOutput: true,
    load: async () => (await import("./workflow.js")).workflowListCommand,
  },
  {
    words: ["workflow"],
    summary: "Run an Atmos-style workflow: slipway, shell and check steps, resumable from any step",
    description:
      "Steps run in order; `check` steps wait until tcp://host:port accepts, an http(s) URL answers 2xx (or expect_status), or a shell command exits 0, within timeout, every interval. Stack: the command's own -s < workflow stack < step stack < -s. On failure: the step, its command, its exit code, and the command to resume from it.",
    args: [{ name: "name", description: "Workflow name", required: true }],
    flags: {
      file: {
        type: "string",
        short: "f",
        description: "Workflow file (in the workflows folder; extension optional)",
        value: "FILE",
      },
      stack: {
        type: "string",
        short: "s",
        description: "Stack for every step (overrides the file)",
        value: "STACK",
      },
      "from-step": { type: "string", description: "Start at this step", value: "NAME" },
      "dry-run": { type: "boolean", description: "Print the steps and their commands; run nothing" },
    },
    examples: [
      "slipway workflow deploy-all -f e2e -s pve-prod --dry-run",
      "slipway workflow infra-deploy -f infrastructure -s pve-prod --from-step apply",
    ],
    load: async () => (await import("./workflow.js")).workflowCommand,
  },
  {
    words: ["schema"],
    summary: "Print JSON Schema for editors: stack manifests (default), config, or a built-in component",
    args: [{ name: "what", description: "manifest | config | <type>/<component>" }],
    load: async () => (await import("./schema.js")).schemaCommand,
  },
];
