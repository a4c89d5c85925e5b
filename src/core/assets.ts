import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let found: string | undefined;

/**
 * The package's `assets/` folder (shipped Ansible content, callback plugins). Found by walking up from this
 * module, so it works from dist/ (tsc output) and from dist/bundle/ alike.
 */
export function assetsDir(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "assets", "ansible")) && existsSync(join(dir, "package.json")))
      return (found = join(dir, "assets"));
    const up = dirname(dir);
    if (up === dir) throw new Error("slipway's assets/ folder is missing from the installation");
    dir = up;
  }
}
