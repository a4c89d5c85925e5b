import type { CommandDef } from "./command.js";
import { AFFECTED_COMMANDS } from "./commands/affected.js";
import { EVIDENCE_COMMANDS } from "./commands/evidence.js";
import { INIT_COMMANDS } from "./commands/init.js";
import { NODE_COMMANDS } from "./commands/nodes.js";
import { RUN_COMMANDS } from "./commands/run.js";
import { SCHEMA_COMMANDS } from "./commands/schema.js";
import { SECRETS_COMMANDS } from "./commands/secrets.js";
import { STACK_COMMANDS } from "./commands/stacks.js";
import { UI_COMMANDS } from "./commands/ui.js";
import { STATUS_COMMANDS } from "./commands/status.js";
import { WHY_COMMANDS } from "./commands/why.js";
import { WORKFLOW_COMMANDS } from "./commands/workflow.js";

/**
 * Every command slipway has, by group, in the order help lists them. The definitions say what a command
 * takes; each `load` brings in its run, lazily, so a command pays only for its own code. The README's
 * command reference is generated from this table.
 */
export const COMMANDS: CommandDef[] = [
  ...INIT_COMMANDS,
  ...STACK_COMMANDS,
  ...WHY_COMMANDS,
  ...AFFECTED_COMMANDS,
  ...EVIDENCE_COMMANDS,
  ...SECRETS_COMMANDS,
  ...RUN_COMMANDS,
  ...NODE_COMMANDS,
  ...STATUS_COMMANDS,
  ...WORKFLOW_COMMANDS,
  ...UI_COMMANDS,
  ...SCHEMA_COMMANDS,
];
