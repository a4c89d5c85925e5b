import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Warning } from "../core/place.js";
import { formatWarning } from "./output.js";
import { renderStack } from "../components/kubernetes/render.js";
import { applyTree, treeChanges } from "../components/kubernetes/tree.js";
import { writeOriginsIndex, type RenderedOrigins } from "../components/kubernetes/origin-index.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack, stackWarnings } from "./open-engine.js";

/** `slipway render -s <stack> [--out DIR] [--check]` */
export async function renderCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
  notes.push(...stackWarnings(c, engine, stack));
  const out =
    typeof c.flags.out === "string" ? resolve(c.cwd, c.flags.out) : join(engine.config.basePath, "gitops");
  // Flux and Argo CD follow paths in the repository: the tree's own place, from the repository root
  // (the folder of slipway.yaml), is what the sync objects name.
  const warnings: Warning[] = [];
  const treePath = relative(engine.config.basePath, out).split(sep).join("/") || ".";
  if (treePath.startsWith("../") || treePath === ".." || isAbsolute(treePath))
    notes.push(
      `warning: --out ${relative(c.cwd, out) || out} is outside the repository (${relative(c.cwd, engine.config.basePath) || "."}): the paths Flux and Argo CD follow cannot point at it; render into the repository, or set repository.path to where the tree will sit in its repository`,
    );
  // `--check` writes nothing, so it needs no provenance either.
  const origins = c.flags.check ? undefined : new Map<string, RenderedOrigins>();
  const rendered = renderStack(engine, stack, { treePath, warnings, ...(origins ? { origins } : {}) });
  notes.push(...warnings.map((w) => formatWarning(w, c.cwd)));
  // The secrets module (age, AES) loads only when the tree holds a Secret to seal.
  const sealed = [...rendered.keys()].some((p) => p.endsWith(".sops.yaml"))
    ? await (
        await import("../components/kubernetes/seal.js")
      ).sealSecrets(rendered, { outDir: out, env: c.env, stack })
    : { files: rendered, unverified: [] };
  const files = sealed.files;
  // A sealed Secret this machine cannot open cannot be compared: kept, and said so — never "it matches".
  notes.push(
    ...sealed.unverified.map(
      (p) =>
        `${relative(c.cwd, join(out, p))}: warning: not checked — no age identity here opens it, so a changed value would go unseen; kept as it is (set SOPS_AGE_KEY_FILE to check and update it)`,
    ),
  );
  const unchecked = sealed.unverified.length
    ? `; ${sealed.unverified.length} sealed Secret(s) not checked (no age identity)`
    : "";
  const shown = (p: string) => relative(c.cwd, join(out, p)) || ".";
  const changes = treeChanges(out, stack, files);
  const where = relative(c.cwd, out) || ".";
  if (c.flags.check) {
    const lines = [
      ...changes.write.map((f) => `${shown(f.path)}: ${f.exists ? "differs from the stack" : "missing"}`),
      ...changes.orphans.map(
        (p) => `${shown(p)}: rendered for stack "${stack}" before, no longer rendered (render removes it)`,
      ),
    ];
    if (lines.length === 0)
      return {
        text: unchecked
          ? `${files.size - sealed.unverified.length} of ${files.size} files under ${where} match stack "${stack}"${unchecked}\n`
          : `ok: ${files.size} files under ${where} match stack "${stack}"\n`,
        notes,
      };
    return { notes: [...notes, ...lines, `run \`slipway render -s ${stack}\` to update them`], exitCode: 1 };
  }
  applyTree(out, stack, files, changes);
  writeOriginsIndex(out, stack, files, origins ?? new Map());
  const removed = changes.orphans.length ? `, ${changes.orphans.length} removed` : "";
  return {
    text: `rendered stack "${stack}": ${files.size} files under ${where} (${changes.write.length} changed${removed}${unchecked})\n`,
    notes: [
      ...notes,
      ...changes.orphans.map((p) => `removed ${shown(p)}: stack "${stack}" no longer renders it`),
    ],
  };
}
