import { defineCommand, type CommandDef, type FlagDef } from "../command.js";

/** sops's store flags: which of yaml, json, dotenv, binary to read and write (else the file's extension). */
const TYPE_FLAGS = {
  "input-type": {
    type: "string",
    description: "Read the input as yaml, json, dotenv or binary (else its extension says; `-` has none)",
    value: "TYPE",
  },
  "output-type": {
    type: "string",
    description: "Write yaml, json, dotenv or binary (else the input's extension says, as in sops)",
    value: "TYPE",
  },
} as const satisfies Record<string, FlagDef>;

const FILENAME_OVERRIDE = {
  "filename-override": {
    type: "string",
    description: "The name whose extension and creation rule count (for stdin, `-`)",
    value: "NAME",
  },
} as const satisfies Record<string, FlagDef>;

const STDIN_FILE = "The file; `-` (or /dev/stdin) reads standard input";

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
    args: [{ name: "file", description: STDIN_FILE, required: true }],
    flags: {
      ...TYPE_FLAGS,
      ...FILENAME_OVERRIDE,
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
    examples: [
      "slipway secrets encrypt -i clusters/pve-prod/secrets/k3s-token.yaml",
      "printf 'token: x\\n' | slipway secrets encrypt --input-type yaml --output-type yaml --age age1… -",
    ],
    load: async () => (await import("../secrets.js")).encryptCommand,
  }),
  defineCommand({
    words: ["secrets", "decrypt"],
    summary: "Decrypt a SOPS file (MAC verified) to stdout, in place, or one value with --extract",
    args: [{ name: "file", description: STDIN_FILE, required: true }],
    flags: {
      ...TYPE_FLAGS,
      ...FILENAME_OVERRIDE,
      "in-place": { type: "boolean", short: "i", description: "Write the plaintext over the file" },
      extract: { type: "string", description: `One value, sops-style: '["key"]["nested"]'`, value: "PATH" },
    },
    examples: [
      "slipway secrets decrypt --output-type json clusters/pve-prod/k3s-token.yaml",
      "cat s.yaml | slipway secrets decrypt --input-type yaml --output-type yaml -",
    ],
    load: async () => (await import("../secrets.js")).decryptCommand,
  }),
  defineCommand({
    words: ["secrets", "edit"],
    summary: "Edit an encrypted file in $EDITOR; unchanged values keep their ciphertext",
    description:
      "The plaintext lives only in a private 0700 temporary folder (on /dev/shm where there is one), removed on every exit path (Ctrl-C included). The file is rewritten only when the content changed, and then only the changed values, `mac` and `lastmodified` change: the key blocks stay byte for byte.",
    args: [{ name: "file", description: "The encrypted file", required: true }],
    load: async () => (await import("../secrets.js")).editCommand,
  }),
  defineCommand({
    words: ["secrets", "set"],
    summary:
      "Set one value of an encrypted file, as `sops set`: only that value, `mac` and `lastmodified` change",
    description:
      "VALUE is JSON: a string needs its quotes ('\"text\"'), maps and lists keep their key order. A missing key is added at the end of its map, an index past a list's end appends. The file is rewritten in place.",
    args: [
      { name: "file", description: "The encrypted file", required: true },
      {
        name: "index",
        description: `The path, sops-style: '["key"]["nested"]' or '["list"][0]'`,
        required: true,
      },
      { name: "value", description: "The JSON value (or, with --value-file, the file holding it)" },
    ],
    flags: {
      ...TYPE_FLAGS,
      "value-file": {
        type: "boolean",
        description: "VALUE names a file holding the JSON value (keeps it out of process listings)",
      },
      "value-stdin": {
        type: "boolean",
        description: "Read the JSON value from stdin; no VALUE argument (keeps it out of process listings)",
      },
      idempotent: { type: "boolean", description: "Write nothing when the value is already the same" },
    },
    examples: [
      `slipway secrets set clusters/pve-prod/k3s-token.yaml '["stringData"]["token"]' '"s3cr3t"'`,
      `printf '"s3cr3t"' | slipway secrets set --value-stdin k3s-token.yaml '["stringData"]["token"]'`,
    ],
    load: async () => (await import("../secrets.js")).setCommand,
  }),
  defineCommand({
    words: ["secrets", "unset"],
    summary: "Remove one value (and its key) from an encrypted file, as `sops unset`",
    args: [
      { name: "file", description: "The encrypted file", required: true },
      {
        name: "index",
        description: `The path, sops-style: '["key"]["nested"]' or '["list"][0]'`,
        required: true,
      },
    ],
    flags: {
      ...TYPE_FLAGS,
      idempotent: { type: "boolean", description: "A missing value is no error (nothing is written)" },
    },
    load: async () => (await import("../secrets.js")).unsetCommand,
  }),
  defineCommand({
    words: ["secrets", "filestatus"],
    summary: 'Print {"encrypted":true} or {"encrypted":false}, as `sops filestatus`',
    args: [{ name: "file", description: STDIN_FILE, required: true }],
    flags: { "input-type": TYPE_FLAGS["input-type"] },
    load: async () => (await import("../secrets.js")).fileStatusCommand,
  }),
  defineCommand({
    words: ["secrets", "exec-env"],
    summary: "Run a command with the file's top-level values in its environment, as `sops exec-env`",
    description:
      "COMMAND runs in /bin/sh; slipway exits with its exit code. The plaintext is never written anywhere. Nested values are refused.",
    args: [
      { name: "file", description: STDIN_FILE, required: true },
      { name: "command", description: "The command line, one argument (quote it)", required: true },
    ],
    flags: {
      "input-type": TYPE_FLAGS["input-type"],
      pristine: {
        type: "boolean",
        description: "Only the decrypted values in the environment (no PATH, HOME … from slipway's)",
      },
    },
    examples: [`slipway secrets exec-env secrets.env 'psql "$DATABASE_URL"'`],
    load: async () => (await import("../secrets.js")).execEnvCommand,
  }),
  defineCommand({
    words: ["secrets", "exec-file"],
    summary: "Run a command with {} replaced by a temporary plaintext file, as `sops exec-file`",
    description:
      "The file (mode 0600) is in a private 0700 folder on /dev/shm where there is one, else in the temp folder, and is removed when the command ends (Ctrl-C, SIGTERM, SIGHUP and SIGQUIT included). slipway exits with the command's exit code.",
    args: [
      { name: "file", description: STDIN_FILE, required: true },
      {
        name: "command",
        description: "The command line, one argument; {} is the plaintext file",
        required: true,
      },
    ],
    flags: {
      ...TYPE_FLAGS,
      filename: {
        type: "string",
        description: "The temporary file's name (default tmp-file)",
        value: "NAME",
      },
      "no-fifo": {
        type: "boolean",
        description: "Accepted for sops's scripts: slipway always writes a regular file, never a FIFO",
      },
    },
    examples: [
      `slipway secrets exec-file --filename kubeconfig.yaml kubeconfig.enc.yaml 'kubectl --kubeconfig {} get nodes'`,
    ],
    load: async () => (await import("../secrets.js")).execFileCommand,
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
      "For pre-commit hooks and CI: exits 1 when it finds anything. Files it cannot verify for lack of a key (no age identity fits, or the file is for PGP / cloud KMS keys only) are noted as unverified, not failed.",
    args: [{ name: "paths", description: "Files or folders (default: the current folder)", variadic: true }],
    dataOutput: true,
    load: async () => (await import("../secrets.js")).checkCommand,
  }),
];
