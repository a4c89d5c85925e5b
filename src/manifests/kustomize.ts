import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface BuildResult {
  dir: string;
  ok: boolean;
  /** Remote bases cannot be fetched offline, `helmCharts:` need `--enable-helm`: skipped, not errors. */
  skipped?: string;
  error?: string;
  /** The built objects (kustomize's YAML stream) when the build succeeded. */
  output?: string;
}

/** How a folder is built: kustomize-controller's load restrictor (`none`) or kustomize's default (Argo CD's). */
export type LoadRestrictor = "none" | "rootOnly";

/** True when kubectl is on PATH. */
export function hasKubectl(): boolean {
  return spawnSync("sh", ["-c", "command -v kubectl"], { stdio: "ignore" }).status === 0;
}

const REMOTE =
  /dial tcp|no such host|could not resolve|network is unreachable|git cloning|ssh:|https?:\/\/|github\.com|timeout/i;
/** kustomize's own words when a kustomization has `helmCharts:` and the build lacks `--enable-helm`. */
const NEEDS_HELM = /--enable-helm|helmCharts|HelmChartInflationGenerator/;
export const HELM_SKIP = "helmCharts: need `kustomize build --enable-helm` (charts are not fetched offline)";

function build(dir: string, restrictor: LoadRestrictor): Promise<BuildResult> {
  return new Promise((resolve) => {
    const args = [
      "kustomize",
      dir,
      ...(restrictor === "none" ? ["--load-restrictor", "LoadRestrictionsNone"] : []),
    ];
    const p = spawn("kubectl", args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("close", (code) =>
      resolve(
        code === 0 ? { dir, ok: true, output: Buffer.concat(out).toString("utf8") } : outcome(dir, err),
      ),
    );
    p.on("error", (e) => resolve({ dir, ok: false, error: e.message }));
  });
}

/** kubectl's message without its log prefix (`E1122 … run.go:72] "command failed" err="…"`). */
function outcome(dir: string, stderr: string): BuildResult {
  const inner = /err="((?:[^"\\]|\\.)*)"/.exec(stderr)?.[1]?.replace(/\\(.)/g, "$1");
  const full = (inner ?? stderr.trim().split("\n").slice(-3).join(" ")).replace(/^error: /, "");
  // kustomize nests the cause inside every folder it passed through; the innermost part says what is wrong.
  const cut = full.lastIndexOf("': ");
  const security = /security; file '([^']+)' is not in or below '([^']+)'/.exec(full);
  const message = security
    ? `${security[1]} is not in or below ${security[2]}: kustomize's default load restrictor (Argo CD's) refuses files outside the kustomization's folder; move the file, or make it a resource of its own folder`
    : cut >= 0
      ? full.slice(cut + 3)
      : full;
  if (NEEDS_HELM.test(stderr)) return { dir, ok: true, skipped: HELM_SKIP };
  return REMOTE.test(stderr) ? { dir, ok: true, skipped: message } : { dir, ok: false, error: message };
}

/** Builds every folder with `kubectl kustomize`, a few at a time. */
export async function buildAll(
  dirs: { dir: string; restrictor: LoadRestrictor }[],
  parallel = 4,
  /** Called as each build ends, so its output is read while the other builds run. */
  onResult?: (r: BuildResult, i: number) => void,
): Promise<BuildResult[]> {
  const out: BuildResult[] = new Array(dirs.length);
  let next = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const i = next++;
      out[i] = await build(dirs[i]!.dir, dirs[i]!.restrictor);
      onResult?.(out[i]!, i);
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

/** True when a folder holds a kustomization file. */
export function hasKustomization(dir: string): boolean {
  return ["kustomization.yaml", "kustomization.yml", "Kustomization"].some((n) => existsSync(join(dir, n)));
}
