import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface BuildResult {
  dir: string;
  ok: boolean;
  /** Remote bases cannot be fetched offline: reported as skipped, not as errors. */
  skipped?: string;
  error?: string;
}

/** True when kubectl is on PATH. */
export function hasKubectl(): boolean {
  return spawnSync("sh", ["-c", "command -v kubectl"], { stdio: "ignore" }).status === 0;
}

const REMOTE =
  /dial tcp|no such host|could not resolve|network is unreachable|git cloning|ssh:|https?:\/\/|github\.com|timeout/i;

function build(dir: string): Promise<BuildResult> {
  return new Promise((resolve) => {
    const p = spawn("kubectl", ["kustomize", dir], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("close", (code) => resolve(code === 0 ? { dir, ok: true } : outcome(dir, err)));
    p.on("error", (e) => resolve({ dir, ok: false, error: e.message }));
  });
}

/** kubectl's message without its log prefix (`E1122 … run.go:72] "command failed" err="…"`). */
function outcome(dir: string, stderr: string): BuildResult {
  const inner = /err="((?:[^"\\]|\\.)*)"/.exec(stderr)?.[1]?.replace(/\\(.)/g, "$1");
  const full = (inner ?? stderr.trim().split("\n").slice(-3).join(" ")).replace(/^error: /, "");
  // kustomize nests the cause inside every folder it passed through; the innermost part says what is wrong.
  const cut = full.lastIndexOf("': ");
  const message = cut >= 0 ? full.slice(cut + 3) : full;
  return REMOTE.test(stderr) ? { dir, ok: true, skipped: message } : { dir, ok: false, error: message };
}

/** Builds every kustomization with `kubectl kustomize`, a few at a time. */
export async function buildAll(dirs: string[], parallel = 4): Promise<BuildResult[]> {
  const out: BuildResult[] = new Array(dirs.length);
  let next = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const i = next++;
      out[i] = await build(dirs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, dirs.length) }, worker));
  return out;
}

/** The kustomization file in a folder. */
export function kustomizationFile(dir: string): string {
  return (
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
      .map((n) => join(dir, n))
      .find((p) => existsSync(p)) ?? join(dir, "kustomization.yaml")
  );
}
