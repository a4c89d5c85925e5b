import { SlipwayError } from "../core/errors.js";
import { validateManifests } from "../manifests/validate.js";
import type { CommandContext, CommandResult } from "./command.js";
import { listFlag } from "./open-engine.js";
import type { ManifestFinding } from "../manifests/types.js";
import { relative } from "node:path";

/** Beside a finding in a rendered tree: the stack line to edit, or the renderer that computed the line. */
function originText(f: ManifestFinding, cwd: string): string {
  const o = f.origin;
  if (!o) return "";
  const who = o.component
    ? `component "${o.component}" of stack "${o.stack}"`
    : `render of stack "${o.stack}"`;
  const s = o.source;
  if (!s) return `\n  rendered by ${who} (the ${o.renderer} renderer); no stack value sets this line`;
  if (!s.path)
    return `\n  from vars.${s.var} of ${who}: the renderer's default (set it in the stack to change it)`;
  return `\n  from vars.${s.var} of ${who}: edit ${relative(cwd, s.path)}:${s.line}:${s.col}`;
}

/** `slipway validate manifests [DIR…] [--strict] [--disable R,…] [--no-build]` */
export async function validateManifestsCommand(c: CommandContext): Promise<CommandResult> {
  if (c.flags.context !== undefined && c.flags.server !== true)
    throw new SlipwayError({
      code: "usage",
      message: "--context is for --server",
      hint: "add --server, or drop --context",
    });
  const report = await validateManifests(c.args, {
    cwd: c.cwd,
    strict: c.flags.strict === true,
    disable: listFlag(c.flags.disable),
    build: c.flags["no-build"] !== true,
    exclude: ([] as unknown[]).concat(c.flags.exclude ?? []).map(String),
    ...(c.flags.server === true
      ? { server: typeof c.flags.context === "string" ? { context: c.flags.context } : {} }
      : {}),
    ...(typeof c.flags["kubernetes-version"] === "string"
      ? { kubernetesVersion: c.flags["kubernetes-version"] }
      : {}),
    crds: ([] as unknown[]).concat(c.flags.crds ?? []).filter((d): d is string => typeof d === "string"),
  });
  // Under --strict an object no schema judged is a failure too: strict means "everything was checked".
  const strictGap = c.flags.strict === true && report.summary.withoutSchema > 0;
  const exitCode = report.summary.errors > 0 || strictGap ? 1 : 0;
  if (c.flags.format) {
    return {
      data: {
        findings: report.findings,
        summary: {
          ...report.summary,
          unknownKinds: report.unknownKinds,
          skippedBuilds: report.skippedBuilds,
          skippedFiles: report.skipped,
          ...(report.server ? { server: report.server } : {}),
        },
      },
      exitCode,
    };
  }
  const notes = report.findings.map((f) => {
    const obj = f.object
      ? ` (${f.object.kind}${f.object.name ? ` ${f.object.namespace ? `${f.object.namespace}/` : ""}${f.object.name}` : ""})`
      : "";
    return `${f.file}${f.line ? `:${f.line}` : ""}: ${f.severity}: [${f.rule}] ${f.message}${obj}${originText(f, c.cwd)}`;
  });
  for (const s of report.skippedBuilds) notes.push(`${s.file}: note: kustomize build skipped: ${s.reason}`);
  // Skipped files and documents, one note per reason and folder.
  const groups = new Map<string, number>();
  for (const s of report.skipped) {
    const key = `${s.file.slice(0, s.file.lastIndexOf("/") + 1) || "./"}\0${s.reason}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  for (const [key, n] of groups) {
    const [dir, reason] = key.split("\0");
    notes.push(`${dir}: note: ${n} document(s) skipped, not validated: ${reason}`);
  }
  if (report.server) {
    const v = report.server;
    notes.push(
      `note: server-side dry run on context ${v.context} (${v.server}): ${v.sent} object(s) sent, ${v.rejected} refused`,
    );
    for (const sk of v.skipped)
      notes.push(`note: server dry run: ${sk.count} object(s) not judged: ${sk.reason}`);
  }
  const list = (us: typeof report.unknownKinds) =>
    us.map((u) => `${u.kind} (${u.apiVersion}) ×${u.count}`).join(", ");
  const none = report.unknownKinds.filter((u) => !u.fieldsOnly);
  const fieldsOnly = report.unknownKinds.filter((u) => u.fieldsOnly);
  if (none.length)
    notes.push(
      `${strictGap ? "error" : "warning"}: no schema for ${list(none)}; not validated (give their CRDs with --crds DIR)`,
    );
  if (fieldsOnly.length)
    notes.push(
      `warning: no bundled schema for ${list(fieldsOnly)}; field names checked against the API's own, types not`,
    );
  if (!report.summary.kubectl)
    notes.push(
      "note: kubectl is not on PATH, so kustomizations were not built (install kubectl to check them)",
    );
  const s = report.summary;
  const gap = s.withoutSchema ? `, ${s.withoutSchema} objects without a schema` : "";
  const text = `${s.errors} error(s), ${s.warnings} warning(s)${gap}: ${s.files} files, ${s.objects} objects, ${s.kustomizations} kustomizations${s.skipped ? `, ${s.skipped} skipped` : ""}${s.buildMs !== undefined ? ` (built in ${(s.buildMs / 1000).toFixed(1)} s)` : ""}\n`;
  return { notes, text, exitCode };
}
