// `!secret` on a SOPS file (age), in Atmos's declared form (`secrets.vars` + `secrets.providers`): masked in
// every describe — as the real Atmos masks it — and decrypted only for a run, reaching tofu as TF_VAR_…
// without touching the varfile.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, writeRepo } from "./helpers.js";
import { havePeers, peer, peerEnv } from "./peers.js";

const bin = join(repoRoot, "bin", "slipway.js");
const tofuReady = havePeers("!secret with OpenTofu (test/yaml-secret.test.ts)", "tofu", "tofurc");
const atmosReady = havePeers("!secret against Atmos (test/yaml-secret.test.ts)", "atmos");

const ATMOS_YAML = `base_path: "."
components:
  terraform:
    base_path: components/terraform
    command: tofu
stacks:
  base_path: stacks
  included_paths: ["**/*"]
  name_pattern: "{stage}"
`;

const STACK = `vars:
  stage: dev
secrets:
  providers:
    dev-sops:
      kind: sops/age
      spec:
        file: secrets/{{ .atmos_stack }}.enc.yaml
terraform:
  backend_type: local
  backend:
    local:
      path: state/app.tfstate
components:
  terraform:
    app:
      secrets:
        vars:
          DB_PASSWORD:
            sops: dev-sops
          DB_CONFIG:
            sops: dev-sops
          API_KEY:
            sops: dev-sops
      vars:
        password: !secret DB_PASSWORD
        db:
          host: !secret DB_CONFIG | path .host
          port: 5432
        api_key: !secret API_KEY | default "dev-key"
`;

const APP_TF = `variable "password" { type = string }
variable "db" { type = object({ host = string, port = number }) }
variable "api_key" { type = string }
output "seen" {
  value     = "\${var.password}/\${var.db.host}:\${var.db.port}/\${var.api_key}"
  sensitive = true
}
`;

const PLAIN = "DB_PASSWORD: s3cr3t-pw\nDB_CONFIG:\n  host: db.internal\n  user: app\n";

function repo(): { dir: string; env: Record<string, string> } {
  const dir = writeRepo({
    "atmos.yaml": ATMOS_YAML,
    "stacks/dev.yaml": STACK,
    "components/terraform/app/main.tf": APP_TF,
    "secrets/dev.enc.yaml": PLAIN,
  });
  const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });
  const recipient = run(["secrets", "keygen", "--out", "key.txt"]).stdout.trim();
  const enc = run(["secrets", "encrypt", "-i", "secrets/dev.enc.yaml", "--age", recipient]);
  if (enc.status !== 0) throw new Error(enc.stderr);
  return { dir, env: { SOPS_AGE_KEY_FILE: join(dir, "key.txt"), HOME: dir, SLIPWAY_CACHE: "off" } };
}

function slipway(dir: string, env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", env: peerEnv(env) });
}

describe("!secret (SOPS)", () => {
  it("is <MASKED> in describe component and describe stacks; the plaintext appears nowhere", () => {
    const { dir, env } = repo();
    const c = slipway(dir, env, "describe", "component", "app", "-s", "dev", "--format", "json");
    expect(c.status, c.stderr).toBe(0);
    expect((JSON.parse(c.stdout) as { vars: unknown }).vars).toEqual({
      stage: "dev",
      password: "<MASKED>",
      db: { host: "<MASKED>", port: 5432 },
      api_key: "<MASKED>",
    });
    const s = slipway(dir, env, "describe", "stacks");
    expect(s.status, s.stderr).toBe(0);
    for (const out of [c.stdout, s.stdout, c.stderr, s.stderr]) {
      expect(out).not.toContain("s3cr3t-pw");
      expect(out).not.toContain("db.internal");
    }
    expect(s.stdout).toContain("password: <MASKED>");
  });

  it.runIf(atmosReady)("masks what the real Atmos masks (differential)", () => {
    const { dir, env } = repo();
    const ours = slipway(dir, env, "describe", "component", "app", "-s", "dev", "--format", "json");
    const a = spawnSync(peer("atmos"), ["describe", "component", "app", "-s", "dev", "--format", "json"], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        ...env,
        ATMOS_TELEMETRY_ENABLED: "false",
        ATMOS_VERSION_CHECK_ENABLED: "false",
      },
    });
    expect(a.status, a.stderr).toBe(0);
    expect((JSON.parse(ours.stdout) as { vars: unknown }).vars).toEqual(
      (JSON.parse(a.stdout) as { vars: unknown }).vars,
    );
  });

  it("an undeclared secret, a store-backed one and a KMS provider are errors at their place saying why", () => {
    const cases: [string, string, RegExp][] = [
      [
        "password: !secret DB_PASSWORD",
        "password: !secret NOPE",
        /secret NOPE is not declared under secrets.vars \(declared: DB_PASSWORD, DB_CONFIG, API_KEY\)/,
      ],
      [
        "DB_PASSWORD:\n            sops: dev-sops",
        "DB_PASSWORD:\n            store: ssm",
        /store-backed secrets .* are not supported, because slipway talks to no cloud secret backend/,
      ],
      [
        "kind: sops/age",
        "kind: sops/aws-kms",
        /sops\/aws-kms: not supported, because slipway's SOPS codec decrypts with age keys only/,
      ],
    ];
    for (const [from, to, message] of cases) {
      const { dir, env } = repo();
      writeFileSync(join(dir, "stacks/dev.yaml"), STACK.replace(from, to));
      const r = slipway(dir, env, "describe", "component", "app", "-s", "dev");
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/stacks\/dev\.yaml:\d+:\d+: error: !secret in vars\./);
      expect(r.stderr).toMatch(message);
    }
  });

  it.runIf(tofuReady)("a run decrypts it for tofu (as TF_VAR_…); the varfile never holds it", () => {
    const { dir, env } = repo();
    const r = slipway(dir, env, "terraform", "deploy", "app", "-s", "dev");
    expect(r.status, r.stderr).toBe(0);
    const module = join(dir, "components/terraform/app");
    const out = spawnSync(peer("tofu"), ["output", "-raw", "seen"], {
      cwd: module,
      encoding: "utf8",
      env: peerEnv(),
    });
    expect(out.stdout).toBe("s3cr3t-pw/db.internal:5432/dev-key");
    const varfiles = readdirSync(module).filter((f) => f.endsWith(".tfvars.json"));
    expect(varfiles).toEqual(["dev-app.terraform.tfvars.json"]);
    const varfile = readFileSync(join(module, varfiles[0]!), "utf8");
    expect(JSON.parse(varfile)).toEqual({ stage: "dev" });
    // The output is sensitive, so tofu does not print it; nor does slipway, anywhere.
    expect(r.stdout + r.stderr).not.toContain("s3cr3t-pw");
  });
});
