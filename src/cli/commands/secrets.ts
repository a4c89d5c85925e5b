import { defineCommand, type CommandDef } from "../command.js";

/** SOPS-compatible secrets with age. */
export const SECRETS_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["secrets", "keygen"],
    summary: "Make a new age identity (file mode 0600, never overwritten) and print its recipient",
    flags: {
      out: {
        type: "string",
        description: "Write the identity to this file instead of stdout",
        value: "FILE",
      },
    },
    load: async () => (await import("../secrets.js")).keygenCommand,
  }),
  defineCommand({
    words: ["secrets", "encrypt"],
    summary: "Encrypt a YAML, JSON, dotenv or binary file SOPS-compatibly with age",
    description:
      "Recipients and encryption rules come from the first matching creation rule of the nearest .sops.yaml, unless --age is given. Refuses a file that is already encrypted.",
    args: [{ name: "file", description: "The plaintext file", required: true }],
    flags: {
      "in-place": {
        type: "boolean",
        short: "i",
        description: "Replace the file (atomically) instead of printing",
      },
      age: {
        type: "string",
        description: "Age recipients, comma-separated (overrides .sops.yaml)",
        value: "R,…",
      },
    },
    examples: ["slipway secrets encrypt -i clusters/pve-prod/secrets/k3s-token.yaml"],
    load: async () => (await import("../secrets.js")).encryptCommand,
  }),
  defineCommand({
    words: ["secrets", "decrypt"],
    summary: "Decrypt a SOPS file (MAC verified) to stdout, in place, or one value with --extract",
    args: [{ name: "file", description: "The encrypted file", required: true }],
    flags: {
      "in-place": { type: "boolean", short: "i", description: "Write the plaintext over the file" },
      extract: { type: "string", description: `One value, sops-style: '["key"]["nested"]'`, value: "PATH" },
    },
    load: async () => (await import("../secrets.js")).decryptCommand,
  }),
  defineCommand({
    words: ["secrets", "edit"],
    summary: "Edit an encrypted file in $EDITOR; unchanged values keep their ciphertext",
    description:
      "The plaintext lives only in a private 0700 temporary folder, removed on every exit path (Ctrl-C included). The file is rewritten only when the content changed.",
    args: [{ name: "file", description: "The encrypted file", required: true }],
    load: async () => (await import("../secrets.js")).editCommand,
  }),
  defineCommand({
    words: ["secrets", "updatekeys"],
    summary: "Make a file's recipients match its creation rule (same data key)",
    args: [{ name: "files", description: "Encrypted files", required: true, variadic: true }],
    load: async () => (await import("../secrets.js")).updateKeysCommand,
  }),
  defineCommand({
    words: ["secrets", "rotate"],
    summary: "Re-encrypt files with a new data key for the same recipients",
    args: [{ name: "files", description: "Encrypted files", required: true, variadic: true }],
    load: async () => (await import("../secrets.js")).rotateCommand,
  }),
  defineCommand({
    words: ["secrets", "check"],
    summary:
      "Fail on plaintext Kubernetes Secrets, unencrypted files a creation rule covers, and MACs that do not verify",
    description:
      "For pre-commit hooks and CI: exits 1 when it finds anything. Files it cannot verify for lack of an identity are noted, not failed.",
    args: [{ name: "paths", description: "Files or folders (default: the current folder)", variadic: true }],
    dataOutput: true,
    load: async () => (await import("../secrets.js")).checkCommand,
  }),
];
