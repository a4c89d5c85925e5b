// One judgement of "this value holds no secret", shared by `validate manifests` and `secrets check`.
import { describe, expect, it } from "vitest";
import { isNotASecret } from "../src/core/not-a-secret.js";
import { validateManifests } from "../src/manifests/validate.js";
import { check } from "../src/secrets/operations.js";
import { writeRepo } from "./helpers.js";

const NOT_SECRETS = [
  "",
  "ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]",
  "op://vault/item/password",
  "ref+vault://secret/db#pass",
  "ref+awssecrets://db/pass",
  "<path:secret/data/db#pass>",
  "${DB_PASSWORD}",
  " ${DB_PASSWORD} ",
  "${DB_PASSWORD:-changeme}",
  "${DB_PASSWORD:=}",
  "${DB_PASSWORD-x}",
  "${DB_PASSWORD:-${FALLBACK:-${LAST:=x}}}",
  "${USER}${PASS}",
];
const SECRETS = [
  "hunter2",
  " ",
  "$DB_PASSWORD",
  "${DB_PASSWORD",
  "${DB_PASSWORD:-${FALLBACK}",
  "${DB PASSWORD}",
  "${1X}",
  "pre-${VAR}",
  "${VAR}tail",
  "${VAR:-{x}}",
  "ENC[something-else]",
  "op:/vault",
  "ref+://x",
];

const secretYaml = (value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: ${JSON.stringify(value)}\n`;

describe("isNotASecret", () => {
  it.each(NOT_SECRETS)("%j holds no secret", (v) => expect(isNotASecret(v)).toBe(true));
  it.each(SECRETS)("%j is a secret in clear", (v) => expect(isNotASecret(v)).toBe(false));
  it("numbers and booleans in a Secret are values in clear", () => {
    expect([isNotASecret(0), isNotASecret(true), isNotASecret(null)]).toEqual([false, false, false]);
  });

  it("validate manifests and secrets check judge every value the same way", async () => {
    for (const value of [...NOT_SECRETS, ...SECRETS]) {
      const dir = writeRepo({ "secret.yaml": secretYaml(value) });
      const manifests = await validateManifests(["."], { cwd: dir });
      const byManifests = manifests.findings.some((f) => f.rule === "plaintext-secret");
      const byCheck = (await check([dir], { cwd: dir, env: {} })).some((f) => f.rule === "plaintext-secret");
      expect([value, byManifests, byCheck]).toEqual([value, !isNotASecret(value), !isNotASecret(value)]);
    }
  });
});
