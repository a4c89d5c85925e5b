// The real Atmos built by `npm run peers` (scripts/peers.mjs), for the side-by-side figures. Run as the
// parity tests run it: telemetry and version checks off, HOME a scratch folder.
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { binDir } from "../scripts/peers.mjs";

/** `{ bin, version, cmd(...args) }` when Atmos is built, else `{ why }`. */
export function atmosPeer() {
  const bin = join(binDir(), "atmos");
  if (!existsSync(bin)) return { why: `Atmos is not built (${bin} is missing: run \`npm run peers\`)` };
  const home = join(import.meta.dirname ?? ".", ".out", "atmos-home");
  mkdirSync(home, { recursive: true });
  const version = /atmos\/(v[^/-]+)/.exec(realpathSync(bin))?.[1];
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    ATMOS_TELEMETRY_ENABLED: "false",
    ATMOS_VERSION_CHECK_ENABLED: "false",
  };
  return { bin, version, cmd: (...args) => ({ exe: bin, args, env }) };
}
