import { spawnSync } from "node:child_process";
import { createDecipheriv } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SlipwayError } from "../src/core/errors.js";
import { newIdentity } from "../src/secrets/keys.js";
import {
  check,
  decryptFile,
  editFile,
  encryptFile,
  keygen,
  rotate,
  updateKeys,
} from "../src/secrets/operations.js";
import { combine, split } from "../src/secrets/shamir.js";
import { chooseRule } from "../src/secrets/sops-config.js";
import { decryptDocument, encryptDocument, readDocument, writeDocument } from "../src/secrets/sops-file.js";
import {
  fromPlain,
  toPlain,
  type MapNode,
  type Node,
  type Scalar,
  type SeqNode,
} from "../src/secrets/tree.js";
import { yamlKey, yamlValue } from "./arbitraries.js";
import { hasTool, slipwayErrorOf, writeRepo } from "./helpers.js";

const hasAge = hasTool("age");

async function identityFile(dir: string, name = "key.txt") {
  const { identity, recipient } = await newIdentity();
  writeFileSync(join(dir, name), `# public key: ${recipient}\n${identity}\n`, { mode: 0o600 });
  return { identity, recipient, file: join(dir, name) };
}

async function errorOf(p: Promise<unknown>): Promise<SlipwayError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SlipwayError) return e;
    throw e;
  }
  throw new Error("expected a SlipwayError");
}

