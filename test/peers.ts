// The real tools built by `npm run peers` (scripts/peers.mjs), for the tests that use them as oracles.
// A test that needs a peer which is not built runs as skipped and prints why (the build's own reason when the
// build failed, or that `npm run peers` has not run).
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
// @ts-expect-error plain ESM script without types
import { binDir } from "../scripts/peers.mjs";

/** The folder holding a link to every built peer, status.json and tofurc. */
export const peersBin: string = binDir();

const status = (): Record<string, { ok: boolean; reason?: string }> => {
  const f = join(peersBin, "status.json");
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as Record<string, { ok: boolean }>) : {};
};

/** Which peer each binary comes from (a peer can build several). */
const PEER_OF: Record<string, string> = {
  "kube-apiserver": "kubernetes",
  "kube-controller-manager": "kubernetes",
  "kube-scheduler": "kubernetes",
  "terraform-provider-null": "tofu-providers",
};

/** Why `binaries` cannot be used here, or undefined when every one is built. */
export function peersMissing(...binaries: string[]): string | undefined {
  const why: string[] = [];
  for (const b of binaries) {
    if (existsSync(join(peersBin, b))) continue;
    const s = status()[PEER_OF[b] ?? b];
    why.push(
      s && !s.ok
        ? `${b} did not build (${s.reason?.split("\n")[0]})`
        : `${b} is not built (run \`npm run peers\`)`,
    );
  }
  return why.length ? why.join("; ") : undefined;
}

/**
 * True when every binary is built; otherwise prints, once per call site, which test group skips and why —
 * vitest itself would only count the tests as skipped.
 */
export function havePeers(what: string, ...binaries: string[]): boolean {
  const missing = peersMissing(...binaries);
  if (missing) process.stderr.write(`SKIPPED: ${what}: ${missing}\n`);
  return !missing;
}

/** The path of one built peer binary. */
export const peer = (binary: string): string => join(peersBin, binary);

/** The environment the tests run the real Atmos in: this PATH, its own HOME, no telemetry, no update check. */
export function atmosEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    ATMOS_TELEMETRY_ENABLED: "false",
    ATMOS_VERSION_CHECK_ENABLED: "false",
    ...extra,
  };
}

/** An environment with the peers first on PATH and OpenTofu reading the generated provider mirror config. */
export function peerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${peersBin}${delimiter}${process.env.PATH ?? ""}`,
    TF_CLI_CONFIG_FILE: join(peersBin, "tofurc"),
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}
