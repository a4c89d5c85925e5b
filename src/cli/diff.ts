import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { renderStack } from "../components/kubernetes/render.js";
import type { RenderedOrigins } from "../components/kubernetes/origin-index.js";
import { SlipwayError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs-atomic.js";
import { objectLabel, treePatch, writeEvidence, type Side } from "../kube/evidence.js";
import { diffObjects, objectsOf, redactSecrets, treeHash, type ObjectChange } from "../kube/tree-diff.js";
import { openCluster } from "../kube/cluster.js";
import { liveDiff } from "../kube/live-diff.js";
import { kubeTarget } from "./kube-target.js";
import { validateManifests } from "../manifests/validate.js";
import { commitOf, git, gitRoot, RevisionInputs, shortSha } from "../repo/git-revision.js";
import { StackEngine } from "../stack/engine.js";
import type { CommandContext, CommandResult } from "./command.js";
import { openEngine, requireStack } from "./open-engine.js";

// `slipway diff -s <stack>`: what a change will do, as one evidence bundle for review under
// docs/governance/reviews/. With --base, the stack rendered at that revision (read through git, no checkout)
// against the work tree; without, the work tree's render against the live cluster (server-side dry runs of
// what the builds produce). Exit 0 no change, 1 changes, 2 failed — as `flux diff`.

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The stack values behind each changed object, from render's provenance: `vars.x (file:line)`. */
function causesOf(objects: ObjectChange[], origins: Map<string, RenderedOrigins>, cwd: string) {
  const out = new Map<string, string[]>();
  for (const o of objects) {
    if (o.change === "removed") continue;
    const values = origins.get(o.file)?.values ?? [];
    const mine = values.filter((v) => v.at[0] === o.index);
    const touched =
      o.change === "added"
        ? mine
        : mine.filter((v) => {
            const p = v.at.slice(1).join(".");
            return o.paths.some((c) => c === p || c.startsWith(`${p}.`) || p.startsWith(`${c}.`));
          });
    const seen = new Set<string>();
    for (const v of touched)
      for (const f of v.from) {
        const where = f.path ? ` (${relative(cwd, f.path) || f.path}${f.line ? `:${f.line}` : ""})` : "";
        seen.add(`vars.${f.var}${f.default ? " (default)" : ""}${where}`);
      }
    if (seen.size) out.set(objectLabel(o), [...seen].sort());
  }
  return out;
}

/** The validation of the head tree, written to a temporary folder (Secrets masked: render seals them). */
async function validationOf(tree: ReadonlyMap<string, string>, treePath: string) {
  const applied: Record<string, unknown>[] = [];
  // Laid out as in the repository (the tree under gitops/, a .git beside it): Flux paths are from the root.
  const dir = mkdtempSync(join(tmpdir(), "slipway-diff-validate-"));
  try {
    mkdirSync(join(dir, ".git"));
    for (const [p, text] of tree) {
      mkdirSync(dirname(join(dir, treePath, p)), { recursive: true });
      writeFileAtomic(join(dir, treePath, p), text);
    }
    const r = await validateManifests([join(dir, treePath)], {
      cwd: join(dir, treePath),
      disable: ["plaintext-secret"],
      onApplied: (objects) => applied.push(...objects.map((o) => o.value)),
    });
    const text = [
      ...r.findings.map(
        (f) =>
          `${relative(dir, f.file)}${f.line ? `:${f.line}` : ""}: ${f.severity}: ${f.message} [${f.rule}]`,
      ),
      `${r.summary.errors} error(s), ${r.summary.warnings} warning(s): ${r.summary.files} files, ${r.summary.objects} objects (Secrets are checked sealed by \`slipway render\`, not here)`,
      "",
    ].join("\n");
    return { errors: r.summary.errors, warnings: r.summary.warnings, text, applied };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const n = (objects: ObjectChange[], k: ObjectChange["change"]) =>
  objects.filter((o) => o.change === k).length;

/** Where a rendered object sits in the tree (file, document index), by identity; by kind and name as a fallback. */
function placesIn(tree: ReadonlyMap<string, string>) {
  const exact = new Map<string, { file: string; index: number }>();
  const loose = new Map<string, { file: string; index: number }>();
  for (const [, p] of objectsOf(tree)) {
    const m = (p.obj.metadata ?? {}) as { name?: string; namespace?: string };
    exact.set(`${String(p.obj.kind)}/${m.namespace ? `${m.namespace}/` : ""}${m.name}`, p);
    loose.set(`${String(p.obj.kind)}/${m.name}`, p);
  }
  return (c: ObjectChange) => exact.get(objectLabel(c)) ?? loose.get(`${c.kind}/${c.name}`);
}

/** `slipway diff -s <stack> [--base <ref>] [--out DIR] [--context C]` */
export async function diffCommand(c: CommandContext): Promise<CommandResult> {
  const { engine, notes } = openEngine(c);
  const stack = requireStack(c);
  const base = str(c.flags.base);
  const root = gitRoot(engine.config.basePath);
  const head = git(root, ["rev-parse", "HEAD"]).trim();
  const dirty = git(root, ["status", "--porcelain", "--", "."]).trim() !== "";
  const treePath = "gitops";
  const origins = new Map<string, RenderedOrigins>();
  const after = engine.stacks().has(stack)
    ? renderStack(engine, stack, { treePath, origins })
    : new Map<string, string>();
  const side = (label: string, commit: string | undefined, tree: ReadonlyMap<string, string>): Side => ({
    label,
    ...(commit ? { commit } : {}),
    treeHash: treeHash(tree),
    files: tree.size,
  });
  const headSide = (tree: ReadonlyMap<string, string>) =>
    side(
      dirty ? `work tree (HEAD ${shortSha(head)}, with uncommitted changes)` : `git ${shortSha(head)} (HEAD)`,
      head,
      tree,
    );
  const at = new Date().toISOString();
  const dir = str(c.flags.out)
    ? join(c.cwd, str(c.flags.out)!)
    : join(
        engine.config.basePath,
        "docs",
        "governance",
        "reviews",
        `${at.slice(0, 10)}-${stack.replace(/\//g, "-")}-diff`,
      );
  const where = relative(c.cwd, dir) || ".";
  if (!base) {
    if (after.size === 0)
      throw new SlipwayError({
        code: "unknown-stack",
        message: `-s ${stack}: no such stack`,
        hint: "`slipway list stacks` lists the stacks",
      });
    const validation = await validationOf(after, treePath);
    const t = kubeTarget(engine, stack, {
      context: str(c.flags.context),
      kubeconfig: str(c.flags.kubeconfig),
    });
    const cluster = await openCluster({
      kubeconfig: t.kubeconfig,
      context: t.context,
      env: c.env as NodeJS.ProcessEnv,
    });
    let live;
    try {
      live = await liveDiff(cluster, validation.applied);
    } finally {
      await cluster.close();
    }
    const objects = diffObjects(live.live, live.wanted);
    const masked = redactSecrets(live.live, live.wanted);
    const place = placesIn(after);
    const placed = objects.flatMap((o) => {
      const p = place(o);
      return p ? [{ ...o, file: p.file, index: p.index }] : [];
    });
    const causes = causesOf(placed, origins, engine.config.basePath);
    const files = await writeEvidence({
      stack,
      dir,
      at,
      base: side(`cluster ${cluster.context} (${cluster.server})`, undefined, live.live),
      head: headSide(after),
      objects,
      secrets: masked.secrets,
      patch: treePatch(masked.before, masked.after),
      causes,
      validation,
      live: { notServed: live.notServed, refused: live.refused, inNewNamespaces: live.inNewNamespaces },
    });
    notes.push(
      ...live.notServed.map(
        (x) =>
          `warning: ${x.count} ${x.kind} (${x.apiVersion}) not compared: the cluster does not serve this kind yet`,
      ),
      ...live.refused.map((r) => `error: the cluster refuses ${r.object}: ${r.message}`),
    );
    return {
      text:
        `stack "${stack}" against cluster ${cluster.context}: ${n(objects, "added")} added, ${n(objects, "changed")} changed${masked.secrets.length ? `; ${masked.secrets.length} Secret(s) change` : ""}${live.refused.length ? `; ${live.refused.length} refused` : ""}\n` +
        `evidence: ${where}/ (${files.length} files)\n`,
      notes,
      exitCode: live.refused.length ? 2 : objects.length ? 1 : 0,
    };
  }
  const sha = commitOf(root, base);
  const older = new StackEngine({
    config: engine.config,
    env: c.env,
    inputs: new RevisionInputs(root, sha, [engine.config.stacks.basePath]),
  });
  const before = older.stacks().has(stack)
    ? renderStack(older, stack, { treePath })
    : new Map<string, string>();
  if (before.size === 0 && after.size === 0)
    throw new SlipwayError({
      code: "unknown-stack",
      message: `-s ${stack}: no such stack in the work tree or at ${shortSha(sha)}`,
      hint: "`slipway list stacks` lists the stacks",
    });
  const objects = diffObjects(before, after);
  const masked = redactSecrets(before, after);
  const files = await writeEvidence({
    stack,
    dir,
    at,
    base: side(`git ${shortSha(sha)} (${base})`, sha, before),
    head: headSide(after),
    objects,
    secrets: masked.secrets,
    patch: treePatch(masked.before, masked.after),
    causes: causesOf(objects, origins, engine.config.basePath),
    validation: await validationOf(masked.after, treePath),
  });
  return {
    text:
      (objects.length
        ? `stack "${stack}" against ${base} (${shortSha(sha)}): ${n(objects, "added")} added, ${n(objects, "changed")} changed, ${n(objects, "removed")} removed${masked.secrets.length ? `; ${masked.secrets.length} Secret(s) change` : ""}\n`
        : `stack "${stack}" against ${base} (${shortSha(sha)}): no change\n`) +
      `evidence: ${where}/ (${files.length} files)\n`,
    notes,
    exitCode: objects.length ? 1 : 0,
  };
}
