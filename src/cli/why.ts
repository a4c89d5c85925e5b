import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { SlipwayError } from "../core/errors.js";
import {
  ORIGINS_FILE,
  originsOfFile,
  scalarPlaces,
  type FileAnswer,
  type FileOrigin,
  type ValueSource,
} from "../manifests/render-origins.js";
import type { CommandContext, CommandResult } from "./command.js";

/** One rendered value and the stack values behind it, as `why` shows them. */
interface WhyValue {
  line: number;
  col: number;
  endLine: number;
  path: (string | number)[];
  rendered: string;
  sources: (ValueSource & { edit: string })[];
}

/** `file.yaml:12` → the file and the line; a file whose own name ends in `:digits` wins. */
function splitTarget(arg: string, cwd: string): { file: string; line?: number } {
  const m = /^(.*):(\d+)$/.exec(arg);
  if (m && !existsSync(resolve(cwd, arg))) return { file: resolve(cwd, m[1]!), line: Number(m[2]) };
  return { file: resolve(cwd, arg) };
}

/** Where to change a value: its line, and for a file other stacks import too, the stack's own file. */
function editHint(s: ValueSource, a: FileAnswer, tree: string, cwd: string): string {
  const comp = a.component ?? "?";
  const key = `components.kubernetes.${comp}.vars.${s.var}`;
  if (s.default || !s.file || !s.line)
    return `not set in any stack file (the ${a.renderer} renderer's default): set ${key} in stack "${a.stack}"`;
  const abs = join(tree, s.file);
  const here = `${relative(cwd, abs)}:${s.line}`;
  const chain = s.chain ?? [];
  if (chain.length < 2) return `edit ${here}`;
  // The value's file is imported: editing it changes every stack that imports it.
  const rel = chain[chain.length - 1]!;
  const ext = abs.endsWith(".yml") ? ".yml" : ".yaml";
  const base = abs.slice(0, abs.length - (rel + ext).length);
  const top = base + chain[0] + ext;
  const own = existsSync(top) ? relative(cwd, top) : `stack "${a.stack}"'s file`;
  // A list is merged whole: one item cannot be set on its own in another file.
  const list = /^[^[]*(?=\[)/.exec(s.var)?.[0];
  const alone = list
    ? `set the whole components.kubernetes.${comp}.vars.${list} list in ${own}`
    : `set ${key} in ${own}`;
  return `edit ${here} (imported: every stack importing ${rel} changes), or ${alone} for stack "${a.stack}" alone`;
}

function valuesOf(a: FileAnswer, tree: string, cwd: string): WhyValue[] {
  return a.values.map((v) => ({
    line: v.place.line,
    col: v.place.col,
    endLine: v.place.endLine,
    path: v.at,
    rendered: v.place.value,
    sources: v.from.map((s) => ({
      ...s,
      ...(s.file ? { file: relative(cwd, join(tree, s.file)) } : {}),
      edit: editHint(s, a, tree, cwd),
    })),
  }));
}

function failure(found: Exclude<FileOrigin, { status: "ok" }>, file: string): SlipwayError {
  const stacks = found.stacks ?? [];
  const render = stacks.length
    ? stacks.map((s) => `\`slipway render -s ${s}\``).join(" or ")
    : "`slipway render -s <stack>`";
  const messages: Record<string, [string, string]> = {
    "no-tree": [
      `not in a tree \`slipway render\` wrote (no ${ORIGINS_FILE} or .slipway-rendered in its folder or above)`,
      "`why` answers for files render writes; a hand-written manifest has no stack origin",
    ],
    "no-index": [
      `the tree has no ${ORIGINS_FILE}: it was rendered by a slipway that kept no provenance`,
      `run ${render} again`,
    ],
    "not-rendered": [
      `not a file \`slipway render\` wrote (${ORIGINS_FILE} does not list it), so no stack value produced it`,
      "check the path: rendered files are under clusters/, bases/ and distributions/ of the tree",
    ],
    stale: [
      `changed since \`slipway render\` wrote it: what render recorded is about another text, so no answer is given`,
      `run ${render} (with --check to see what differs first)`,
    ],
  };
  const [message, hint] = messages[found.status]!;
  return new SlipwayError({ code: "validation", message, file, hint });
}

/** `slipway why <rendered-file>[:line]` */
export function whyCommand(c: CommandContext): CommandResult {
  const arg = c.args[0];
  if (!arg)
    throw new SlipwayError({
      code: "usage",
      message: "why: which rendered file?",
      hint: "slipway why FILE[:LINE]",
    });
  const { file, line } = splitTarget(arg, c.cwd);
  if (!existsSync(file))
    throw new SlipwayError({
      code: "io",
      message: `${relative(c.cwd, file) || file}: no such file`,
      hint: "give a file of the rendered tree, e.g. gitops/clusters/<stack>/…",
    });
  const found = originsOfFile(file);
  if (found.status !== "ok") throw failure(found, file);
  const shown = relative(c.cwd, file) || file;
  // A stack whose files changed since render might write this file differently now: no answer from it.
  const changed = found.answers.filter((a) => a.changedStackFiles.length);
  const notes = changed.map(
    (a) =>
      `${shown}: note: stack "${a.stack}" also rendered it, but its stack file(s) changed since (${a.changedStackFiles.map((f) => relative(c.cwd, join(found.tree, f))).join(", ")}): run \`slipway render -s ${a.stack}\``,
  );
  if (changed.length === found.answers.length) {
    const a = changed[0]!;
    throw new SlipwayError({
      code: "validation",
      message: `stack file(s) changed since render wrote it: ${a.changedStackFiles.map((f) => relative(c.cwd, join(found.tree, f))).join(", ")}; render might write it differently now, so no answer is given`,
      file,
      hint: `run \`slipway render -s ${a.stack}\` (with --check to see what differs first)`,
    });
  }
  const fresh = found.answers.filter((a) => !a.changedStackFiles.length);
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  if (line !== undefined && (line < 1 || line > lines.length - (text.endsWith("\n") ? 1 : 0)))
    throw new SlipwayError({
      code: "usage",
      message: `line ${line}: the file has ${lines.length - 1} lines`,
      file,
    });
  const answers = fresh.map((a) => {
    const all = valuesOf(a, found.tree, c.cwd);
    return {
      stack: a.stack,
      component: a.component,
      renderer: a.renderer,
      values: line === undefined ? all : all.filter((v) => v.line <= line && line <= v.endLine),
      ...(a.untraced ? { untraced: a.untraced } : {}),
    };
  });
  if (line !== undefined && answers.every((a) => a.values.length === 0)) {
    const scalars = [...scalarPlaces(text).values()].filter((p) => p.line <= line && line <= p.endLine);
    if (scalars.length === 0)
      throw new SlipwayError({
        code: "usage",
        message: `holds no value (${lines[line - 1]!.trim() || "an empty line"})`,
        file,
        line,
        hint: `ask for a line with a value, or \`slipway why ${relative(c.cwd, file)}\` for every value of the file`,
      });
  }
  if (c.flags.format) return { data: { file: shown, ...(line ? { line } : {}), stacks: answers }, notes };
  return { text: whyText(answers, lines, shown, line, scalarPlaces(text).size), notes };
}

function whyText(
  answers: { stack: string; component?: string; renderer: string; values: WhyValue[]; untraced?: string[] }[],
  lines: string[],
  shown: string,
  line: number | undefined,
  scalars: number,
): string {
  const out: string[] = [];
  for (const a of answers) {
    const who = a.component
      ? `component "${a.component}" (the ${a.renderer} renderer) of stack "${a.stack}"`
      : `render itself for stack "${a.stack}" (the kustomization.yaml listing its folder)`;
    // A var whose probe the renderer refused may be behind a value shown as computed: said, not hidden.
    const untraced = a.untraced
      ? ` (not traced: vars ${a.untraced.join(", ")} — the renderer takes no other value for them)`
      : "";
    if (a.values.length === 0) {
      out.push(
        `${shown}${line ? `:${line}` : ""}: ${line ? `${lines[line - 1]!.trim()} — ` : ""}computed by ${who}; no stack value sets ${line ? "it" : "any value of it"}${untraced}`,
      );
      continue;
    }
    out.push(`${shown}: rendered by ${who}`);
    for (const v of a.values) {
      out.push(`${shown}:${v.line}:${v.col}: ${lines[v.line - 1]!.trim()}`);
      for (const s of v.sources) {
        const what = s.how === "copy" ? "is" : "is built from";
        if (s.default) out.push(`  ${what} vars.${s.var}, the renderer's default`);
        else {
          out.push(`  ${what} vars.${s.var}: ${s.file}:${s.line}:${s.col}`);
          out.push(`    import chain ${(s.chain ?? []).join(" → ")}; level ${s.level}`);
        }
        out.push(`    to change it: ${s.edit}`);
      }
    }
    if (line === undefined)
      out.push(
        `${shown}: ${a.values.length} of ${scalars} values come from stack values; the other ${scalars - a.values.length} are computed by ${who}${untraced}`,
      );
  }
  return out.join("\n") + "\n";
}
