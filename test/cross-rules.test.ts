import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backendMissing, selectorMismatch, serviceNoPods } from "../src/manifests/cross-rules.js";
import { secretGeneratorPlaintext, type KustomizationDoc } from "../src/manifests/generator-secrets.js";
import type { ManifestObject } from "../src/manifests/types.js";
import { validateManifests } from "../src/manifests/validate.js";
import { fixture } from "./helpers.js";

const CROSS = ["selector-mismatch", "service-no-pods", "backend-missing", "secret-generator-plaintext"];
const obj = (value: Record<string, unknown>, file = "x.yaml"): ManifestObject => ({
  file,
  line: 1,
  value,
  lineOf: (path) => path.length + 1,
});
const deployment = (selector: unknown, labels: Record<string, string>) =>
  obj({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", namespace: "n" },
    spec: { selector, template: { metadata: { labels }, spec: { containers: [] } } },
  });

describe("cross-object rules", () => {
  it("a correct tree gives no finding; exempted faults give none either", async () => {
    const r = await validateManifests(["good", "allowed"], { cwd: fixture("manifests-rules"), build: false });
    expect(r.findings.map((f) => `${f.rule} ${f.file}:${f.line ?? ""} ${f.message}`)).toEqual([]);
    expect(r.summary.objects).toBe(12);
  });

  it("--disable turns each cross-object rule off", async () => {
    const cwd = fixture("manifests-faults");
    const on = await validateManifests(["."], { cwd, build: false });
    for (const rule of CROSS) expect(on.findings.some((f) => f.rule === rule)).toBe(true);
    const off = await validateManifests(["."], { cwd, build: false, disable: CROSS });
    expect(off.findings.filter((f) => CROSS.includes(f.rule))).toEqual([]);
  });

  it("selector-mismatch says which selector term fails, and the fix", () => {
    const [hit] = selectorMismatch([deployment({ matchLabels: { app: "a" } }, { app: "b" })]);
    expect(hit).toMatchObject({ rule: "selector-mismatch", path: ["spec", "selector"] });
    expect(hit!.message).toMatch(/matchLabels app: a but the template has app: b/);
    expect(selectorMismatch([deployment({}, { app: "b" })])[0]!.message).toMatch(/empty spec.selector/);
    // Not judged: a missing selector (the schema's finding), `${VAR}` values Flux fills in.
    expect(selectorMismatch([deployment(undefined, { app: "b" })])).toEqual([]);
    expect(selectorMismatch([deployment({ matchLabels: { app: "${APP}" } }, { app: "b" })])).toEqual([]);
  });

  it("a selector made from the template's own labels always matches; changing one value never does", () => {
    const labels = fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z0-9]{1,6}$/), {
      minKeys: 1,
    });
    fc.assert(
      fc.property(labels, fc.nat(), (l, pick) => {
        const keys = Object.keys(l);
        const key = keys[pick % keys.length]!;
        const matching = {
          matchLabels: { [key]: l[key] },
          matchExpressions: [
            { key, operator: "In", values: [l[key], "zz-other"] },
            { key, operator: "Exists" },
            { key: "not-a-label-key", operator: "DoesNotExist" },
            { key, operator: "NotIn", values: ["zz-other"] },
          ],
        };
        expect(selectorMismatch([deployment(matching, l)])).toEqual([]);
        const wrong = { matchLabels: { [key]: `${l[key]}-x` } };
        expect(selectorMismatch([deployment(wrong, l)])).toHaveLength(1);
      }),
    );
  });

  it("service-no-pods looks only in the Service's namespace", () => {
    const svc = obj({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s", namespace: "other" },
      spec: { selector: { app: "a" } },
    });
    const hits = serviceNoPods([svc, deployment({ matchLabels: { app: "a" } }, { app: "a" })]);
    expect(hits.map((h) => h.message)).toEqual([
      expect.stringMatching(/app=a matches no pod template .* namespace other/),
    ]);
    expect(hits[0]!.message).toMatch(/Helm chart or an operator/);
  });

  it("backend-missing: the route's namespace or the backendRef's own; HelmRelease-made names are not missing", () => {
    const route = (ns?: string) =>
      obj({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GRPCRoute",
        metadata: { name: "r", namespace: "a" },
        spec: { rules: [{ backendRefs: [{ name: "api", ...(ns ? { namespace: ns } : {}) }] }] },
      });
    const service = obj({ apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "b" } });
    expect(backendMissing([route("b"), service])).toEqual([]);
    const [hit] = backendMissing([route(), service]);
    expect(hit).toMatchObject({
      rule: "backend-missing",
      path: ["spec", "rules", 0, "backendRefs", 0, "name"],
    });
    const release = obj({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "api", namespace: "a" },
      spec: {},
    });
    expect(backendMissing([route(), release])).toEqual([]);
  });

  it("secret-generator-plaintext: secret names, generated-looking values, unencrypted env and file sources", () => {
    const doc: KustomizationDoc = {
      dir: "/k",
      obj: obj({
        secretGenerator: [
          {
            name: "g",
            literals: [
              "user=admin",
              "apiKey=abc",
              "SEED=Zx81Qp0vLm27NsYt4RwEa9Kc",
              "token=${TOKEN}",
              "x=short",
            ],
            files: ["tls.key=certs/key.pem", "ok.yaml", "absent.txt"],
          },
        ],
      }),
    };
    const files: Record<string, string> = {
      "/k/certs/key.pem": "-----BEGIN PRIVATE KEY-----\n",
      "/k/ok.yaml": "data: ENC[AES256_GCM,data:x]\nsops:\n    mac: ENC[x]\n",
    };
    const hits = secretGeneratorPlaintext([doc], (p) => files[p]);
    expect(hits.map((h) => h.path)).toEqual([
      ["secretGenerator", 0, "literals", 1],
      ["secretGenerator", 0, "literals", 2],
      ["secretGenerator", 0, "files", 0],
    ]);
    // The message names the key, never the value.
    expect(hits.map((h) => h.message).join("\n")).not.toMatch(/Zx81Qp0vLm27NsYt4RwEa9Kc|BEGIN/);
  });
});