/** Independent of our decoder: age CLI unwraps the data key, node:crypto opens each ENC value. */
function independentDecrypt(text: string, keyFile: string): Record<string, string> {
  const enc = /enc: \|\n((?: {8}.*\n)+)/.exec(text)![1]!.replace(/^ {8}/gm, "");
  const r = spawnSync("age", ["-d", "-i", keyFile], { input: enc });
  expect(r.status).toBe(0);
  const key = r.stdout as Buffer;
  expect(key.length).toBe(32);
  const out: Record<string, string> = {};
  const stack: [number, string][] = [];
  for (const line of text.slice(0, text.indexOf("\nsops:\n")).split("\n")) {
    const m = /^( *)([^:#\s][^:]*): ?(.*)$/.exec(line);
    if (!m || line.trimStart().startsWith("- ")) continue;
    const indent = m[1]!.length;
    while (stack.length && stack.at(-1)![0] >= indent) stack.pop();
    // A key YAML 1.1 reads as a bool (`on`) is written quoted, as sops writes it.
    stack.push([indent, m[2]!.replace(/^"(.*)"$/, "$1")]);
    const v = /^ENC\[AES256_GCM,data:(.*),iv:(.*),tag:(.*),type:(.*)\]$/.exec(m[3]!);
    if (!v) continue;
    const aad = stack.map(([, k]) => k).join(":") + ":";
    const d = createDecipheriv("aes-256-gcm", key, Buffer.from(v[2]!, "base64"));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(Buffer.from(v[3]!, "base64"));
    out[aad] = Buffer.concat([d.update(Buffer.from(v[1]!, "base64")), d.final()]).toString("utf8");
  }
  return out;
}

describe("secrets: files slipway writes", () => {
  it.runIf(hasAge)(
    "open with the age CLI and node:crypto alone (an independent decoder; needs age: apt-get install age)",
    async () => {
      const dir = writeRepo({
        "s.yaml": "db:\n  user: admin\n  password: hunter2\nport: 5432\nratio: 0.5\non: true\n",
      });
      const { recipient, file } = await identityFile(dir);
      const text = await encryptFile("s.yaml", { age: [recipient] }, { cwd: dir, env: {} });
      expect(independentDecrypt(text, file)).toEqual({
        "db:user:": "admin",
        "db:password:": "hunter2",
        "port:": "5432",
        "ratio:": "0.5",
        "on:": "True",
      });
    },
  );

  it("a Kubernetes Secret with encrypted_regex keeps apiVersion, kind and metadata in clear", async () => {
    const dir = writeRepo({
      "s.secret.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\ntype: Opaque\nstringData:\n  password: hunter2\ndata:\n  token: aHVudGVyMg==\n",
    });
    const { recipient } = await identityFile(dir);
    writeFileSync(
      join(dir, ".sops.yaml"),
      `creation_rules:\n  - path_regex: \\.secret\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${recipient}\n`,
    );
    const text = await encryptFile("s.secret.yaml", {}, { cwd: dir, env: {} });
    expect(text).toMatch(
      /^apiVersion: v1\nkind: Secret\nmetadata:\n {2}name: db\n {2}namespace: apps\ntype: Opaque\nstringData:\n {2}password: ENC\[/,
    );
    expect(text).toMatch(/\n {2}token: ENC\[/);
    expect(text).toMatch(/\n {2}encrypted_regex: \^\(data\|stringData\)\$\n/);
    expect(text).not.toMatch(/hunter2|aHVudGVyMg==/);
  });

  it("writes the metadata block in sops 3.8.1's layout", async () => {
    const dir = writeRepo({ "s.yaml": "a: 1\n" });
    const { recipient } = await identityFile(dir);
    const text = await encryptFile("s.yaml", { age: [recipient] }, { cwd: dir, env: {} });
    const keys = [...text.matchAll(/^ {2}([a-z_]+):/gm)].map((m) => m[1]);
    expect(keys).toEqual([
      "kms",
      "gcp_kms",
      "azure_kv",
      "hc_vault",
      "age",
      "lastmodified",
      "mac",
      "pgp",
      "unencrypted_suffix",
      "version",
    ]);
    expect(text).toMatch(/\n {2}lastmodified: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n/);
    expect(text).toMatch(/\n {2}version: 3\.8\.1\n/);
  });
});

describe("secrets: round trips (property)", () => {
  const value = yamlValue({ nulls: false, infinities: false, reserved: ["sops"] });
  const doc = fc.dictionary(yamlKey(["sops"]), value, { minKeys: 1, maxKeys: 4, noNullPrototype: true });
  const ids = newIdentity();

  it("encrypt → write → read → decrypt is the identity, for YAML and JSON", async () => {
    const { identity, recipient } = await ids;
    await fc.assert(
      fc.asyncProperty(doc, fc.constantFrom("yaml" as const, "json" as const), async (plain, format) => {
        const tree = fromPlain(plain) as MapNode;
        const enc = await encryptDocument({ format, docs: [tree] }, { groups: [[recipient]] });
        const back = await decryptDocument(readDocument(writeDocument(enc), format), {
          keys: [identity],
          searched: [],
        });
        const norm = (x: unknown) =>
          JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === "number" && Object.is(v, -0) ? 0 : v)));
        expect(norm(toPlain(back.plain.docs[0]!))).toEqual(norm(plain));
      }),
      { numRuns: 60 },
    );
  });

  it("changing any single value breaks the MAC (or the value's own tag)", async () => {
    const { identity, recipient } = await ids;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("a", "b", "c_unencrypted", "d"), fc.string({ minLength: 1 }), {
          minKeys: 2,
          noNullPrototype: true,
        }),
        fc.nat(),
        async (plain, pick) => {
          const enc = await encryptDocument(
            { format: "yaml", docs: [fromPlain(plain) as MapNode] },
            { groups: [[recipient]] },
          );
          const pairs = enc.docs[0]!.items.filter((i) => i.kind === "pair");
          const target = pairs[pick % pairs.length]!;
          if (target.kind !== "pair" || target.value.kind !== "scalar") return;
          const v = String(target.value.value);
          target.value = {
            kind: "scalar",
            type: "str",
            value: v.startsWith("ENC[")
              ? v.replace(/data:([^,]{2})/, (_m, d: string) => `data:${d === "AA" ? "BB" : "AA"}`)
              : v + "x",
          };
          const err = await errorOf(
            decryptDocument(readDocument(writeDocument(enc), "yaml"), { keys: [identity], searched: [] }),
          );
          expect(err.message).toMatch(/MAC mismatch|does not decrypt/);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("secrets: tampering and bad input", () => {
  async function encrypted(yaml: string) {
    const dir = writeRepo({ "s.yaml": yaml });
    const id = await identityFile(dir);
    const text = await encryptFile("s.yaml", { age: [id.recipient] }, { cwd: dir, env: {} });
    return { dir, id, text, env: { SOPS_AGE_KEY_FILE: id.file } };
  }
  const decryptText = (dir: string, text: string, env: Record<string, string>) => {
    writeFileSync(join(dir, "t.yaml"), text);
    return decryptFile("t.yaml", {}, { cwd: dir, env });
  };

  it("a changed ciphertext names the path, never the value", async () => {
    const { dir, text, env } = await encrypted("db:\n  password: hunter2\n");
    const err = await errorOf(
      decryptText(
        dir,
        text.replace(
          /password: ENC\[AES256_GCM,data:(..)/,
          (_m, d: string) => `password: ENC[AES256_GCM,data:${d === "AA" ? "BB" : "AA"}`,
        ),
        env,
      ),
    );
    expect(err.message).toMatch(/^db\.password: the value does not decrypt/);
    expect(`${err.message} ${err.hint}`).not.toMatch(/hunter2/);
  });

  it("swapped values fail (the path is bound into each value)", async () => {
    const { dir, text, env } = await encrypted("a: one\nb: two\n");
    const a = /\na: (ENC\[[^\n]+)/.exec("\n" + text)![1]!;
    const b = /\nb: (ENC\[[^\n]+)/.exec(text)![1]!;
    const err = await errorOf(
      decryptText(dir, text.replace(a, "A").replace(b, a).replace("a: A", `a: ${b}`), env),
    );
    expect(err.message).toMatch(/^(a|b): the value does not decrypt/);
  });

  it("a changed clear value or a removed key is a MAC mismatch naming the clear paths", async () => {
    const { dir, text, env } = await encrypted("a: secret\nnote_unencrypted: hello\nb: other\n");
    const changed = await errorOf(
      decryptText(dir, text.replace("note_unencrypted: hello", "note_unencrypted: bye"), env),
    );
    expect(changed.message).toMatch(/MAC mismatch/);
    expect(changed.hint).toMatch(/note_unencrypted/);
    const removed = await errorOf(decryptText(dir, text.replace(/\nb: ENC[^\n]+/, ""), env));
    expect(removed.message).toMatch(/MAC mismatch/);
  });

  it("no matching identity lists the recipients and where identities were looked for", async () => {
    const { dir, id, text } = await encrypted("a: 1\n");
    const other = await identityFile(dir, "other.txt");
    const err = await errorOf(
      decryptText(dir, text, { SOPS_AGE_KEY_FILE: other.file, HOME: "/nonexistent" }),
    );
    expect(err.message).toContain(id.recipient);
    expect(err.hint).toContain(`SOPS_AGE_KEY_FILE (${other.file})`);
    expect(err.hint).toContain("/nonexistent/.config/sops/age/keys.txt");
  });

  it("finds identities in SOPS_AGE_KEY, SOPS_AGE_KEY_CMD and $XDG_CONFIG_HOME/sops/age/keys.txt", async () => {
    const { dir, id, text } = await encrypted("a: 1\n");
    const key = readFileSync(id.file, "utf8");
    expect(await decryptText(dir, text, { SOPS_AGE_KEY: key })).toBe("a: 1\n");
    expect(await decryptText(dir, text, { SOPS_AGE_KEY_CMD: `cat ${id.file}` })).toBe("a: 1\n");
    const xdg = writeRepo({ "sops/age/keys.txt": key });
    expect(await decryptText(dir, text, { XDG_CONFIG_HOME: xdg })).toBe("a: 1\n");
  });

  it("malformed ENC values and unknown types are named", async () => {
    const { dir, text, env } = await encrypted("a: 1\n");
    expect(
      (await errorOf(decryptText(dir, text.replace(/a: ENC\[[^\n]+/, "a: ENC[AES256_GCM,data:x]"), env)))
        .message,
    ).toMatch(/^a: malformed ENC/);
    expect(
      (await errorOf(decryptText(dir, text.replace("type:int]", "type:decimal]"), env))).message,
    ).toMatch(/^a: unknown value type "decimal"/);
  });

  it("refuses to encrypt twice, and needs recipients", async () => {
    const { dir, text } = await encrypted("a: 1\n");
    writeFileSync(join(dir, "again.yaml"), text);
    expect(
      (await errorOf(encryptFile("again.yaml", { age: ["age1x"] }, { cwd: dir, env: {} }))).message,
    ).toBe("the file is already encrypted");
    const bare = writeRepo({ "p.yaml": "a: 1\n" });
    expect((await errorOf(encryptFile("p.yaml", {}, { cwd: bare, env: {} }))).message).toMatch(
      /no \.sops\.yaml above/,
    );
  });

  it("a bad .sops.yaml and an unmatched file are errors with file and line", async () => {
    const dir = writeRepo({
      ".sops.yaml":
        "creation_rules:\n  - path_regex: ok\\.yaml$\n    age: age1abc\n  - path_regex: '(['\n    age: age1abc\n",
      "x.yaml": "a: 1\n",
    });
    const err = slipwayErrorOf(() => chooseRule(join(dir, ".sops.yaml"), join(dir, "x.yaml")));
    expect(err.message).toMatch(/creation_rules\[1\]\.path_regex is not a valid regular expression/);
    expect(err.line).toBe(4);
    const dir2 = writeRepo({
      ".sops.yaml": "creation_rules:\n  - path_regex: only\\.yaml$\n    age: age1abc\n",
      "x.yaml": "a: 1\n",
    });
    expect((await errorOf(encryptFile("x.yaml", {}, { cwd: dir2, env: {} }))).message).toMatch(
      /no creation rule in .*\.sops\.yaml matches/,
    );
  });
});

describe("secrets: .sops.yaml rules", () => {
  it("takes the first rule that matches, with comma-separated or listed recipients and key groups", () => {
    const dir = writeRepo({
      ".sops.yaml": [
        "creation_rules:",
        "  - path_regex: clusters/prod/.*\\.yaml$",
        "    age: age1aaa, age1bbb",
        "    unencrypted_suffix: _clear",
        "  - path_regex: \\.yaml$",
        "    key_groups:",
        "      - age: [age1ccc]",
        "      - age: [age1ddd, age1eee]",
        "    shamir_threshold: 2",
        "  - age: [age1fff]",
      ].join("\n"),
    });
    const cfg = join(dir, ".sops.yaml");
    expect(chooseRule(cfg, join(dir, "clusters/prod/s.yaml"))).toMatchObject({
      index: 0,
      groups: [["age1aaa", "age1bbb"]],
      rules: { unencrypted_suffix: "_clear" },
    });
    expect(chooseRule(cfg, join(dir, "clusters/dev/s.yaml"))).toMatchObject({
      index: 1,
      groups: [["age1ccc"], ["age1ddd", "age1eee"]],
      threshold: 2,
    });
    expect(chooseRule(cfg, join(dir, "notes.txt"))).toMatchObject({ index: 2, groups: [["age1fff"]] });
  });
});

describe("secrets: key groups (Shamir)", () => {
  it("split and combine: any threshold of the shares rebuild the secret (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        (secret, threshold, extra) => {
          const shares = split(secret, threshold + extra, threshold);
          expect(Array.from(combine(shares.slice(extra)))).toEqual(Array.from(secret));
          expect(Array.from(combine(shares.slice(0, threshold)))).toEqual(Array.from(secret));
        },
      ),
    );
  });

  it("a file with three key groups and threshold two opens with keys of two groups", async () => {
    const [a, b, c] = await Promise.all([newIdentity(), newIdentity(), newIdentity()]);
    const enc = await encryptDocument(
      { format: "yaml", docs: [fromPlain({ x: "y" }) as MapNode] },
      { groups: [[a.recipient], [b.recipient], [c.recipient]], threshold: 2 },
    );
    const text = writeDocument(enc);
    expect(text).toMatch(/\n {2}shamir_threshold: 2\n {2}key_groups:\n/);
    const open = (keys: string[]) => decryptDocument(readDocument(text, "yaml"), { keys, searched: [] });
    expect(toPlain((await open([a.identity, c.identity])).plain.docs[0]!)).toEqual({ x: "y" });
    expect((await errorOf(open([b.identity]))).message).toMatch(/1 of 2 key groups opened/);
  });
});

describe("secrets: commands", () => {
  it("keygen writes 0600 and never overwrites", async () => {
    const dir = writeRepo({});
    const r = await keygen("id.txt", { cwd: dir, env: {} });
    expect(r.recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(statSync(join(dir, "id.txt")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "id.txt"), "utf8")).toMatch(
      /^# created: .*\n# public key: age1.*\nAGE-SECRET-KEY-1[0-9A-Z]+\n$/,
    );
    expect((await errorOf(keygen("id.txt", { cwd: dir, env: {} }))).message).toMatch(/never overwrites/);
  });

  it("edit: text that no longer parses reopens the editor on a terminal (as sops does), and keeps the file unchanged elsewhere", async () => {
    const dir = writeRepo({ "s.yaml": "keep: same\nchange: old\n" });
    const id = await identityFile(dir);
    await encryptFile("s.yaml", { age: [id.recipient], inPlace: true }, { cwd: dir, env: {} });
    const before = readFileSync(join(dir, "s.yaml"), "utf8");
    // The editor breaks the YAML the first time and repairs it the second.
    const editor = join(dir, "editor.sh");
    writeFileSync(
      editor,
      `#!/bin/sh\nif [ -e ${dir}/once ]; then sed -i 's/^change: \\[old$/change: new/' "$1"; else touch ${dir}/once; sed -i 's/old/[old/' "$1"; fi\n`,
      { mode: 0o755 },
    );
    const env = { SOPS_AGE_KEY_FILE: id.file, EDITOR: editor, PATH: process.env.PATH };
    // Not a terminal: an error at the edited text's line, nothing written.
    const e = await errorOf(editFile("s.yaml", { cwd: dir, env }));
    expect(e.message).toMatch(
      /\(line \d+ of the edited text\); the file is unchanged and the edits were not kept$/,
    );
    expect(readFileSync(join(dir, "s.yaml"), "utf8")).toBe(before);
    // A terminal (a scripted prompt): the editor opens again and the second try is kept.
    rmSync(join(dir, "once"));
    const prompts: string[] = [];
    const r = await editFile("s.yaml", {
      cwd: dir,
      env,
      interactive: { prompt: async (text) => void prompts.push(text) },
    });
    expect(r.changed).toBe(true);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain("Press Enter to return to the editor");
    expect(await decryptFile("s.yaml", {}, { cwd: dir, env })).toBe("keep: same\nchange: new\n");
  });

  it("edit with a scripted $EDITOR: unchanged values keep their ciphertext, the plaintext never stays on disk", async () => {
    const dir = writeRepo({ "s.yaml": "keep: same\nchange: old\n" });
    const id = await identityFile(dir);
    await encryptFile("s.yaml", { age: [id.recipient], inPlace: true }, { cwd: dir, env: {} });
    const before = readFileSync(join(dir, "s.yaml"), "utf8");
    const editor = join(dir, "editor.sh");
    writeFileSync(editor, `#!/bin/sh\necho "$1" > ${dir}/seen-path\nsed -i 's/old/new/' "$1"\n`, {
      mode: 0o755,
    });
    const env = { SOPS_AGE_KEY_FILE: id.file, EDITOR: editor, PATH: process.env.PATH };
    expect(await editFile("s.yaml", { cwd: dir, env })).toMatchObject({ changed: true });
    const after = readFileSync(join(dir, "s.yaml"), "utf8");
    const line = (t: string, k: string) => new RegExp(`^${k}: (.*)$`, "m").exec(t)![1];
    expect(line(after, "keep")).toBe(line(before, "keep"));
    expect(line(after, "change")).not.toBe(line(before, "change"));
    expect(await decryptFile("s.yaml", {}, { cwd: dir, env })).toBe("keep: same\nchange: new\n");
    const tempPath = readFileSync(join(dir, "seen-path"), "utf8").trim();
    // Memory-backed /dev/shm where there is one, else the temp folder.
    expect(tempPath.startsWith(existsSync("/dev/shm") ? "/dev/shm/slipway-edit-" : tmpdir())).toBe(true);
    expect(existsSync(tempPath)).toBe(false);
    writeFileSync(editor, "#!/bin/sh\ntrue\n");
    expect(await editFile("s.yaml", { cwd: dir, env })).toMatchObject({ changed: false });
    expect(readFileSync(join(dir, "s.yaml"), "utf8")).toBe(after);
    writeFileSync(editor, "#!/bin/sh\nexit 3\n");
    expect((await errorOf(editFile("s.yaml", { cwd: dir, env }))).message).toMatch(
      /exited with 3; the file is unchanged/,
    );
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith("slipway-edit-"))).toEqual([]);
  });

  it("updatekeys follows the creation rule with the same data key; rotate changes it", async () => {
    const dir = writeRepo({ "s.yaml": "a: secret\n" });
    const one = await identityFile(dir, "one.txt");
    const two = await identityFile(dir, "two.txt");
    writeFileSync(join(dir, ".sops.yaml"), `creation_rules:\n  - age: ${one.recipient}\n`);
    await encryptFile("s.yaml", { inPlace: true }, { cwd: dir, env: {} });
    const v1 = /^a: (.*)$/m.exec(readFileSync(join(dir, "s.yaml"), "utf8"))![1];
    writeFileSync(join(dir, ".sops.yaml"), `creation_rules:\n  - age: ${one.recipient},${two.recipient}\n`);
    await updateKeys(["s.yaml"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: one.file } });
    const updated = readFileSync(join(dir, "s.yaml"), "utf8");
    expect(/^a: (.*)$/m.exec(updated)![1]).toBe(v1);
    expect(await decryptFile("s.yaml", {}, { cwd: dir, env: { SOPS_AGE_KEY_FILE: two.file } })).toBe(
      "a: secret\n",
    );
    await rotate(["s.yaml"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: two.file } });
    expect(/^a: (.*)$/m.exec(readFileSync(join(dir, "s.yaml"), "utf8"))![1]).not.toBe(v1);
    expect(await decryptFile("s.yaml", {}, { cwd: dir, env: { SOPS_AGE_KEY_FILE: one.file } })).toBe(
      "a: secret\n",
    );
  });

  it("check finds a planted plaintext Secret, an unencrypted covered file and a broken MAC", async () => {
    const dir = writeRepo({
      "apps/ok.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n",
      "apps/leak.yaml":
        "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: hunter2\n",
      "secrets/plain.enc.yaml": "token: abc\n",
      "secrets/good.enc.yaml": "token: abc\n",
    });
    const id = await identityFile(dir);
    writeFileSync(
      join(dir, ".sops.yaml"),
      `creation_rules:\n  - path_regex: secrets/.*\\.enc\\.yaml$\n    age: ${id.recipient}\n`,
    );
    await encryptFile("secrets/good.enc.yaml", { inPlace: true }, { cwd: dir, env: {} });
    const good = readFileSync(join(dir, "secrets/good.enc.yaml"), "utf8");
    writeFileSync(
      join(dir, "secrets/broken.enc.yaml"),
      good.replace(/\n {2}lastmodified: "[^"]+"/, '\n  lastmodified: "2020-01-01T00:00:00Z"'),
    );
    const findings = await check(["."], { cwd: dir, env: { SOPS_AGE_KEY_FILE: id.file } });
    const summary = findings
      .map((f) => `${f.rule} ${f.file.slice(dir.length + 1)}${f.line ? `:${f.line}` : ""}`)
      .sort();
    expect(summary).toEqual([
      "mac secrets/broken.enc.yaml",
      "not-encrypted secrets/plain.enc.yaml",
      "plaintext-secret apps/leak.yaml:8",
    ]);
    expect(findings.map((f) => f.message).join(" ")).not.toMatch(/hunter2|abc/);
  });
});

describe("secrets: the fast YAML reader", () => {
  it("reads what the full parser reads, or declines (property)", async () => {
    const { parseYamlFast } = await import("../src/secrets/formats/yaml-fast.js");
    const { parseYamlDocsSlow } = await import("../src/secrets/formats/yaml-format.js");
    const { stringify } = await import("yaml");
    const value = yamlValue();
    let used = 0;
    fc.assert(
      fc.property(fc.dictionary(yamlKey(), value, { maxKeys: 4, noNullPrototype: true }), (doc) => {
        const text = stringify(doc);
        const fast = parseYamlFast(text);
        if (fast) {
          used++;
          expect(fast).toEqual(parseYamlDocsSlow(text, "x.yaml"));
        }
      }),
      { numRuns: 300 },
    );
    expect(used).toBeGreaterThan(100);
    expect(parseYamlFast("# a comment\na: 1\n")).toBeUndefined();
    expect(parseYamlFast("10: a\nb: c\n")).toBeUndefined();
  });
});

describe("secrets: the fast YAML writer", () => {
  // Characters that decide quoting: indicators, digits and the letters of numbers, null and booleans.
  const tricky = fc.string({
    unit: fc.constantFrom(..."aeflnortuxAEFNTX019_-.:/=+,[]@#~ '\"\n\té".split("")),
    maxLength: 8,
  });
  // Mostly strings the fast path takes (so it is exercised), some that decide quoting, some anything.
  const text = fc.oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_/.=][a-zA-Z0-9_/.=+,:@-]{0,7}$/) },
    { weight: 2, arbitrary: tricky },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constantFrom("true", "null", "1e5", ".inf", "0x1F", "1.2.3", "", "a:", "x-") },
  );
  const scalarOf = <T extends Scalar["type"], V>(type: T, values: fc.Arbitrary<V>) =>
    values.map((value) => ({ kind: "scalar" as const, type, value }) as Scalar);
  const scalar: fc.Arbitrary<Scalar> = fc.oneof(
    { weight: 10, arbitrary: scalarOf("str", text) },
    {
      weight: 1,
      arbitrary: scalarOf("str", fc.constantFrom("2026-12-01T05:00:00Z", "2026-12-01", "2026-12-01 x")),
    },
    { weight: 3, arbitrary: scalarOf("int", fc.oneof(fc.integer(), fc.constant(-0), fc.constant(2 ** 60))) },
    { weight: 1, arbitrary: scalarOf("float", fc.double({ noNaN: true })) },
    { weight: 2, arbitrary: scalarOf("bool", fc.boolean()) },
    { weight: 1, arbitrary: scalarOf("null", fc.constant(null)) },
  );
  const comment = fc.constant({ kind: "comment" as const, text: " note" });
  const { node } = fc.letrec<{ node: Node; map: MapNode; seq: SeqNode }>((tie) => ({
    node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("map"), tie("seq")),
    map: fc
      .array(
        fc.oneof(
          {
            weight: 12,
            arbitrary: fc.record({ kind: fc.constant("pair" as const), key: text, value: tie("node") }),
          },
          { weight: 1, arbitrary: comment },
        ),
        { maxLength: 4 },
      )
      .map((items) => ({ kind: "map" as const, items: uniqueKeys(items) })),
    seq: fc
      .array(fc.oneof({ weight: 12, arbitrary: tie("node") }, { weight: 1, arbitrary: comment }), {
        maxLength: 3,
      })
      .map((items) => ({ kind: "seq" as const, items })),
  }));
  const root = node.filter((n): n is MapNode => n.kind === "map");

  it("writes what the yaml library writes, or declines (property)", async () => {
    const { emitYamlFast } = await import("../src/secrets/formats/yaml-fast.js");
    const { emitYamlDocsSlow } = await import("../src/secrets/formats/yaml-format.js");
    let used = 0;
    fc.assert(
      fc.property(fc.array(root, { minLength: 1, maxLength: 2 }), (docs) => {
        const fast = emitYamlFast(docs);
        if (fast === undefined) return;
        if (docs.some((d) => d.items.length > 0)) used++;
        expect(fast).toBe(emitYamlDocsSlow(docs));
      }),
      { numRuns: 2000 },
    );
    expect(used).toBeGreaterThan(100);
  });

  it("takes a decrypted file of plain values, and leaves comments and floats to the library", async () => {
    const { emitYamlFast } = await import("../src/secrets/formats/yaml-fast.js");
    const doc = readDocument("db:\n  user: app\n  password: hunter2\n  port: 5432\nlist:\n  - a\n", "yaml");
    expect(emitYamlFast(doc.docs)).toBe(
      "db:\n  user: app\n  password: hunter2\n  port: 5432\nlist:\n  - a\n",
    );
    expect(emitYamlFast(readDocument("# c\na: 1\n", "yaml").docs)).toBeUndefined();
    expect(emitYamlFast(readDocument("a: 1.5\n", "yaml").docs)).toBeUndefined();
  });
});

/** Pairs with distinct keys (a YAML map cannot repeat one). */
function uniqueKeys<T extends { kind: string; key?: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => i.kind !== "pair" || (!seen.has(i.key!) && seen.add(i.key!)));
}
