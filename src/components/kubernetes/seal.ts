import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { SlipwayError } from "../../core/errors.js";
import { findIdentities, NoKeyError } from "../../secrets/keys.js";
import { chooseRule, findSopsConfig } from "../../secrets/sops-config.js";
import { decryptDocument, encryptDocument, readDocument, writeDocument } from "../../secrets/sops-file.js";

export interface SealOptions {
  /** Where the tree is (or will be) written: `.sops.yaml` is looked for from there. */
  outDir: string;
  env: Record<string, string | undefined>;
  stack: string;
}

/**
 * Encrypts every `*.sops.yaml` file of a rendered tree with the repository's `.sops.yaml`, so no plaintext
 * Secret ever lands in the tree. A file already on disk that decrypts to the same content is kept byte for
 * byte (its IVs and data key unchanged), so rendering twice changes nothing. Without an identity to open
 * it, an existing file is kept as it is and reported in `unverified`.
 */
export async function sealSecrets(
  files: Map<string, string>,
  opts: SealOptions,
): Promise<{ files: Map<string, string>; unverified: string[] }> {
  const out = new Map(files);
  const unverified: string[] = [];
  const ids = findIdentities(opts.env);
  for (const [path, text] of files) {
    if (!path.endsWith(".sops.yaml")) continue;
    const abs = join(opts.outDir, path);
    const wanted = writeDocument(readDocument(text, "yaml", abs));
    if (existsSync(abs)) {
      const existing = readFileSync(abs, "utf8");
      try {
        const { plain } = await decryptDocument(readDocument(existing, "yaml", abs), ids, abs);
        if (writeDocument(plain) === wanted) {
          out.set(path, existing);
          continue;
        }
      } catch (e) {
        if (e instanceof NoKeyError) {
          out.set(path, existing);
          unverified.push(path);
          continue;
        }
      }
    }
    const config = findSopsConfig(dirname(abs));
    const rule = config ? chooseRule(config, abs) : undefined;
    if (!rule) {
      throw new SlipwayError({
        code: "config",
        message: `stack "${opts.stack}" renders a Secret to ${relative(process.cwd(), abs) || abs}, but ${config ? `no creation rule in ${config} matches it` : "there is no .sops.yaml above it"}`,
        file: config,
        hint: "add a creation rule with your age recipients (e.g. path_regex: \\.sops\\.yaml$) so slipway can encrypt it; it never writes a plaintext Secret",
      });
    }
    // Flux and kustomize must read apiVersion, kind and metadata: without a rule of its own, only data is encrypted.
    const hasRule = ["unencrypted_suffix", "encrypted_suffix", "unencrypted_regex", "encrypted_regex"].some(
      (k) => (rule.rules as Record<string, unknown>)[k],
    );
    const rules = hasRule ? rule.rules : { ...rule.rules, encrypted_regex: "^(data|stringData)$" };
    out.set(
      path,
      writeDocument(
        await encryptDocument(
          readDocument(text, "yaml", abs),
          { groups: rule.groups, threshold: rule.threshold, rules },
          abs,
        ),
      ),
    );
  }
  return { files: out, unverified };
}
