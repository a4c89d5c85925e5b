import { createHash } from "node:crypto";
import { SlipwayError } from "../core/errors.js";
import { decryptValue, encryptValue, isEncrypted, plainBytes, valueError, ValueError } from "./cipher.js";
import type { RuleCheck } from "./rules.js";
import type { Comment, Node, Scalar } from "./tree.js";

/** What the walk hands each leaf: the keys on its path, its AAD, and whether the rules encrypt it. */
type Leaf = (value: Scalar | Comment, path: string[], aad: string) => Scalar | Comment;

/** AAD as sops builds it: the mapping keys of the path joined with `:`, plus a trailing `:`. */
const aadOf = (path: string[]) => path.join(":") + ":";

function walk(node: Node, path: string[], leaf: Leaf): Node {
  if (node.kind === "scalar") return leaf(node, path, aadOf(path)) as Scalar;
  if (node.kind === "seq") {
    return {
      kind: "seq",
      items: node.items.map((i) =>
        i.kind === "comment" ? leaf(i, path, aadOf(path)) : walk(i, path, leaf),
      ) as (Node | Comment)[],
    };
  }
  return {
    kind: "map",
    items: node.items.map((i) =>
      i.kind === "comment"
        ? (leaf(i, path, aadOf(path)) as Comment)
        : { ...i, value: walk(i.value, [...path, i.key], leaf) },
    ),
  };
}

/** Old ciphertexts by AAD, type and plaintext: `edit` keeps the ciphertext (and IV) of values it did not change. */
export type Reuse = Map<string, string[]>;

const reuseKey = (aad: string, v: Scalar | Comment) =>
  `${aad}\0${v.kind === "comment" ? "comment" : v.type}\0${plainBytes(v).toString("base64")}`;

// sops starts a mac_only_encrypted MAC with sha256("sops"), so it never equals the MAC of the same values
// without the setting.
const MAC_ONLY_ENCRYPTED_START = createHash("sha256").update("sops").digest();

/** The MAC's hash, seeded as sops seeds it for the rules. */
function macHash(rules: RuleCheck) {
  const hash = createHash("sha512");
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_START);
  return hash;
}

/** Encrypts every value the rules select; returns the new documents and the MAC (upper-case hex) over all values. */
export function encryptDocs(
  docs: Node[],
  key: Uint8Array,
  rules: RuleCheck,
  reuse?: Reuse,
): { docs: Node[]; mac: string } {
  const hash = macHash(rules);
  const out = docs.map((doc) =>
    walk(doc, [], (v, path, aad) => {
      const on = rules.encrypts(path);
      if (v.kind === "scalar") {
        if (isEncrypted(v.value))
          throw new SlipwayError({
            code: "validation",
            message: `${path.join(".")}: already encrypted`,
            hint: "decrypt the file first; slipway does not encrypt a value twice",
          });
        if (!rules.macOnlyEncrypted || on) hash.update(plainBytes(v));
        // Empty strings and nulls stay as they are, as sops leaves them.
        if (!on || v.type === "null" || v.value === "") return v;
      } else if (!on || v.text === "") return v; // sops leaves an empty comment (`#`) as it is, too
      const enc = reuse?.get(reuseKey(aad, v))?.shift() ?? encryptValue(v, key, aad);
      // An encrypted comment stays a comment: `#ENC[…,type:comment]`.
      return v.kind === "comment"
        ? ({ kind: "comment", text: enc } satisfies Comment)
        : ({ kind: "scalar", type: "str", value: enc } satisfies Scalar);
    }),
  );
  return { docs: out, mac: hash.digest("hex").toUpperCase() };
}

/** Decrypts every encrypted value; returns the documents and the MAC recomputed over the plaintext. */
export function decryptDocs(
  docs: Node[],
  key: Uint8Array,
  rules: RuleCheck,
  file?: string,
  reuse?: Reuse,
): { docs: Node[]; mac: string } {
  const hash = macHash(rules);
  const out = docs.map((doc) =>
    walk(doc, [], (v, path, aad) => {
      const on = rules.encrypts(path);
      let plain: Scalar | Comment = v;
      const raw = v.kind === "comment" ? v.text : v.value;
      if (on && isEncrypted(raw)) {
        try {
          plain = decryptValue(raw as string, key, aad);
          if (reuse) {
            const k = reuseKey(aad, plain);
            reuse.set(k, [...(reuse.get(k) ?? []), raw as string]);
          }
        } catch (e) {
          if (e instanceof ValueError) throw valueError(file, path.join("."), e);
          throw e;
        }
      }
      if (plain.kind === "scalar" && (!rules.macOnlyEncrypted || on)) hash.update(plainBytes(plain));
      return plain;
    }),
  );
  return { docs: out, mac: hash.digest("hex").toUpperCase() };
}
