import { GLOBAL_FLAGS, type CommandDef, type FlagDef } from "./command.js";
import { COMMANDS } from "./commands.js";

function usage(cmd: CommandDef): string {
  const args = (cmd.args ?? []).map(
    (a) => (a.required ? `<${a.name}>` : `[${a.name}]`) + (a.variadic ? "…" : ""),
  );
  return ["slipway", ...cmd.words, ...args, "[flags]"].join(" ");
}

/** What a command's output is, and what `--format` does to it: one sentence for --help and the docs. */
function outputLine(cmd: CommandDef): string | undefined {
  if (cmd.dataOutput === "table")
    return "Output is a table (or summary) by default; `--format yaml` or `--format json` gives data.";
  if (cmd.dataOutput) return "Output is data: `--format yaml` (default) or `--format json`.";
  return undefined;
}

function flagLine(name: string, f: FlagDef): string {
  const left = `${f.short ? `-${f.short}, ` : "    "}--${name}${f.value ? ` ${f.value}` : ""}`;
  return `  ${left.padEnd(34)}${f.description}`;
}

/** Help for one command. */
export function helpFor(cmd: CommandDef): string {
  const lines = [usage(cmd), "", cmd.summary + "."];
  if (cmd.description) lines.push("", cmd.description);
  const flags = Object.entries(cmd.flags ?? {});
  if (flags.length) lines.push("", "Flags:", ...flags.map(([n, f]) => flagLine(n, f)));
  lines.push("", "Global flags:", ...Object.entries(GLOBAL_FLAGS).map(([n, f]) => flagLine(n, f)));
  const output = outputLine(cmd);
  if (output) lines.push("", output);
  if (cmd.examples?.length) lines.push("", "Examples:", ...cmd.examples.map((e) => `  ${e}`));
  return lines.join("\n") + "\n";
}

/** `slipway --help`. */
export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(" ").length)) + 4;
  return [
    "slipway — from a repository of declarative stacks to a running GitOps-managed cluster",
    "",
    "Usage: slipway <command> [flags]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.words.join(" ").padEnd(width)}${c.summary}`),
    "",
    "Run `slipway <command> --help` for a command's flags. `slipway --version` prints the version.",
    "",
  ].join("\n");
}

/** The README's command reference, generated from the command table. */
export function markdownReference(): string {
  const out = [
    "# Command reference",
    "",
    "Generated from `src/cli/commands.ts` by `npm run docs`; do not edit by hand.",
    "",
  ];
  out.push("Global flags:", "", "| flag | meaning |", "| --- | --- |");
  for (const [n, f] of Object.entries(GLOBAL_FLAGS as Record<string, FlagDef>))
    out.push(`| \`--${n}${f.value ? ` ${f.value}` : ""}\` | ${f.description} |`);
  out.push("");
  for (const cmd of COMMANDS) {
    out.push(`## \`slipway ${cmd.words.join(" ")}\``, "", cmd.summary + ".", "");
    if (cmd.description) out.push(cmd.description, "");
    out.push("```", usage(cmd), "```", "");
    const flags = Object.entries(cmd.flags ?? {});
    if (cmd.args?.length || flags.length) {
      out.push("| argument / flag | meaning |", "| --- | --- |");
      for (const a of cmd.args ?? [])
        out.push(`| \`${a.required ? `<${a.name}>` : `[${a.name}]`}\` | ${a.description} |`);
      for (const [n, f] of flags)
        out.push(
          `| \`${f.short ? `-${f.short}, ` : ""}--${n}${f.value ? ` ${f.value}` : ""}\` | ${f.description} |`,
        );
      out.push("");
    }
    const output = outputLine(cmd);
    if (output) out.push(output, "");
    if (cmd.examples?.length) out.push("Examples:", "", "```sh", ...cmd.examples, "```", "");
  }
  return out.join("\n");
}

/** The commands of one group (`slipway node --help`), each with its summary. */
export function groupHelp(group: CommandDef[]): string {
  const width = Math.max(...group.map((c) => c.words.join(" ").length)) + 4;
  return (
    [
      `Commands of slipway ${group[0]!.words[0]}:`,
      "",
      ...group.map((c) => `  slipway ${c.words.join(" ").padEnd(width)}${c.summary}`),
      "",
      `Run \`slipway ${group[0]!.words.join(" ")} --help\` (or another of them) for its flags.`,
    ].join("\n") + "\n"
  );
}
