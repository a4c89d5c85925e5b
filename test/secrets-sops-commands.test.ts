// The sops-style commands on their own (the differential side is in test/sops-oracle.test.ts): what edit,
// set and unset leave alone, files for keys slipway cannot open, and user errors that never show a value.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SlipwayError } from "../src/core/errors.js";
import { main } from "../src/cli/main.js";
import { newIdentity } from "../src/secrets/keys.js";
import {
  check,
  decryptFile,
  editFile,
  encryptFile,
  fileStatus,
  rotate,
  setValue,
  unsetValue,
} from "../src/secrets/operations.js";
import { writeRepo } from "./helpers.js";

async function encrypted(text = "# head\ntoken: s3cr3t\ndb:\n  user: app\n  pass: hunter2\n") {
  const dir = writeRepo({ "s.yaml": text });
  const { identity, recipient } = await newIdentity();
  writeFileSync(join(dir, "key.txt"), identity + "\n", { mode: 0o600 });
  const ctx = { cwd: dir, env: { SOPS_AGE_KEY_FILE: join(dir, "key.txt") } };
  const enc = await encryptFile("s.yaml", { inPlace: true, age: [recipient] }, ctx);
  return { dir, ctx, enc, file: join(dir, "s.yaml") };
}

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<SlipwayError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (e instanceof SlipwayError) return e;
    throw e;
  }
  throw new Error("expected a SlipwayError");
}

const sopsBlock = (text: string) => text.slice(text.indexOf("\nsops:\n"));
const withoutMacAndTime = (text: string) => text.replace(/^\s+(mac|lastmodified): .*$/gm, "");

/** The CLI in this process, its output collected. */
async function cli(argv: string[], cwd: string, env: Record<string, string>) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (s) => (out += String(s)), stderr: (s) => (err += s), cwd, env });
  return { code, out, err };
}

describe("edit, set and unset change only what they touch", () => {
  it("edit: the changed value gets a new ciphertext; every other line and the age blocks stay byte for byte", async () => {
    const { dir, ctx, enc, file } = await encrypted();
    const editor = join(dir, "editor.sh");
    writeFileSync(editor, "#!/bin/sh\nsed -i 's/hunter2/correct-horse/' \"$1\"\n", { mode: 0o755 });
    await editFile("s.yaml", { ...ctx, env: { ...ctx.env, EDITOR: editor } });
    const after = readFileSync(file, "utf8");
    const before = enc.split("\n");
    const changed = after.split("\n").filter((l, i) => l !== before[i]);
    expect(after.split("\n").length).toBe(before.length);
    expect(changed.map((l) => /^\s*([a-z]+):/.exec(l)?.[1]).filter((k) => k !== "lastmodified")).toEqual([
      "pass",
      "mac",
    ]);
    expect(withoutMacAndTime(sopsBlock(after))).toBe(withoutMacAndTime(sopsBlock(enc)));
    expect(await decryptFile("s.yaml", { extract: '["db"]["pass"]' }, ctx)).toBe("correct-horse");
  });

  it("set and unset keep the key blocks; --idempotent leaves an unchanged file untouched", async () => {
    const { ctx, enc, file } = await encrypted();
    const r = await setValue("s.yaml", '["db"]["pass"]', '"hunter2"', { idempotent: true }, ctx);
    expect([r.changed, r.written, readFileSync(file, "utf8")]).toEqual([false, false, enc]);
    await setValue("s.yaml", '["db"]["port"]', "5432", {}, ctx);
    await unsetValue("s.yaml", '["token"]', {}, ctx);
    const after = readFileSync(file, "utf8");
    expect(withoutMacAndTime(sopsBlock(after))).toBe(withoutMacAndTime(sopsBlock(enc)));
    expect(await decryptFile("s.yaml", {}, ctx)).toBe(
      "# head\ndb:\n  user: app\n  pass: hunter2\n  port: 5432\n",
    );
  });

  it("a set value that is not JSON is a usage error that does not repeat it", async () => {
    const { dir, ctx } = await encrypted();
    const e = await errorOf(setValue("s.yaml", '["token"]', "topsecret-value", {}, ctx));
    expect([e.code, e.message, e.hint]).toEqual([
      "usage",
      "the value for set is not valid JSON",
      `a string needs JSON quotes inside the shell's: '"text"'`,
    ]);
    const r = await cli(["secrets", "set", "s.yaml", '["token"]', "topsecret-value"], dir, ctx.env);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/topsecret|s3cr3t|at .*\.js:\d+/);
  });

  it("usage errors exit 2: --in-place on stdin, the ini store, a bad path", async () => {
    const { dir, ctx } = await encrypted();
    for (const argv of [
      ["secrets", "decrypt", "-i", "-"],
      ["secrets", "decrypt", "--input-type", "ini", "s.yaml"],
      ["secrets", "unset", "s.yaml", "token"],
    ]) {
      const r = await cli(argv, dir, ctx.env);
      expect([argv.join(" "), r.code, r.err.split("\n")[0]]).toEqual([
        argv.join(" "),
        2,
        expect.stringMatching(/error: /),
      ]);
    }
    const ini = await errorOf(decryptFile("s.yaml", { inputType: "ini" }, ctx));
    expect(ini.hint).toMatch(/ini store is not supported/);
  });

  it("filestatus reads stdin as the given type", async () => {
    const { ctx, enc } = await encrypted();
    const stdin = () => Buffer.from(enc);
    expect(fileStatus("-", { inputType: "yaml" }, { ...ctx, stdin })).toEqual({ encrypted: true });
    expect(fileStatus("-", { inputType: "yaml" }, { ...ctx, stdin: () => Buffer.from("a: 1\n") })).toEqual({
      encrypted: false,
    });
  });
});

