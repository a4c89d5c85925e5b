// The planted-fault suite: test/fixtures/manifests-faults holds one fault of each kind issue 16 names that an
// offline check can catch, each marked `# FAULT <id>` on the line the finding must name. Every marker is in
// the table below and every table row has a marker. A row is `now` (found today, at its file and line) or
// `pending` (another branch's feature catches it): pending rows are printed with their state on every run,
// and the lead flips a row to `now` once that feature is merged.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { validateManifests, type ManifestReport } from "../src/manifests/validate.js";
import { fixture } from "./helpers.js";

const root = fixture("manifests-faults");

interface Fault {
  rule: string;
  /** `now`: asserted found; `pending`: expected once the named feature lands. */
  state: "now" | { pending: string };
  /** Found at the file only (no line) until the named feature lands. */
  lineOnceLands?: string;
}

const FAULTS: Record<string, Fault> = {
  "selector-mismatch": { rule: "selector-mismatch", state: "now" },
  "selector-mismatch-expressions": { rule: "selector-mismatch", state: "now" },
  "service-no-pods": { rule: "service-no-pods", state: "now" },
  "backend-missing-ingress": { rule: "backend-missing", state: "now" },
  "backend-missing-route": { rule: "backend-missing", state: "now" },
  "secret-generator-literal": { rule: "secret-generator-plaintext", state: "now" },
  "secret-generator-env": { rule: "secret-generator-plaintext", state: "now" },
  "plaintext-secret": { rule: "plaintext-secret", state: "now" },
  "unknown-field": { rule: "schema", state: "now" },
  "removed-api-version": { rule: "api-removed", state: "now" },
  "wrong-kind": { rule: "schema", state: "now" },
  "bad-enum": { rule: "schema", state: "now" },
  "bad-enum-crd": { rule: "schema", state: "now" },
  "broken-kustomize-resource": { rule: "kustomize-build", state: "now" },
  "flux-path-missing": { rule: "flux-reference", state: "now" },
  "flux-depends-on-missing": { rule: "flux-reference", state: "now" },
};

/** Every `# FAULT <id>` marker that trails content on its line: the place a finding must name. */
function markers(): { id: string; file: string; line: number }[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((e) =>
      statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : [join(dir, e)],
    );
  return walk(root)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .flatMap((text, i) => {
          const m = /^\s*\S.*#\s*FAULT (\S+)/.exec(text);
          return m && !/^\s*#/.test(text) ? [{ id: m[1]!, file: relative(root, f), line: i + 1 }] : [];
        }),
    )
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The finding a marker stands for: at its line, or (`near`) the closest one within the marker's 3 lines above. */
const at = (r: ManifestReport, fault: Fault, m: { file: string; line: number }, near: boolean) =>
  r.findings
    .filter(
      (f) =>
        (fault.rule === "*" || f.rule === fault.rule) &&
        (f.severity === "error") === (fault.rule !== "service-no-pods" && fault.rule !== "backend-missing") &&
        f.file === m.file &&
        (f.line === m.line || (near && (f.line === undefined || (f.line < m.line && f.line >= m.line - 3)))),
    )
    .sort((a, b) => (b.line ?? 0) - (a.line ?? 0))[0];

describe("planted faults: validate manifests finds each one at its file and line", () => {
  it("the table and the fixture's markers name the same faults", () => {
    expect(markers().map((m) => m.id)).toEqual(Object.keys(FAULTS).sort());
  });

  it("every fault marked `now` is found at its place, with the rule's severity; pending ones are printed", async () => {
    const r = await validateManifests(["."], { cwd: root });
    const missed: string[] = [];
    const pending: string[] = [];
    const matched = new Set<ManifestReport["findings"][number]>();
    for (const m of markers()) {
      const fault = FAULTS[m.id]!;
      const exact = at(r, fault, m, false);
      const fileOnly = at(r, fault, m, true);
      for (const f of [exact, fault.lineOnceLands ? fileOnly : undefined]) if (f) matched.add(f);
      if (fault.state === "now") {
        if (!(fault.lineOnceLands ? fileOnly : exact))
          missed.push(`${m.id} (${fault.rule}) at ${m.file}:${m.line}`);
        if (fault.lineOnceLands)
          pending.push(
            `${m.id}: found in ${m.file}${exact ? `:${m.line} — the line too: drop lineOnceLands` : `, line ${m.line} expected once ${fault.lineOnceLands}`}`,
          );
      } else
        pending.push(
          `${m.id}: ${exact ? `FOUND at ${m.file}:${m.line} — flip it to "now"` : `not found yet (expected once ${fault.state.pending} lands)`}`,
        );
    }
    if (pending.length) process.stderr.write(`planted faults not yet asserted:\n  ${pending.join("\n  ")}\n`);
    expect(missed).toEqual([]);
    // Nothing but the planted faults: every finding is one of the faults above.
    const stray = r.findings.filter((f) => !matched.has(f));
    expect(stray.map((f) => `${f.file}:${f.line ?? ""} ${f.rule}: ${f.message}`)).toEqual([]);
  });
});
