// The dependency graph plan/apply follow, against Atmos's own: for every component of a stack, the components
// that need it first (Atmos's `describe dependents`) are exactly those slipway orders after it. The stacks are
// Atmos's `terraform-apply-all-dependencies` scenario: `dependencies.components` with `component:` and with
// its newer alias `name:`.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planGraph } from "../src/components/stack-run.js";
import { engineAt, tempDir } from "./helpers.js";
import { atmosEnv, havePeers, peer } from "./peers.js";

const ready = havePeers("dependency order against Atmos (test/atmos-dependencies.test.ts)", "atmos");

function scenario(): string | undefined {
  const mod = spawnSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).stdout.trim();
  const src = join(
    mod,
    "github.com/cloudposse/atmos@v1.225.0/tests/fixtures/scenarios/terraform-apply-all-dependencies",
  );
  if (!existsSync(src)) {
    process.stderr.write(
      `SKIPPED: the Atmos scenario is not in the Go module cache (${src}); run \`npm run peers\`\n`,
    );
    return undefined;
  }
  const dir = join(tempDir(), "apply-all-dependencies");
  cpSync(src, dir, { recursive: true });
  // The module cache is read-only; the copy must be writable for the tools' own files.
  const writable = (p: string): void => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const n of readdirSync(p)) writable(join(p, n));
  };
  writable(dir);
  return dir;
}

describe.runIf(ready)("plan/apply order: slipway's dependency edges are Atmos's", () => {
  const dir = scenario();
  // The legacy list form of settings.depends_on in the scenario's other stacks stops Atmos's describe
  // dependents ("expected type schema.DependsOn"), so each run reads one stack file.
  for (const stack of ["reported-order", "reported-order-alias"]) {
    it.runIf(dir !== undefined)(`${stack}: describe dependents of every component agrees`, () => {
      const env = { ATMOS_STACKS_INCLUDED_PATHS: `deploy/${stack}.yaml` };
      const graph = planGraph(engineAt(dir!, env, "atmos.yaml"), stack);
      expect(graph.length).toBeGreaterThan(3);
      let edges = 0;
      for (const { c } of graph) {
        const r = spawnSync(
          peer("atmos"),
          ["describe", "dependents", c.atmos_component, "-s", stack, "--format", "json"],
          {
            cwd: dir,
            encoding: "utf8",
            env: atmosEnv(dir!, { ATMOS_LOGS_LEVEL: "Warning", ...env }),
          },
        );
        expect(r.status, r.stderr).toBe(0);
        const atmos = (JSON.parse(r.stdout || "[]") as { component: string; stack: string }[])
          .filter((d) => d.stack === stack)
          .map((d) => d.component)
          .sort();
        const ours = graph
          .filter((n) => n.deps.includes(c.atmos_component))
          .map((n) => n.c.atmos_component)
          .sort();
        expect(ours, `dependents of ${c.atmos_component}`).toEqual(atmos);
        edges += ours.length;
      }
      expect(edges).toBeGreaterThan(3);
    });
  }
});
