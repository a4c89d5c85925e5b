// The plan benchmark's repository: one stack of 200 terraform components in chains of dependencies, each
// with a module declaring its variables, and a stand-in `tofu` that exits at once (so what is measured is
// slipway's own work). Deterministic.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes the repository under `root` (emptied first); returns the folder holding the stand-in tool. */
export function planRepo(root) {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, "stacks", "deploy"), { recursive: true });
  writeFileSync(join(root, "slipway.yaml"), "stacks: {included_paths: ['deploy/*']}\n");
  const lines = ["name: big", "vars: {region: eu-west-1}", "components:", "  terraform:"];
  for (let i = 0; i < 200; i++) {
    mkdirSync(join(root, "components", "terraform", `c${i}`), { recursive: true });
    writeFileSync(
      join(root, "components", "terraform", `c${i}`, "main.tf"),
      `variable "index" {\n  type = number\n}\n\nvariable "region" {\n  type = string\n}\n`,
    );
    const deps = i >= 10 ? `, settings: {depends_on: [{component: c${i - 10}}]}` : "";
    lines.push(`    c${i}: {vars: {index: ${i}}${deps}}`);
  }
  writeFileSync(join(root, "stacks", "deploy", "big.yaml"), lines.join("\n") + "\n");
  const stub = join(root, "bin");
  mkdirSync(stub);
  writeFileSync(join(stub, "tofu"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(stub, "tofu"), 0o755);
  return stub;
}
