// Interop with files the sops tool wrote (test/fixtures/sops, copied from shared/fixtures/sops with their keys).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decryptDocument, readDocument, type SecretsFormat } from "../src/secrets/sops-file.js";
import { toPlain, type MapNode, type Node } from "../src/secrets/tree.js";
import { fixture } from "./helpers.js";

const read = (f: string) => readFileSync(fixture("sops", f), "utf8");
const keys = (f: string) => ({
  keys: read(f)
    .split("\n")
    .filter((l) => l.startsWith("AGE-SECRET-KEY-")),
  searched: ["test"],
});

async function open(file: string, format: SecretsFormat, keyFile: string): Promise<MapNode> {
  const { plain } = await decryptDocument(readDocument(read(file), format, file), keys(keyFile), file);
  return plain.docs[0]!;
}

/** path → [type, value] for every scalar, and the comments with their map path. */
function flat(
  n: Node,
  path: string[] = [],
  out: Record<string, [string, unknown]> = {},
  comments: [string, string][] = [],
) {
  if (n.kind === "scalar") out[path.join(":")] = [n.type, n.value];
  else if (n.kind === "seq")
    n.items.forEach((i, idx) =>
      i.kind === "comment"
        ? comments.push([path.join(":") + ":", i.text])
        : flat(i, [...path, String(idx)], out, comments),
    );
  else
    n.items.forEach((i) =>
      i.kind === "comment"
        ? comments.push([path.join(":") + ":", i.text])
        : flat(i.value, [...path, i.key], out, comments),
    );
  return { out, comments };
}

describe("files written by sops decrypt, verify and match", () => {
  it("age-3.7.1-example.yaml: values, types, clear fields and encrypted comments", async () => {
    for (const key of [0, 1]) {
      const one = { keys: [keys("age-keys.txt").keys[key]!], searched: [] };
      const { plain } = await decryptDocument(readDocument(read("age-3.7.1-example.yaml"), "yaml"), one);
      const { out, comments } = flat(plain.docs[0]!);
      expect(out["myapp1"]).toEqual(["str", "t00m4nys3cr3tzupdated"]);
      expect(out["app2:db:user"]).toEqual(["str", "eve"]);
      expect(out["app2:db:password"]).toEqual(["str", "c4r1b0u"]);
      expect(out["app2:key"]![0]).toBe("str");
      expect(String(out["app2:key"]![1])).toMatch(
        /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+-----END RSA PRIVATE KEY-----\n?$/,
      );
      expect(out["number"]).toEqual(["float", 1234568000]);
      expect(["an_array:0", "an_array:1", "an_array:3"].map((p) => out[p])).toEqual([
        ["str", "secretuser1"],
        ["str", "secretuser2"],
        ["str", "some other value"],
      ]);
      expect(out["an_array:2"]![0]).toBe("str");
      expect([out["somebooleans:0"], out["somebooleans:1"]]).toEqual([
        ["bool", true],
        ["bool", false],
      ]);
      expect(out["this:is:a:nested:value"]).toEqual(["str", "with something secret in it"]);
      expect(out["somelist_unencrypted:0"]).toEqual(["str", "all elements of this list"]);
      expect(out["nested_unencrypted:this:is:all"]).toEqual(["str", "going to remain in clear text"]);
      expect(comments).toEqual([
        ["app2:db:", " private key for secret operations in app2"],
        ["this:is:a:nested:", " sops supports unencrypted fields"],
        ["this:is:a:nested:", " by adding the `_unencrypted` suffix"],
        ["this:is:a:nested:", " to any key"],
      ]);
    }
  });

  it("age-3.7.1-example.json: order kept, numbers as float, empty values left empty", async () => {
    const doc = await open("age-3.7.1-example.json", "json", "age-keys.txt");
    expect(toPlain(doc)).toEqual({
      firstName: "John",
      lastName: "Smith",
      age: 25.4,
      address: { city: "New York", postalCode: "10021-3100", state: "NY", streetAddress: "21 2nd Street" },
      phoneNumbers: [
        { number: "212 555-1234", type: "home" },
        { number: "646 555-4567", type: "office" },
      ],
      anEmptyValue: "",
    });
    expect(flat(doc).out["age"]![0]).toBe("float");
  });

  it("age-3.7.1-example.txt: the binary store's data", async () => {
    const doc = await open("age-3.7.1-example.txt", "binary", "age-keys.txt");
    expect(String(toPlain(doc) && (toPlain(doc) as { data: string }).data)).toMatch(/^Welcome to SOPS!\n/);
    expect(doc.items.map((i) => (i.kind === "pair" ? i.key : "#"))).toEqual(["data"]);
  });

  const expected = JSON.parse(read("sops-age-secret.json")) as Record<string, unknown>;

  it("sops-age-secret.enc.yaml (3.8.1): the expected values; int stays int", async () => {
    const doc = await open("sops-age-secret.enc.yaml", "yaml", "sops-age-key.txt");
    const { "0word": _skip, ...rest } = expected;
    expect(toPlain(doc)).toEqual(rest);
    expect(flat(doc).out["int"]![0]).toBe("int");
    expect(flat(doc).out["float"]).toEqual(["float", 3.14]);
  });

  it("sops-age-secret.enc.json (3.9.2): the expected values in file order, every number a float", async () => {
    const doc = await open("sops-age-secret.enc.json", "json", "sops-age-key.txt");
    expect(toPlain(doc)).toEqual(expected);
    expect(doc.items.map((i) => (i.kind === "pair" ? i.key : "#"))).toEqual([
      "secret",
      "string",
      "int",
      "float",
      "boolean",
      "0word",
      "complex",
    ]);
    expect(flat(doc).out["int"]).toEqual(["float", 7]);
  });

  it("sops-age-secret.enc.env (3.8.1 dotenv)", async () => {
    const doc = await open("sops-age-secret.enc.env", "dotenv", "sops-age-key.txt");
    expect(toPlain(doc)).toEqual({ secret: expected.secret, another_secret: "7" });
  });
});
