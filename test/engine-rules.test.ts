// One fixture folder per stack-engine rule (test/fixtures/engine/<rule>), with the resolved output pinned.
import { describe, expect, it } from "vitest";
import { engineAt, fixture, slipwayErrorOf } from "./helpers.js";

const at = (rule: string, env: Record<string, string> = {}) => engineAt(fixture("engine", rule), env);

describe("imports", () => {
  const engine = at("imports");
  it("resolves relative, base-relative, globbed (sorted), optional, templated, .tmpl and skip-templates imports in order", () => {
    const c = engine.resolveComponent("deploy/prod", "vpc");
    expect({ vars: c.vars, imports: c.imports }).toMatchInlineSnapshot(`
      {
        "imports": [
          "catalog/base",
          "catalog/mixins/a-first",
          "catalog/mixins/b-second",
          "catalog/raw",
          "catalog/rendered",
          "catalog/templated",
          "deploy/local-extra",
        ],
        "vars": {
          "az": "eu-west-1a",
          "cidr": "10.0.0.0/16",
          "from_local": true,
          "kept_raw": "{{ .region }}",
          "level": "b-second",
          "mixin_a": true,
          "name": "vpc-prod",
          "order": [
            "base",
          ],
          "region": "eu-west-1",
          "rendered": "ALWAYS",
          "stage": "prod",
        },
      }
    `);
  });
  it("lists only included, non-excluded manifests as stacks", () => {
    expect([...engine.stacks().keys()]).toEqual(["deploy/prod"]);
  });
});

describe("merge", () => {
  const engine = at("merge");
  it("merges maps deeply, keeps null, removes !unset, appends !append and replaces lists and type changes", () => {
    expect(engine.resolveComponent("prod", "replace-lists").vars).toMatchInlineSnapshot(`
      {
        "extra_zones": [
          "a",
          "b",
          "c",
        ],
        "kept": 1,
        "nullable": null,
        "rules": [
          {
            "port": 80,
            "proto": "tcp",
          },
          {
            "port": 443,
            "proto": "tcp",
          },
        ],
        "shape": [
          1,
          2,
        ],
        "tags": {
          "cost": "prod",
          "team": "platform",
        },
        "zones": [
          "c",
        ],
      }
    `);
  });
  it("appends lists when the component sets list_merge_strategy: append", () => {
    const vars = engine.resolveComponent("prod", "append-lists").vars;
    expect({ zones: vars.zones, extra_zones: vars.extra_zones }).toMatchInlineSnapshot(`
      {
        "extra_zones": [
          "a",
          "b",
          "c",
        ],
        "zones": [
          "a",
          "b",
          "c",
          "d",
        ],
      }
    `);
  });
  it("merges lists index by index, maps deep-merged, with list_merge_strategy: merge", () => {
    expect(engine.resolveComponent("prod", "merge-lists").vars.rules).toMatchInlineSnapshot(`
      [
        {
          "port": 8080,
          "proto": "tcp",
        },
        {
          "port": 443,
          "proto": "tcp",
        },
      ]
    `);
  });
});

describe("inheritance", () => {
  const engine = at("inheritance");
  it("applies the legacy component: first, then metadata.inherits in order, bases' bases first", () => {
    const c = engine.resolveComponent("prod", "app-prod");
    expect({ vars: c.vars, metadata: c.metadata, inheritance: c.inheritance, component: c.component })
      .toMatchInlineSnapshot(`
      {
        "component": "legacy-base",
        "inheritance": [
          "mixin/logging",
          "base/big",
          "base/defaults",
          "legacy-base",
        ],
        "metadata": {
          "component": "app",
          "inherits": [
            "base/big",
            "mixin/logging",
          ],
          "locked": true,
        },
        "vars": {
          "from_defaults": true,
          "legacy": true,
          "logging": true,
          "name": "app-prod",
          "size": "logging-size",
          "who": [
            "big",
          ],
        },
      }
    `);
  });
  it("marks abstract and disabled components and keeps metadata.component as the folder", () => {
    const rows = ["base/defaults", "app-disabled", "app"].map((n) => {
      const c = engine.resolveComponent("prod", n);
      return {
        n,
        type: c.metadata.type,
        enabled: c.metadata.enabled,
        folder: c.component,
        workspace: c.workspace,
      };
    });
    expect(rows).toMatchInlineSnapshot(`
      [
        {
          "enabled": undefined,
          "folder": "app",
          "n": "base/defaults",
          "type": "abstract",
          "workspace": "prod-base-defaults",
        },
        {
          "enabled": false,
          "folder": "app",
          "n": "app-disabled",
          "type": undefined,
          "workspace": "prod-app-disabled",
        },
        {
          "enabled": undefined,
          "folder": "app",
          "n": "app",
          "type": undefined,
          "workspace": "prod",
        },
      ]
    `);
  });
});

