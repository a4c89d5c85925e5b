import { defineCommand, type CommandDef } from "../command.js";

/** Workflows: named sequences of steps with resume. */
export const WORKFLOW_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["workflow", "list"],
    summary: "List the workflows in the workflows folder",
    dataOutput: "table",
    load: async () => (await import("../workflow.js")).workflowListCommand,
  }),
  defineCommand({
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
    load: async () => (await import("../workflow.js")).workflowCommand,
  }),
];
