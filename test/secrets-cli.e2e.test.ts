// The built CLI's secrets commands: exit codes, no plaintext left behind, Ctrl-C during edit.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, writeRepo } from "./helpers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const run = (args: string[], cwd: string, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: cwd, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Edit folders of any slipway on this machine, in either place they can be. */
const editDirs = () =>
  ["/dev/shm", tmpdir()].flatMap((root) =>
    existsSync(root) ? readdirSync(root).filter((f) => f.startsWith("slipway-edit-")) : [],
  );

/** A repository with one age-encrypted file and the key to it. */
function encrypted() {
  const dir = writeRepo({ "s.yaml": "password: hunter2\n" });
  const recipient = run(["secrets", "keygen", "--out", "key.txt"], dir).stdout.trim();
  run(["secrets", "encrypt", "-i", "s.yaml", "--age", recipient], dir);
  return {
    dir,
    before: readFileSync(join(dir, "s.yaml"), "utf8"),
    env: { SOPS_AGE_KEY_FILE: join(dir, "key.txt") },
  };
}

describe("slipway secrets (CLI)", () => {
  it("keygen → encrypt → decrypt round trip; JSON, dotenv and binary too", () => {
    const dir = writeRepo({
      "a.json": '{"10": "ten", "b": 2.5, "c": [true]}\n',
      "a.env": "TOKEN=abc\n# note\nPORT=80\n",
      "a.bin": "raw\nbytes\n",
    });
    const recipient = run(["secrets", "keygen", "--out", "key.txt"], dir).stdout.trim();
    const env = { SOPS_AGE_KEY_FILE: join(dir, "key.txt") };
    for (const f of ["a.json", "a.env", "a.bin"]) {
      const original = readFileSync(join(dir, f), "utf8");
      const enc1 = run(["secrets", "encrypt", "-i", f, "--age", recipient], dir);
      expect({ code: enc1.code, stderr: enc1.stderr }).toEqual({ code: 0, stderr: `encrypted ${f}\n` });
      const enc = readFileSync(join(dir, f), "utf8");
      expect(enc).toMatch(/ENC\[AES256_GCM/);
      // Whole plaintext values only: random base64 may contain any short word.
      expect(enc).not.toMatch(/"ten"|TOKEN=abc|PORT=80|raw\\nbytes/);
      const out = run(["secrets", "decrypt", f], dir, env);
      expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
      expect(out.stdout).toBe(
        f === "a.json" ? '{\n  "10": "ten",\n  "b": 2.5,\n  "c": [\n    true\n  ]\n}\n' : original,
      );
    }
  });

  it("errors exit 1 with file and hint, never a stack trace or a secret", () => {
    const dir = writeRepo({ "s.yaml": "password: hunter2\n" });
    const recipient = run(["secrets", "keygen", "--out", "key.txt"], dir).stdout.trim();
    run(["secrets", "encrypt", "-i", "s.yaml", "--age", recipient], dir);
    const r = run(["secrets", "decrypt", "s.yaml"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^s\.yaml: error: no age identity opens this file; it is encrypted for age1/);
    expect(r.stderr).not.toMatch(/hunter2|at .*\.js:\d+/);
    const again = run(["secrets", "encrypt", "s.yaml", "--age", recipient], dir);
    expect([again.code, again.stderr]).toEqual([
      1,
      "s.yaml: error: the file is already encrypted\n  hint: use `slipway secrets edit`, `set`, `updatekeys` or `rotate` on encrypted files\n",
    ]);
  });

  it("check fails on a plaintext Secret with file:line, and --format json gives data", () => {
    const dir = writeRepo({
      "k8s/secret.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: aHVudGVyMg==\n",
    });
    const r = run(["secrets", "check", "k8s"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "k8s/secret.yaml:5: error: [plaintext-secret] Secret db has plaintext data (password)\n",
    );
    const j = JSON.parse(run(["secrets", "check", "--format", "json"], dir).stdout);
    expect(j).toEqual({
      ok: false,
      findings: [
        {
          file: "k8s/secret.yaml",
          line: 5,
          rule: "plaintext-secret",
          message: "Secret db has plaintext data (password)",
        },
      ],
    });
  });

  it("edit survives Ctrl-C: the temp plaintext is removed and the file is unchanged", () => {
    const dir = writeRepo({ "s.yaml": "password: hunter2\n" });
    const recipient = run(["secrets", "keygen", "--out", "key.txt"], dir).stdout.trim();
    run(["secrets", "encrypt", "-i", "s.yaml", "--age", recipient], dir);
    const before = readFileSync(join(dir, "s.yaml"), "utf8");
    // The "editor" interrupts slipway (its grandparent), as Ctrl-C in a terminal would, then dies of it.
    writeFileSync(
      join(dir, "editor.sh"),
      '#!/bin/sh\necho changed >> "$1"\nkill -INT $(ps -o ppid= -p $PPID)\nsleep 0.3\nexit 130\n',
      { mode: 0o755 },
    );
    const leftBefore = editDirs().length;
    const r = run(["secrets", "edit", "s.yaml"], dir, {
      SOPS_AGE_KEY_FILE: join(dir, "key.txt"),
      EDITOR: join(dir, "editor.sh"),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exited with 130; the file is unchanged/);
    expect(readFileSync(join(dir, "s.yaml"), "utf8")).toBe(before);
    expect(editDirs().length).toBe(leftBefore);
  });

  it.each(["HUP", "QUIT", "TERM"])(
    "edit survives SIG%s (a closed terminal or SSH session): no plaintext is left, the file is unchanged",
    (sig) => {
      const { dir, before, env } = encrypted();
      // The "editor" notes where its file is, then signals slipway (its parent, or grandparent when sh does
      // not exec it) and fails.
      writeFileSync(
        join(dir, "editor.sh"),
        `#!/bin/sh\necho "$1" > ${join(dir, "where.txt")}\necho changed >> "$1"\np=$PPID\ncase "$(ps -o args= -p $p)" in *slipway.js*) ;; *) p=$(ps -o ppid= -p $p) ;; esac\nkill -${sig} $p\nsleep 0.3\nexit 1\n`,
        { mode: 0o755 },
      );
      const r = run(["secrets", "edit", "s.yaml"], dir, { ...env, EDITOR: join(dir, "editor.sh") });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `interrupted by SIG${sig}; the plaintext copy was removed and the file is unchanged`,
      );
      expect(readFileSync(join(dir, "s.yaml"), "utf8")).toBe(before);
      const where = readFileSync(join(dir, "where.txt"), "utf8").trim();
      expect(existsSync(dirname(where))).toBe(false);
      // Memory-backed where the system has it: the plaintext never touches a disk.
      if (existsSync("/dev/shm")) expect(where).toMatch(/^\/dev\/shm\/slipway-edit-\d+-/);
    },
  );

  it("edit removes a plaintext folder a killed edit left behind, and says so", () => {
    const { dir, env } = encrypted();
    // A pid that is surely gone: a process that has exited.
    const gone = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
    const root = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
    const stale = join(root, `slipway-edit-${gone}-Xy12ab`);
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, "s.yaml"), "password: hunter2\n");
    const r = run(["secrets", "edit", "s.yaml"], dir, { ...env, EDITOR: "true" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`removed ${stale}: the plaintext folder of an edit that was killed`);
    expect(existsSync(stale)).toBe(false);
  });
});
