import { spawnSync } from "node:child_process";
import type { ComponentFinding, OpaPolicy } from "./validate-component.js";
import type { ResolvedComponent } from "../stack/types.js";
import { onPath } from "../core/tools.js";

/** What running a component's OPA policies found, and the policies that could not run (with why). */
export interface OpaReport {
  checks: string[];
  findings: ComponentFinding[];
  skipped: string[];
}

const HINT = "install OPA (https://www.openpolicyagent.org/docs/latest/#running-opa) to run these policies";

/**
 * Runs `settings.validation` entries of `schema_type: opa` with the real `opa` binary, as Atmos evaluates
 * them: query `data.atmos.errors` over the policy and its module_paths (`*_test.rego` left out), the resolved
 * component as input, Rego v0 syntax accepted (Atmos loads policies through OPA's v0-compatible API).
 * Every string in `errors` is a finding; no `errors` rule at all is an invalid policy.
 */
export function runOpaPolicies(
  policies: OpaPolicy[],
  c: ResolvedComponent,
  env: Record<string, string | undefined>,
): OpaReport {
  const report: OpaReport = { checks: [], findings: [], skipped: [] };
  if (policies.length === 0) return report;
  if (!onPath("opa", env)) {
    for (const p of policies)
      report.skipped.push(
        `settings.validation.${p.name}: OPA policy ${p.shown} not run: opa is not on PATH; ${HINT}`,
      );
    return report;
  }
  for (const p of policies) {
    report.checks.push(`${p.name} (${p.shown})`);
    const argv = ["eval", "--v0-compatible", "--format", "json", "--stdin-input", "--ignore", "*_test.rego"];
    for (const d of [p.path, ...p.modulePaths]) argv.push("--data", d);
    argv.push("data.atmos.errors");
    const r = spawnSync("opa", argv, {
      input: JSON.stringify(c),
      encoding: "utf8",
      env: env as NodeJS.ProcessEnv,
      timeout: p.timeoutSeconds * 1000,
    });
    const finding = (message: string): ComponentFinding => ({
      validation: p.name,
      schema: p.shown,
      path: "(policy)",
      message,
    });
    if (r.error || r.status !== 0) {
      const why = r.error?.message.includes("ETIMEDOUT")
        ? `timed out after ${p.timeoutSeconds} s (settings.validation.${p.name}.timeout)`
        : (r.stderr || r.stdout || String(r.error)).trim().split("\n").slice(0, 6).join("\n");
      report.findings.push(finding(`the OPA policy could not be evaluated: ${why}`));
      continue;
    }
    const out = JSON.parse(r.stdout) as { result?: { expressions?: { value?: unknown }[] }[] };
    const value = out.result?.[0]?.expressions?.[0]?.value;
    if (!Array.isArray(value)) {
      report.findings.push(finding("invalid Rego policy: it defines no `errors` in `package atmos`"));
      continue;
    }
    for (const m of value) report.findings.push(finding(String(m)));
  }
  return report;
}
