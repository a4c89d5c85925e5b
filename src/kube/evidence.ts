import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { assetsDir } from "../core/assets.js";
import { SlipwayError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs-atomic.js";
import type { ObjectChange, SecretChange } from "./tree-diff.js";

// One evidence bundle per change, for a reviewer: summary.md (what changes, by kind and namespace, and the
// stack values that caused each change), diff.patch (git's own unified diff of the two rendered trees, Secret
// values masked), index.html (the same diff side by side in colour, self-contained: diff2html's markup with its
// stylesheet inlined), validation.txt and record.json (commits, tree hashes, counts — for tools).

export interface Side {
  /** `git 1a2b3c4d5e6f`, `work tree (HEAD 1a2b…, uncommitted changes)`, `cluster slipway-test`. */
  label: string;
  commit?: string;
  treeHash: string;
  files: number;
}

export interface EvidenceInput {
  stack: string;
  /** The bundle's folder. */
  dir: string;
  base: Side;
  head: Side;
  objects: ObjectChange[];
  secrets: SecretChange[];
  /** The unified diff of the two (masked) trees. */
  patch: string;
  /** Per changed object (`kind/namespace/name`): the stack values it came from, `vars.x (file:line)`. */
  causes: Map<string, string[]>;
  validation: { errors: number; warnings: number; text: string };
  /** Generated at, ISO. */
  at: string;
  /** Against a cluster: kinds it does not serve (not compared) and objects it refused. */
  live?: {
    notServed: { apiVersion: string; kind: string; count: number }[];
    refused: { object: string; message: string }[];
    inNewNamespaces: number;
  };
}

export const objectLabel = (c: Pick<ObjectChange, "kind" | "namespace" | "name">) =>
  `${c.kind}/${c.namespace ? `${c.namespace}/` : ""}${c.name}`;

/** The unified diff of two trees, by git itself (`git diff --no-index`), paths relative to the tree. */
export function treePatch(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "slipway-diff-"));
  try {
    for (const [side, tree] of [
      ["a", before],
      ["b", after],
    ] as const) {
      mkdirSync(join(root, side), { recursive: true });
      for (const [p, text] of tree) {
        mkdirSync(dirname(join(root, side, p)), { recursive: true });
        writeFileAtomic(join(root, side, p), text);
      }
    }
    const r = spawnSync(
      "git",
      [
        "-c",
        "core.quotepath=false",
        "diff",
        "--no-index",
        "--no-color",
        "--no-prefix",
        "--no-renames",
        "a",
        "b",
      ],
      { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 },
    );
    if (r.error || (r.status !== 0 && r.status !== 1))
      throw new SlipwayError({
        code: "io",
        message: `git diff --no-index failed: ${r.error?.message ?? r.stderr.trim()}`,
        hint: "slipway diff needs git on PATH",
      });
    return r.stdout;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const count = (objects: ObjectChange[], change: ObjectChange["change"]) =>
  objects.filter((o) => o.change === change).length;

/** summary.md: the counts, then each change with its cause, then Secrets and validation. */
export function summaryMarkdown(e: EvidenceInput): string {
  const lines = [
    `# Change review: stack \`${e.stack}\``,
    "",
    `| | base | head |`,
    `|---|---|---|`,
    `| revision | ${e.base.label} | ${e.head.label} |`,
    `| rendered tree | \`${e.base.treeHash}\` (${e.base.files} files) | \`${e.head.treeHash}\` (${e.head.files} files) |`,
    "",
    `Generated ${e.at} by \`slipway diff\`.`,
    "",
  ];
  if (e.objects.length === 0) lines.push("**No change**: both revisions render the same objects.", "");
  else {
    lines.push(
      `**${e.objects.length} object(s) change**: ${count(e.objects, "added")} added, ${count(e.objects, "changed")} changed, ${count(e.objects, "removed")} removed.`,
      "",
      "| kind | namespace | added | changed | removed |",
      "|---|---|---|---|---|",
    );
    const groups = new Map<string, ObjectChange[]>();
    for (const o of e.objects) {
      const k = `${o.kind}\0${o.namespace ?? ""}`;
      groups.set(k, [...(groups.get(k) ?? []), o]);
    }
    for (const [k, os] of groups) {
      const [kind, ns] = k.split("\0");
      lines.push(
        `| ${kind} | ${ns || "(cluster)"} | ${count(os, "added")} | ${count(os, "changed")} | ${count(os, "removed")} |`,
      );
    }
    lines.push("", "## Each change", "");
    for (const o of e.objects) {
      lines.push(`- **${o.change}** \`${objectLabel(o)}\` in \`${o.file}\``);
      if (o.change === "changed") lines.push(`  - fields: ${o.paths.map((p) => `\`${p}\``).join(", ")}`);
      const why = e.causes.get(objectLabel(o)) ?? [];
      if (why.length) lines.push(`  - from: ${why.join("; ")}`);
      else if (o.change !== "removed")
        lines.push("  - from: (no stack value traced; a renderer default or a computed value)");
    }
    lines.push("");
  }
  if (e.live) {
    lines.push("## Against the cluster", "");
    lines.push(
      "Each object was sent as a server-side apply dry run (nothing persisted) and compared with the live object. Objects the cluster has that the tree no longer renders are not listed: pruning them is Flux's or Argo CD's.",
      "",
    );
    for (const r of e.live.refused) lines.push(`- **refused** \`${r.object}\`: ${r.message}`);
    for (const n of e.live.notServed)
      lines.push(
        `- not compared: ${n.count} ${n.kind} (${n.apiVersion}) — the cluster does not serve this kind yet`,
      );
    if (e.live.inNewNamespaces)
      lines.push(
        `- shown as rendered, not dry-run: ${e.live.inNewNamespaces} object(s) in namespaces this change creates (a dry run cannot place an object in a namespace that does not exist yet)`,
      );
    if (!e.live.refused.length && !e.live.notServed.length && !e.live.inNewNamespaces)
      lines.push("Every object was accepted and compared.");
    lines.push("");
  }
  lines.push("## Secrets", "");
  if (e.secrets.length === 0) lines.push("No Secret changes.");
  for (const s of e.secrets)
    lines.push(
      `- \`Secret/${s.namespace ? `${s.namespace}/` : ""}${s.name}\`: ${s.keys.length ? s.keys.map((k) => `\`${k.key}\` ${k.change}`).join(", ") : "new, no keys"} (values never shown)`,
    );
  lines.push(
    "",
    "## Validation of the head tree",
    "",
    `${e.validation.errors} error(s), ${e.validation.warnings} warning(s) — details in \`validation.txt\`.`,
    "",
    "The side-by-side diff is in `index.html`; the patch in `diff.patch`.",
    "",
  );
  return lines.join("\n");
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** index.html: a header with the counts, then diff2html's side-by-side view, its stylesheet inlined. */
export async function diffHtml(e: EvidenceInput): Promise<string> {
  const { html } = await import("diff2html");
  const req = createRequire(join(dirname(assetsDir()), "package.json"));
  const css = readFileSync(req.resolve("diff2html/bundles/css/diff2html.min.css"), "utf8");
  const body = e.patch
    ? html(e.patch, { outputFormat: "side-by-side", drawFileList: true, matching: "lines" })
    : `<p class="none">No change: both revisions render the same tree.</p>`;
  const rows = e.objects
    .map(
      (o) =>
        `<tr class="${o.change}"><td>${o.change}</td><td>${escapeHtml(objectLabel(o))}</td><td>${escapeHtml((e.causes.get(objectLabel(o)) ?? []).join("; "))}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>slipway diff: ${escapeHtml(e.stack)}</title>
<style>${css}
body{font-family:system-ui,sans-serif;margin:1.5rem}
table.changes{border-collapse:collapse;margin:1rem 0}
table.changes td{border:1px solid #ddd;padding:.25rem .5rem}
tr.added td:first-child{color:#1a7f37}tr.removed td:first-child{color:#cf222e}tr.changed td:first-child{color:#9a6700}
</style></head><body>
<h1>Stack <code>${escapeHtml(e.stack)}</code>: ${e.objects.length} object(s) change</h1>
<p id="sides">base: ${escapeHtml(e.base.label)} (<code>${e.base.treeHash}</code>) → head: ${escapeHtml(e.head.label)} (<code>${e.head.treeHash}</code>)</p>
<table class="changes"><tbody>
${rows}
</tbody></table>
<p id="secrets">${e.secrets.length} Secret(s) change; values are never shown.</p>
<p id="validation">Validation of the head tree: ${e.validation.errors} error(s), ${e.validation.warnings} warning(s).</p>
${body}
</body></html>
`;
}

/** Writes the bundle's files (each atomically) and returns their paths. */
export async function writeEvidence(e: EvidenceInput): Promise<string[]> {
  mkdirSync(e.dir, { recursive: true });
  const record = {
    stack: e.stack,
    at: e.at,
    base: e.base,
    head: e.head,
    objects: e.objects.map((o) => ({ ...o, from: e.causes.get(objectLabel(o)) ?? [] })),
    secrets: e.secrets,
    validation: { errors: e.validation.errors, warnings: e.validation.warnings },
    ...(e.live ? { live: e.live } : {}),
  };
  const files: [string, string][] = [
    ["summary.md", summaryMarkdown(e)],
    ["diff.patch", e.patch],
    ["index.html", await diffHtml(e)],
    ["validation.txt", e.validation.text],
    ["record.json", JSON.stringify(record, null, 2) + "\n"],
  ];
  for (const [name, text] of files) writeFileAtomic(join(e.dir, name), text);
  return files.map(([name]) => join(e.dir, name));
}