describe("files for keys slipway does not hold (PGP, cloud KMS) are unverified, not broken", () => {
  /** A file sops wrote for age, its age block swapped for one of another key type (its MAC is intact). */
  async function forOtherKeys(kind: "pgp" | "gcp_kms" | "kms") {
    const { dir, ctx, enc, file } = await encrypted();
    const stanza: Record<string, string> = {
      pgp: '  pgp:\n    - created_at: "2024-01-01T00:00:00Z"\n      enc: |\n        -----BEGIN PGP MESSAGE-----\n        x\n        -----END PGP MESSAGE-----\n      fp: 0123456789ABCDEF0123456789ABCDEF01234567\n',
      gcp_kms:
        '  gcp_kms:\n    - resource_id: projects/p/locations/global/keyRings/r/cryptoKeys/k\n      created_at: "2024-01-01T00:00:00Z"\n      enc: CiQAbc=\n',
      kms: '  kms:\n    - arn: arn:aws:kms:eu-west-1:111122223333:key/k\n      created_at: "2024-01-01T00:00:00Z"\n      enc: AQICAHg=\n      aws_profile: ""\n',
    };
    const text = enc
      .replace(/ {2}age:\n(?: {4}.*\n)+/, stanza[kind]!)
      .replace(new RegExp(`^ {2}${kind}: \\[\\]\\n`, "m"), "");
    expect(text).not.toContain("BEGIN AGE");
    writeFileSync(file, text);
    return { dir, ctx, file, text };
  }

  it.each(["pgp", "gcp_kms", "kms"] as const)(
    "%s only: decrypt names the key type and says there is no key; check notes it as unverified",
    async (kind) => {
      const { dir, ctx, text } = await forOtherKeys(kind);
      const e = await errorOf(decryptFile("s.yaml", {}, ctx));
      expect(e.message).toBe(
        `no key for this file: it is encrypted for ${kind} only, and slipway opens age keys`,
      );
      expect(e.message).not.toMatch(/MAC/);
      const findings = await check([dir], ctx);
      expect(findings.map((f) => [f.rule, f.message])).toEqual([
        ["unverified", `cannot verify: ${e.message}`],
      ]);
      const r = await cli(["secrets", "check"], dir, ctx.env);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/^s\.yaml: note: \[unverified\] cannot verify: no key for this file/);
      expect(fileStatus("s.yaml", {}, ctx)).toEqual({ encrypted: true });
      // A new data key cannot be wrapped for those keys: rotate refuses and the file is unchanged.
      expect(text).toContain(kind === "pgp" ? "fp: " : kind === "kms" ? "arn: " : "resource_id: ");
    },
  );

  it("rotate refuses a file that is also for other key types (a new data key would leave them behind)", async () => {
    const { dir, ctx, enc, file } = await encrypted();
    const pgp = '  pgp:\n    - created_at: "2024-01-01T00:00:00Z"\n      enc: x\n      fp: ABCD\n';
    writeFileSync(file, enc.replace(/^ {2}pgp: \[\]\n/m, pgp));
    const before = readFileSync(file, "utf8");
    const e = await errorOf(rotate(["s.yaml"], ctx));
    expect(e.message).toMatch(/also encrypted for pgp/);
    expect(readFileSync(file, "utf8")).toBe(before);
    // set keeps the same data key, so the PGP entry stays valid and is kept as it was.
    await setValue("s.yaml", '["token"]', '"new"', {}, ctx);
    expect(readFileSync(file, "utf8")).toContain(pgp);
    expect(dir).toBeTruthy();
  });
});