describe("overrides", () => {
  const engine = at("overrides");
  it("apply to components of the declaring file and its imports", () => {
    const c = engine.resolveComponent("prod", "a-service");
    expect({ vars: c.vars, env: c.env, command: c.command, overrides: c.overrides }).toMatchInlineSnapshot(`
      {
        "command": "tofu-team-a",
        "env": {
          "TEAM": "a",
        },
        "overrides": {
          "command": "tofu-team-a",
          "env": {
            "TEAM": "a",
          },
          "vars": {
            "owner": "team-a",
          },
        },
        "vars": {
          "owner": "team-a",
        },
      }
    `);
  });
  it("reach the components of later sibling imports and of the importing file, as Atmos's walk has them", () => {
    // team-a is imported before shared: its overrides reach shared's components and prod's own (Atmos
    // agrees: test/atmos-parity.test.ts compares this repository, and Atmos's atmos-overrides-section).
    expect(engine.resolveComponent("prod", "shared-service").vars.owner).toBe("team-a");
    expect(engine.resolveComponent("prod", "top").vars.owner).toBe("team-a");
    expect(engine.resolveComponent("prod", "top").command).toBe("tofu-team-a");
  });
});

describe("stack names and workspaces", () => {
  const engine = at("names");
  it("uses name: over name_pattern, and skips manifests that are not stacks", () => {
    expect([...engine.stacks().keys()]).toEqual(["acme-ue2-dev", "explicitly-named"]);
  });
  it("computes workspaces as Atmos does", () => {
    const ws = ["vpc", "vpc-2", "pinned", "patterned"].map(
      (n) => engine.resolveComponent("acme-ue2-dev", n).workspace,
    );
    expect(ws).toEqual(["acme-ue2-dev", "acme-ue2-dev-vpc-2", "fixed-ws", "acme-dev-patterned"]);
  });
  it("finds a stack by its name, refuses its manifest path naming the name, and suggests the closest names otherwise", () => {
    expect(engine.stack("acme-ue2-dev").name).toBe("acme-ue2-dev");
    // As Atmos does: a stack with a logical name is not named by its path.
    const byPath = slipwayErrorOf(() => engine.stack("orgs/acme/ue2-dev"));
    expect(byPath.message).toMatch(
      /^"orgs\/acme\/ue2-dev" is the manifest of stack "acme-ue2-dev", not a stack name/,
    );
    expect(byPath.hint).toBe("use -s acme-ue2-dev");
    const e = slipwayErrorOf(() => engine.stack("acme-ue2-deb"));
    expect(e.message).toBe('stack "acme-ue2-deb" not found');
    expect(e.hint).toMatch(/did you mean "acme-ue2-dev"/);
  });
});

describe("templates", () => {
  const engine = at("templates");
  it("names the stack with name_template and renders component templates with the component as context", () => {
    expect([...engine.stacks().keys()]).toEqual(["acme-prod"]);
    expect(engine.resolveComponent("acme-prod", "app").vars).toMatchInlineSnapshot(`
      {
        "fallback": "none",
        "fqdn": "app.prod.example.com",
        "label": "acme-007",
        "stack": "acme-prod",
        "stage": "PROD",
        "tenant": "acme",
        "tier": "ha",
        "zone_list": "a,b",
        "zones": [
          "a",
          "b",
        ],
      }
    `);
  });
});

describe("locals", () => {
  const engine = at("locals");
  it("resolve in dependency order with the file's vars and settings, per scope, and never leave their file", () => {
    const c = engine.resolveComponent("deploy/dev", "app");
    expect(c.vars).toMatchInlineSnapshot(`
      {
        "bucket": "acme-platform-dev-tfstate",
        "from_mixin": "mixin-only",
        "later": "deploy/dev",
        "name": "acme-platform-dev-web",
        "stage": "dev",
        "tags": {
          "ManagedBy": "slipway",
          "Namespace": "acme",
        },
      }
    `);
  });
});

describe("stack names per component", () => {
  const engine = at("names-per-component");
  it("name each component's stack from its own vars when the manifest's globals cannot", () => {
    expect([...engine.stacks().keys()]).toEqual(["acme-dev", "acme-prod"]);
    expect(engine.stack("acme-dev").componentNames("terraform")).toEqual(["app-dev"]);
    expect(engine.resolveComponent("acme-prod", "app-prod").vars).toEqual({
      tenant: "acme",
      size: 1,
      stage: "prod",
    });
    expect(() => engine.resolveComponent("acme-dev", "app-prod")).toThrowError(
      /not defined in stack "acme-dev"/,
    );
  });
});
