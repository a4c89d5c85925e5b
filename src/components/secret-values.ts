// `!secret NAME [| path <expr>] [| default <value>]`, Atmos's declared secrets on a SOPS file: the name is
// declared under the component's `secrets.vars` with the SOPS provider (`secrets.providers.<name>`: kind
// sops/age, spec.file a template of the file's path) that holds it under its name. Resolving gives a
// SecretValue — masked in every output; decrypted (with slipway's own SOPS codec) only when a run needs it.
import { resolve } from "node:path";
import type { StackEngine } from "../stack/engine.js";
import { unquote } from "../stack/function-args.js";
import type { Json, ResolvedComponent } from "../stack/types.js";
import { evaluatePath } from "../yaml/yq-path.js";
import { isMap, SecretValue } from "../yaml/markers.js";

/** Resolves `!secret` to SecretValues; each file is decrypted at most once per run. */
export class SecretReader {
  private readonly files = new Map<string, Promise<Json>>();

  constructor(
    private readonly engine: StackEngine,
    private readonly env: Record<string, string | undefined>,
    private readonly cwd: string,
  ) {}

  read(arg: string, c: ResolvedComponent): SecretValue {
    const { name, path, fallback } = parseSecretArg(arg);
    const section = isMap(c.secrets) ? c.secrets : {};
    const decl = isMap(section.vars) ? section.vars[name] : undefined;
    const declared = isMap(section.vars) ? Object.keys(section.vars) : [];
    if (!isMap(decl))
      throw new Error(
        `secret ${name} is not declared under secrets.vars${declared.length ? ` (declared: ${declared.join(", ")})` : ""}`,
      );
    if (decl.store !== undefined)
      throw new Error(
        `secret ${name} names store "${String(decl.store)}": store-backed secrets (SSM, Secrets Manager, Vault, 1Password…) are not supported, because slipway talks to no cloud secret backend; keep the secret in a SOPS file (sops: <provider>)`,
      );
    const providerName = typeof decl.sops === "string" ? decl.sops : undefined;
    if (!providerName) throw new Error(`secret ${name} names no backend: add sops: <provider>`);
    const providers = isMap(section.providers) ? section.providers : {};
    const provider = providers[providerName];
    if (!isMap(provider))
      throw new Error(
        `secret ${name}: SOPS provider "${providerName}" is not declared under secrets.providers${Object.keys(providers).length ? ` (declared: ${Object.keys(providers).join(", ")})` : ""}`,
      );
    const kind = String(provider.kind ?? "sops/age");
    if (kind !== "sops/age")
      throw new Error(
        `provider "${providerName}" is ${kind}: not supported, because slipway's SOPS codec decrypts with age keys only (no cloud KMS, no GPG)`,
      );
    const spec = isMap(provider.spec) ? provider.spec : {};
    if (typeof spec.file !== "string") throw new Error(`provider "${providerName}" needs spec.file`);
    const file = resolve(
      this.cwd,
      this.engine.loader
        .template(spec.file)
        .execute({ atmos_stack: c.atmos_stack, atmos_component: c.atmos_component }),
    );
    return new SecretValue(name, async () => {
      const doc = await this.decrypted(file);
      let value: unknown = doc[name];
      if (value !== undefined && path) value = evaluatePath(value, path);
      if (value === undefined || value === null) {
        if (fallback !== undefined) return fallback;
        throw new Error(`secret ${name} is not in ${file}${path ? ` at ${path}` : ""}`);
      }
      return value;
    });
  }

  private decrypted(file: string): Promise<Json> {
    let p = this.files.get(file);
    if (!p) {
      // The SOPS codec loads only when a run needs a secret: every command opens the stacks.
      p = import("../secrets/operations.js")
        .then(({ decryptFile }) =>
          decryptFile(file, { outputType: "json" }, { cwd: this.cwd, env: this.env }),
        )
        .then((text) => JSON.parse(String(text)) as Json);
      this.files.set(file, p);
    }
    return p;
  }
}

/** `NAME | path .a.b | default "x"`. */
export function parseSecretArg(arg: string): { name: string; path?: string; fallback?: string } {
  const [head = "", ...mods] = arg.split("|").map((s) => s.trim());
  if (!/^\S+$/.test(head))
    throw new Error("needs one secret name: `!secret NAME [| path <expr>] [| default <value>]`");
  const out: { name: string; path?: string; fallback?: string } = { name: head };
  for (const m of mods) {
    const [, word, rest] = /^(\w+)\s+([\s\S]+)$/.exec(m) ?? [];
    if (word === "path") out.path = unquote(rest!);
    else if (word === "default") out.fallback = unquote(rest!);
    else throw new Error(`unknown modifier "${m}": use | path <expr> or | default <value>`);
  }
  return out;
}

/** `value` with every SecretValue in it decrypted. */
export async function revealSecrets(value: unknown): Promise<unknown> {
  if (value instanceof SecretValue) return value.reveal();
  if (Array.isArray(value)) return Promise.all(value.map(revealSecrets));
  if (isMap(value)) {
    const out: Json = {};
    for (const k of Object.keys(value)) out[k] = await revealSecrets(value[k]);
    return out;
  }
  return value;
}

/** True when `value` holds a SecretValue anywhere. */
export function holdsSecrets(value: unknown): boolean {
  if (value instanceof SecretValue) return true;
  if (Array.isArray(value)) return value.some(holdsSecrets);
  if (isMap(value)) return Object.values(value).some(holdsSecrets);
  return false;
}
