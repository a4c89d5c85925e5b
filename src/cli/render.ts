import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { writeFileAtomic } from "../core/fs-atomic.js";
import { renderStack } from "../components/kubernetes/render.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack } from "./open-engine.js";

/** `slipway render -s <stack> [--out DIR] [--check]` */
export async function renderCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
  const out =
    typeof c.flags.out === "string" ? resolve(c.cwd, c.flags.out) : join(engine.config.basePath, "gitops");
  const rendered = renderStack(engine, stack);
  // The secrets module (age, AES) loads only when the tree holds a Secret to seal.
  const sealed = [...rendered.keys()].some((p) => p.endsWith(".sops.yaml"))
    ? await (
        await import("../components/kubernetes/seal.js")
      ).sealSecrets(rendered, { outDir: out, env: c.env, stack })
    : { files: rendered, unverified: [] };
  const files = sealed.files;
  notes.push(
    ...sealed.unverified.map(
      (p) =>
        `${relative(c.cwd, join(out, p))}: note: kept as it is (no age identity here to check its content)`,
    ),
  );
  const shown = (p: string) => relative(c.cwd, join(out, p)) || ".";
  if (c.flags.check) {
    const differ = [...files]
      .filter(([p, text]) => !existsSync(join(out, p)) || readFileSync(join(out, p), "utf8") !== text)
      .map(([p]) => p);
    const lines = differ.map(
      (p) => `${shown(p)}: ${existsSync(join(out, p)) ? "differs from the stack" : "missing"}`,
    );
    if (differ.length === 0)
      return {
        text: `ok: ${files.size} files under ${relative(c.cwd, out) || "."} match stack "${stack}"\n`,
        notes,
      };
    return { notes: [...notes, ...lines, `run \`slipway render -s ${stack}\` to update them`], exitCode: 1 };
  }
  let written = 0;
  for (const [p, text] of files) {
    const target = join(out, p);
    if (existsSync(target) && readFileSync(target, "utf8") === text) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, text);
    written++;
  }
  return {
    text: `rendered stack "${stack}": ${files.size} files under ${relative(c.cwd, out) || "."} (${written} changed)\n`,
    notes,
  };
}
