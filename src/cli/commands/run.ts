import { defineCommand, type CommandDef } from "../command.js";
import { AFFECTED_FLAGS } from "./affected.js";
import { DRIVER_FLAGS, STACK_RUN_FLAGS } from "./flags.js";

/** plan/apply flags, with --affected and the flags that choose what it compares. */
const STACK_RUN_AFFECTED_FLAGS = {
  ...STACK_RUN_FLAGS,
  stack: { ...STACK_RUN_FLAGS.stack!, description: "Stack name (required, unless --affected)" },
  affected: {
    type: "boolean",
    description: "Only the affected component instances (see describe affected), across stacks",
  },
  ref: AFFECTED_FLAGS.ref!,
  sha: AFFECTED_FLAGS.sha!,
  base: AFFECTED_FLAGS.base!,
  "include-dependents": {
    type: "boolean",
    description: "With --affected: also run the components that depend on the affected ones",
  },
} as const;

/** Running the tools: one component (`slipway <type>`), or a whole stack in dependency order (plan, apply). */
export const RUN_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["terraform"],
    summary:
      "Run OpenTofu (or Terraform) for a component: varfile and backend file written, workspace selected",
    description:
      "Actions: init, plan, apply, deploy (init + apply -auto-approve), destroy, output, validate, workspace, clean, and the tool's own show, state, import, console, providers, fmt, force-unlock, taint, untaint, refresh, graph, test — each with what it reads prepared (init, the workspace, the varfile where the subcommand takes one). Writes <stack>-<component>.terraform.tfvars.json and backend.tf.json in the component folder, selects or creates the workspace, passes the component's env. Locked components refuse changes (state mv/rm/push too); abstract and disabled ones refuse everything. `state` takes its subcommand first, as in Atmos (`state list vpc`); words after the component, and arguments after --, go to the tool.",
    args: [
      {
        name: "action",
        description:
          "init | plan | apply | deploy | destroy | output | validate | workspace | clean | show | state | import | console | providers | fmt | force-unlock | taint | untaint | refresh | graph | test",
        required: true,
      },
      {
        name: "component",
        description: "Component name (for state: the subcommand, then the component)",
        required: true,
      },
      {
        name: "args",
        description: "More words for the tool (import ADDR ID, taint ADDR, …)",
        variadic: true,
      },
    ],
    flags: DRIVER_FLAGS,
    examples: [
      "slipway terraform plan k3s-cluster -s pve-prod --dry-run",
      "slipway terraform deploy k3s-cluster -s pve-prod -- -parallelism=4",
      "slipway terraform state list k3s-cluster -s pve-prod",
    ],
    load: async () => (await import("../drivers.js")).terraformCommand,
  }),
  defineCommand({
    words: ["plan"],
    summary: "Plan every component of a stack in dependency order (OpenTofu plan, Packer validate)",
    description:
      "Components run in the order settings.depends_on gives, independent ones in parallel; each one's output goes to .slipway/logs/<stack>/<component>.log. A failure stops its dependents and lets independent work finish. A component whose tool is not on PATH runs as a dry run, and says so. With --affected (no -s needed), only the component instances `describe affected` lists run — stack by stack in name order, dependency order inside each, an unaffected dependency taken as it is; --include-dependents adds what depends on them; deleted components are reported, not run.",
    flags: STACK_RUN_AFFECTED_FLAGS,
    examples: [
      "slipway plan -s pve-prod",
      "slipway plan -s pve-prod --parallelism 2",
      "slipway plan --affected --ref main --include-dependents",
    ],
    load: async () => (await import("../stack-run.js")).planCommand,
  }),
  defineCommand({
    words: ["apply"],
    summary: "Apply every component of a stack in dependency order (OpenTofu deploy, Packer build)",
    description:
      "As plan. With --affected, only the component instances `describe affected` lists, stack by stack.",
    flags: STACK_RUN_AFFECTED_FLAGS,
    load: async () => (await import("../stack-run.js")).applyCommand,
  }),
  defineCommand({
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
    load: async () => (await import("../drivers.js")).packerCommand,
  }),
  defineCommand({
    words: ["ansible"],
    summary: "Run an Ansible playbook for a component: inventory and extra vars generated from the stack",
    description:
      "Actions: run (ansible-playbook with the generated inventory and extra vars), inventory (print the inventory), syntax-check (what plan -s runs: reads the playbook and inventory, touches no host). vars.nodes — a list of {name, address, role, groups, host_vars, ssh: {user, port, key}, connection} — becomes the inventory (one group per role and per extra group, each node's entry as the host var `node`); vars.inventory, an Ansible YAML inventory, is used as it is; the other vars are extra vars. The playbook is settings.ansible.playbook (default site.yml) in the component folder. Failures are reported per host and task, with the recap counts. Arguments after -- go to ansible-playbook.",
    args: [
      { name: "action", description: "run | inventory | syntax-check", required: true },
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
    load: async () => (await import("../drivers.js")).ansibleCommand,
  }),
];
