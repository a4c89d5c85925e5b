import { spawn } from "node:child_process";

/**
 * Runs one tool command: its output on this terminal (`inherit`), or piped into a log stream that stays
 * open for the next command. Resolves to the exit code: 127 when it could not start, 128 on a signal.
 */
export function spawnTool(
  cmd: { argv: string[]; env: Record<string, string>; cwd: string },
  env: Record<string, string | undefined>,
  output: "inherit" | NodeJS.WritableStream,
): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(cmd.argv[0]!, cmd.argv.slice(1), {
      cwd: cmd.cwd,
      env: { ...env, ...cmd.env } as NodeJS.ProcessEnv,
      stdio: output === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    if (output !== "inherit") {
      p.stdout!.pipe(output, { end: false });
      p.stderr!.pipe(output, { end: false });
    }
    p.on("error", () => resolve(127));
    p.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
