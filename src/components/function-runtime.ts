// What Atmos's YAML functions run on when slipway runs them: a shell for !exec, git for !git.* and
// !repo-root, the terraform tool for !terraform.output, SOPS for !secret. Handed to the stack engine, which
// itself runs no processes.
import { spawnSync } from "node:child_process";
import type { StackEngine } from "../stack/engine.js";
import type { FunctionRuntime } from "../stack/yaml-functions.js";
import { OutputReader } from "./terraform/outputs.js";
import { SecretReader } from "./secret-values.js";

/** The runtime for one run of slipway in `cwd`. `SLIPWAY_EXEC=off` refuses `!exec`. */
export function functionRuntime(
  engine: StackEngine,
  env: Record<string, string | undefined>,
  cwd: string,
): FunctionRuntime {
  const outputs = new OutputReader(engine, env);
  const secrets = new SecretReader(engine, env, cwd);
  const git = new Map<string, string>();
  return {
    cwd,
    exec(command) {
      if (env.SLIPWAY_EXEC === "off")
        throw new Error("!exec is switched off (SLIPWAY_EXEC=off): the command was not run");
      const r = spawnSync("/bin/sh", ["-c", command], {
        cwd,
        env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.error) throw new Error(`could not run /bin/sh: ${r.error.message}`);
      if (r.status !== 0)
        throw new Error(
          `\`${command}\` exited ${r.status ?? r.signal}${r.stderr.trim() ? `: ${r.stderr.trim().split("\n").slice(-2).join(" ")}` : ""}`,
        );
      return r.stdout;
    },
    git(what) {
      let v = git.get(what);
      if (v === undefined) {
        const args = {
          branch: ["rev-parse", "--abbrev-ref", "HEAD"],
          sha: ["rev-parse", "HEAD"],
          root: ["rev-parse", "--show-toplevel"],
        }[what];
        const r = spawnSync("git", args, { cwd, env, encoding: "utf8" });
        if (r.error || r.status !== 0)
          throw new Error(
            `git ${args.join(" ")} failed: ${(r.error?.message ?? r.stderr).trim() || "not a git repository"}`,
          );
        git.set(what, (v = r.stdout.trim()));
      }
      return v;
    },
    terraform: (_kind, ref, from) => outputs.read(ref, from),
    secret: (arg, from) => secrets.read(arg, from),
  };
}
