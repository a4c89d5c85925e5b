// The one write path's pieces (src/core/fs-atomic.ts): the file lock and atomic writes, after a writer
// was killed at the worst moment (kill -9 leaves no chance to clean up).
import { existsSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withFileLock, writeFileAtomic } from "../src/core/fs-atomic.js";
import { tempDir } from "./temp.js";

const old = (path: string) => {
  const t = new Date(Date.now() - 60_000);
  utimesSync(path, t, t);
};

describe("the file lock after a killed writer", () => {
  it("takes over a lock that never got a PID (killed between creating and writing it)", async () => {
    const file = join(tempDir(), "stack.yaml");
    writeFileSync(file, "a: 1\n");
    writeFileSync(`${file}.lock`, "");
    old(`${file}.lock`);
    expect(await withFileLock(file, () => "edited", 1_000)).toBe("edited");
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("takes over a lock whose process is gone, but waits on a fresh empty one (a writer about to write)", async () => {
    const file = join(tempDir(), "stack.yaml");
    writeFileSync(file, "a: 1\n");
    writeFileSync(`${file}.lock`, "999999999");
    expect(await withFileLock(file, () => "edited", 1_000)).toBe("edited");
    writeFileSync(`${file}.lock`, "");
    await expect(withFileLock(file, () => "edited", 300)).rejects.toThrow(
      /is locked by another slipway process/,
    );
  });

  it("removes the temp files a writer killed before its rename left, and only those", async () => {
    const dir = tempDir();
    const file = join(dir, "stack.yaml");
    writeFileAtomic(file, "a: 1\n");
    writeFileSync(join(dir, ".stack.yaml.0123456789ab.tmp"), "half a file");
    writeFileSync(join(dir, ".other.yaml.0123456789ab.tmp"), "another file's");
    writeFileSync(join(dir, ".stack.yaml.notmine.tmp"), "not ours");
    await withFileLock(file, () => writeFileAtomic(file, "a: 2\n"));
    expect(readdirSync(dir).sort()).toEqual([
      ".other.yaml.0123456789ab.tmp",
      ".stack.yaml.notmine.tmp",
      "stack.yaml",
    ]);
  });
});
