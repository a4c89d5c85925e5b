import { describe, expect, it } from "vitest";
import { newIdentity } from "../src/secrets/keys.js";
import { compileRules, normalizeRules } from "../src/secrets/rules.js";
import { decryptDocument, encryptDocument, readDocument, writeDocument } from "../src/secrets/sops-file.js";
import { fromPlain, toPlain, type MapNode } from "../src/secrets/tree.js";
import { decryptFile } from "../src/secrets/operations.js";
import { repoRoot, writeRepo } from "./helpers.js";
import { havePeers, peer } from "./peers.js";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

describe("encryption rules", () => {
  it.each([
    [{ unencrypted_suffix: "_clear" }, ["a"], true],
    [{ unencrypted_suffix: "_clear" }, ["x_clear", "b"], false],
    [{ encrypted_suffix: "_secret" }, ["a"], false],
    [{ encrypted_suffix: "_secret" }, ["db_secret", "pw"], true],
    [{ unencrypted_regex: "^(metadata|kind)$" }, ["metadata", "name"], false],
    [{ unencrypted_regex: "^(metadata|kind)$" }, ["spec"], true],
    [{ encrypted_regex: "^(data|stringData)$" }, ["stringData", "token"], true],
    [{ encrypted_regex: "^(data|stringData)$" }, ["apiVersion"], false],
  ])("%j encrypts %j: %s", (rules, path, want) => {
    expect(compileRules(rules).encrypts(path)).toBe(want);
  });

  it("allows one rule at a time and defaults to the _unencrypted suffix", () => {
    expect(normalizeRules({})).toEqual({ unencrypted_suffix: "_unencrypted" });
    expect(() => normalizeRules({ encrypted_regex: "a", unencrypted_suffix: "_b" })).toThrow(/only one of/);
  });

  it("mac_only_encrypted leaves clear values out of the MAC", async () => {
    const { identity, recipient } = await newIdentity();
    const plain = {
      format: "yaml" as const,
      docs: [fromPlain({ secret: "s", note_unencrypted: "hello" }) as MapNode],
    };
    const enc = await encryptDocument(plain, { groups: [[recipient]], rules: { mac_only_encrypted: true } });
    const text = writeDocument(enc).replace("note_unencrypted: hello", "note_unencrypted: changed");
    expect(text).toMatch(/\n {2}mac_only_encrypted: true\n/);
    const { plain: back } = await decryptDocument(readDocument(text, "yaml"), {
      keys: [identity],
      searched: [],
    });
    expect(toPlain(back.docs[0]!)).toEqual({ secret: "s", note_unencrypted: "changed" });
  });

  it("multi-document YAML: each document encrypted, one MAC over all, --extract reads the first", async () => {
    const dir = writeRepo({ "s.yaml": "a: 1\n---\nb:\n  c: two\n" });
    const { identity, recipient } = await newIdentity();
    writeFileSync(join(dir, "key.txt"), identity + "\n");
    const enc = await encryptDocument(readDocument("a: 1\n---\nb:\n  c: two\n", "yaml"), {
      groups: [[recipient]],
    });
    const text = writeDocument(enc);
    expect(text.match(/\nsops:\n/g)?.length).toBe(2);
    writeFileSync(join(dir, "s.yaml"), text);
    const env = { SOPS_AGE_KEY_FILE: join(dir, "key.txt") };
    expect(await decryptFile("s.yaml", {}, { cwd: dir, env })).toBe("a: 1\n---\nb:\n  c: two\n");
    expect(await decryptFile("s.yaml", { extract: '["a"]' }, { cwd: dir, env })).toBe("1");
    await expect(decryptFile("s.yaml", { extract: "a.b" }, { cwd: dir, env })).rejects.toThrow(
      /is not a path/,
    );
  });
});

describe("a .sops.yaml rule with two kinds of rule", () => {
  const bin = join(repoRoot, "bin", "slipway.js");
  const repo = () =>
    writeRepo({
      ".sops.yaml":
        "creation_rules:\n  - age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n    encrypted_regex: ^data$\n    unencrypted_suffix: _clear\n",
      "s.yaml": "a: 1\n",
    });

  it("is an error at the rule's place with a hint, never 'unexpected failure'", () => {
    const dir = repo();
    const r = spawnSync(process.execPath, [bin, "secrets", "encrypt", "s.yaml"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^\.sops\.yaml:3:5: error: creation_rules\[0\] sets unencrypted_suffix and encrypted_regex: a rule may use only one of/,
    );
    expect(r.stderr).not.toMatch(/unexpected failure/);
  });

  it.runIf(havePeers("sops refusing the same rule (test/secrets-rules.test.ts)", "sops"))(
    "sops refuses the same rule",
    () => {
      const r = spawnSync(peer("sops"), ["encrypt", "s.yaml"], { cwd: repo(), encoding: "utf8" });
      expect(r.stderr).toMatch(
        /cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex/,
      );
    },
  );
});
