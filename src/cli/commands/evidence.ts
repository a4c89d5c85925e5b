import { defineCommand, type CommandDef } from "../command.js";
import { KUBE_FLAGS, requiredStack } from "./flags.js";

/** Change evidence for review: what a change does to the rendered tree. */
export const EVIDENCE_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["diff"],
    summary:
      "Render the stack at a base revision and now, compare object by object, write an evidence bundle",
    description:
      "Without --base: the work tree's render against the live cluster — each object the tree's builds produce is sent as a server-side apply dry run (nothing persisted) and compared with the live one. With --base: the stack rendered at that revision, read through git (no checkout). The bundle, docs/governance/reviews/<date>-<stack>-diff/ unless --out, holds summary.md (objects added/changed/removed by kind and namespace, each with the stack values behind it), diff.patch (git's unified diff), index.html (side by side, self-contained), validation.txt and record.json (commits and tree hashes). Secret values are never written: changed keys are named. Exit 0 no change, 1 changes, 2 failed.",
    flags: {
      ...KUBE_FLAGS,
      stack: requiredStack,
      base: {
        type: "string",
        description: "The git revision to compare with (branch, tag or commit)",
        value: "REF",
      },
      out: {
        type: "string",
        description: "The bundle's folder (default under docs/governance/reviews/)",
        value: "DIR",
      },
    },
    failureExit: 2,
    examples: ["slipway diff -s pve-prod --base main", "slipway diff -s pve-prod"],
    load: async () => (await import("../diff.js")).diffCommand,
  }),
];
