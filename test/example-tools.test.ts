// The bundled example's tool files, checked by the real tools where this machine has them.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTool, repoRoot } from "./helpers.js";

const packerDir = join(repoRoot, "examples/homelab/components/packer/alma9-k3s-optimized");

describe("examples/homelab Packer template", () => {
  // packer comes from Debian (.ci/run installs it); 1.6.6 checks HCL syntax and formatting, not plugin fields.
  it.runIf(hasTool("packer"))(
    "is formatted as `packer fmt` writes it (HCL2 syntax valid; needs packer: apt-get install packer)",
    () => {
      const r = spawnSync("packer", ["fmt", "-check", "-diff", "."], { cwd: packerDir, encoding: "utf8" });
      expect(r.stdout + r.stderr).toBe("");
      expect(r.status).toBe(0);
    },
  );
});
