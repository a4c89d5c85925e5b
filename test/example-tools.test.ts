// The bundled example's tool files, checked by the real tools where this machine has them.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";

const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const packerDir = join(repoRoot, "examples/homelab/components/packer/alma9-k3s-optimized");

describe("examples/homelab Packer template", () => {
  // packer comes from Debian (.ci/run installs it); 1.6.6 checks HCL syntax and formatting, not plugin fields.
  it.runIf(has("packer"))("is formatted as `packer fmt` writes it (HCL2 syntax valid)", () => {
    const r = spawnSync("packer", ["fmt", "-check", "-diff", "."], { cwd: packerDir, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it.skipIf(has("packer"))(
    "is checked with packer fmt (skipped: packer is not on PATH; `apt-get install packer`)",
    () => {
      expect(has("packer")).toBe(false);
    },
  );
});
