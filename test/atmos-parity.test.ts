// Differential tests with the real Atmos (built by `npm run peers`): the same repository through both tools,
// `describe stacks` and `describe component` compared field by field over the fields slipway promises. A
// difference fails unless docs/atmos-differences.md lists it with its reason; a listed difference that no
// longer occurs fails too, so the table stays true.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, repoRoot, tempDir } from "./helpers.js";
import { atmosEnv, havePeers, peer } from "./peers.js";

const ready = havePeers("Atmos differential tests (test/atmos-parity.test.ts)", "atmos");
const bin = join(repoRoot, "bin", "slipway.js");

/** The sections both tools give every component in `describe stacks`, that slipway promises to match. */
const STACK_FIELDS = [
  "vars",
  "settings",
  "env",
  "metadata",
  "overrides",
  "providers",
  "backend_type",
  "backend",
  "component",
  "inheritance",
  "workspace",
  "command",
  "dependencies",
];
/** The sections Atmos's `describe component` shows by default. */
const COMPONENT_FIELDS = [
  "vars",
  "settings",
  "env",
  "metadata",
  "overrides",
  "providers",
  "backend",
  "component",
  "imports",
  "dependencies",
];

/** Atmos ships its examples and test scenarios in its module; they are data here, read from the Go module cache. */
function atmosModule(sub: string): string | undefined {
  const pins = JSON.parse(readFileSync(join(repoRoot, "test/peers/pins.json"), "utf8")) as {
    peers: { name: string; module: string; version: string }[];
  };
  const atmos = pins.peers.find((p) => p.name === "atmos")!;
  const r = spawnSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" });
  const dir = join(r.stdout.trim(), `${atmos.module}@${atmos.version}`, sub);
  return r.status === 0 && existsSync(dir) ? dir : undefined;
}

/** The Atmos examples compared; the others use features outside this comparison (see the table). */
const ATMOS_EXAMPLES = [
  "quick-start-simple",
  "quick-start-advanced",
  "demo-stacks",
  "demo-context",
  "demo-workflows",
  "demo-vendoring",
  "locals",
];

/** Atmos's test scenarios (tests/fixtures/scenarios) compared, each for the resolution rule it pins. */
const ATMOS_SCENARIOS = [
  // overrides across imports: a later import's overrides win, an earlier sibling's reach later ones
  "atmos-overrides-section",
  // dependencies.components merged through bases and imports, with either list strategy
  "dependencies-components-inheritance",
  "dependencies-components-inheritance-append",
  // the `merge` list strategy keeps the earlier item at an index, as Atmos's merge does
  "component-list-merge-strategy",
  // atmos.yaml's env under every component's; templates.settings.env (config and component) for templates
  "global-env",
  "template-env-vars",
  // !env of an unset variable is "" (in locals, conditions and vars alike)
  "locals-conditional",
  "locals-yaml-functions",
  "terraform-floci-dag",
];

interface Repo {
  name: string;
  dir: string;
}

/** What an Atmos example needs before Atmos 1.225 resolves it here (offline, no container runtime), and why. */
const ATMOS_EXAMPLE_SETUP: Record<string, (dir: string) => void> = {
  "quick-start-advanced": (dir) => {
    // The Go module cache is read-only, and so is the copy.
    chmodSync(dir, 0o755);
    for (const f of readdirSync(dir, { recursive: true, encoding: "utf8" }))
      chmodSync(join(dir, f), statSync(join(dir, f)).isDirectory() ? 0o755 : 0o644);
    // Its workflows fail Atmos's own schema (`steps[…].command: expected string, but got boolean`), which
    // makes Atmos refuse every command.
    rmSync(join(dir, "stacks/workflows"), { recursive: true, force: true });
    // `auth` names an AWS emulator Atmos starts in a container before any describe, and the stores use it.
    const config = join(dir, "atmos.yaml");
    writeFileSync(config, readFileSync(config, "utf8").replace(/^(auth|stores):\n( .*\n|\s*\n)*/gm, ""));
    // `!terraform.state` reads S3 and `!secret` a secret store; those vars go (the YAML functions are
    // compared in their own tests), everything else — templates included — stays as shipped.
    for (const file of readdirSync(join(dir, "stacks"), { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".yaml")) continue;
      const path = join(dir, "stacks", file);
      const text = readFileSync(path, "utf8");
      const kept = text.replace(/^ +[\w-]+: !(terraform\.state|secret) .*\n/gm, "");
      if (kept !== text) writeFileSync(path, kept);
    }
  },
};

/** A copy of the repository with one config both tools read: slipway.yaml becomes atmos.yaml. */
function prepare(name: string, src: string): Repo {
  const dir = join(tempDir(), name);
  cpSync(src, dir, { recursive: true });
  ATMOS_EXAMPLE_SETUP[name.replace(/^atmos-/, "")]?.(dir);
  if (existsSync(join(dir, "slipway.yaml"))) {
    const text = readFileSync(join(dir, "slipway.yaml"), "utf8");
    rmSync(join(dir, "slipway.yaml"));
    // slipway defaults stacks.base_path to "stacks"; Atmos requires it (a listed difference).
    // slipway.yaml renders templates unless told not to; an atmos.yaml must turn them on.
    const templated = /^templates:/m.test(text)
      ? text
      : `${text}\ntemplates:\n  settings:\n    enabled: true\n    sprig:\n      enabled: true\n`;
    writeFileSync(
      join(dir, "atmos.yaml"),
      /^stacks:\s*\n(\s+.*\n)*?\s+base_path:/m.test(templated)
        ? templated
        : templated.replace(/^stacks:.*$/m, (m) =>
            m.includes("{") ? m.replace("{", "{base_path: stacks, ") : `${m}\n  base_path: stacks`,
          ),
    );
  }
  return { name, dir };
}

class AtmosRefused extends Error {}
class SlipwayRefused extends Error {}

function atmos(repo: Repo, args: string[]) {
  const r = spawnSync(peer("atmos"), args, {
    cwd: repo.dir,
    encoding: "utf8",
    env: atmosEnv(repo.dir),
  });
  if (r.status !== 0) throw new AtmosRefused(`atmos ${args.join(" ")} failed in ${repo.name}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function slipway(repo: Repo, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo.dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: repo.dir, SLIPWAY_CACHE: "off" },
  });
  if (r.status !== 0)
    throw new SlipwayRefused(`slipway ${args.join(" ")} failed in ${repo.name}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const canon = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canon)
    : isMap(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canon(v[k])]),
        )
      : v;

/** Every path where the two differ, down to the leaves (maps key by key, anything else as a whole). */
function differences(a: unknown, b: unknown, path: string, out: string[] = []): string[] {
  if (JSON.stringify(canon(a)) === JSON.stringify(canon(b))) return out;
  if (isMap(a) && isMap(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      differences(a[k], b[k], `${path}.${k}`, out);
    return out;
  }
  out.push(`${path} ⇒ atmos ${JSON.stringify(a) ?? "(none)"}, slipway ${JSON.stringify(b) ?? "(none)"}`);
  return out;
}

/** `describe stacks` of both, per stack, type, component and promised field. */
function stackDifferences(a: Json, s: Json): string[] {
  const out: string[] = [];
  for (const stack of new Set([...Object.keys(a), ...Object.keys(s)])) {
    const ac = (a[stack] as Json | undefined)?.components as Record<string, Json> | undefined;
    const sc = (s[stack] as Json | undefined)?.components as Record<string, Json> | undefined;
    if (!ac || !sc) {
      out.push(`${stack} ⇒ atmos ${ac ? "has" : "lacks"} the stack, slipway ${sc ? "has" : "lacks"} it`);
      continue;
    }
    for (const type of new Set([...Object.keys(ac), ...Object.keys(sc)])) {
      for (const c of new Set([...Object.keys(ac[type] ?? {}), ...Object.keys(sc[type] ?? {})])) {
        const x = ac[type]?.[c] as Json | undefined;
        const y = sc[type]?.[c] as Json | undefined;
        if (!x || !y) out.push(`${stack}.${type}.${c} ⇒ only ${x ? "atmos" : "slipway"} has it`);
        else for (const f of STACK_FIELDS) differences(x[f], y[f], `${stack}.${type}.${c}.${f}`, out);
      }
    }
  }
  return out;
}

/**
 * Atmos's `describe stacks` prints the bare stack name as the workspace of a component whose folder differs
 * from its name (its describe context lacks the base component), while `atmos terraform plan` selects
 * `<stack>-<component>`. For such a difference, ask Atmos what it really selects: run its plan with a
 * recording `terraform` (TEST DOUBLE: it only logs its argv; Atmos is the program observed) and accept the
 * difference when Atmos runs slipway's workspace.
 */
function workspaceAtmosRuns(repo: Repo, s: Json, diff: string): boolean {
  const m = /^([^.]+)\.terraform\.(.+)\.workspace ⇒ atmos "[^"]*", slipway "([^"]*)"$/.exec(diff);
  if (!m) return false;
  const [, stack, component, wanted] = m as unknown as [string, string, string, string];
  const c = (((s[stack] as Json).components as Json).terraform as Json)[component] as Json;
  if ((c.metadata as Json | undefined)?.type === "abstract") return false;
  const stub = join(tempDir(), "recording-terraform");
  mkdirSync(stub, { recursive: true });
  writeFileSync(join(stub, "terraform"), `#!/bin/sh\necho "$*" >> ${join(stub, "calls")}\n`, { mode: 0o755 });
  mkdirSync(join(repo.dir, "components/terraform", String(c.component)), { recursive: true });
  spawnSync(peer("atmos"), ["terraform", "plan", component, "-s", stack], {
    cwd: repo.dir,
    encoding: "utf8",
    env: {
      PATH: `${stub}:${process.env.PATH}`,
      HOME: repo.dir,
      ATMOS_TELEMETRY_ENABLED: "false",
      ATMOS_COMPONENTS_TERRAFORM_BASE_PATH: "components/terraform",
      ATMOS_COMPONENTS_TERRAFORM_COMMAND: "terraform",
    },
  });
  const calls = existsSync(join(stub, "calls")) ? readFileSync(join(stub, "calls"), "utf8") : "";
  verifiedWorkspaces++;
  return calls.includes(`workspace select -or-create ${wanted}\n`);
}
let verifiedWorkspaces = 0;

// ---- the table of deliberate differences ----
interface Listed {
  where: RegExp;
  field: RegExp;
  row: string;
  seen: boolean;
}
/** A glob as a RegExp: `*` one segment, `**` anything, `{a,b}` either. */
function glob(p: string, sep: string): RegExp {
  const esc = (x: string) => x.replace(/[.+?^$()|[\]\\]/g, "\\$&");
  const part = (x: string) =>
    x
      .split("**")
      .map((y) => y.split("*").map(esc).join(`[^${sep}]*`))
      .join(".*");
  const body = p
    .split(/(\{[^}]*\})/)
    .map((x) => (x.startsWith("{") ? `(?:${x.slice(1, -1).split(",").map(part).join("|")})` : part(x)));
  return new RegExp(`^${body.join("")}$`);
}

function listedDifferences(): Listed[] {
  const text = readFileSync(join(repoRoot, "docs/atmos-differences.md"), "utf8");
  const rows: Listed[] = [];
  for (const line of text.split("\n")) {
    const m = /^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|/.exec(line);
    if (m) rows.push({ where: glob(m[1]!, "/"), field: glob(m[2]!, "."), row: line, seen: false });
  }
  return rows;
}
const LISTED = listedDifferences();

function unlisted(repo: string, diffs: string[]): string[] {
  return diffs.filter((d) => {
    const path = d.slice(0, d.indexOf(" ⇒ "));
    const hit = LISTED.filter((l) => l.where.test(repo) && l.field.test(path));
    hit.forEach((l) => (l.seen = true));
    return hit.length === 0;
  });
}

// Every fixture repository of the engine, and the OpenTofu one (its stack names come from name_pattern).
const engineFixtures = [
  ...readdirSync(fixture("engine")).map((n) => ({ name: `engine/${n}`, src: fixture("engine", n) })),
  { name: "fixtures/tofu", src: fixture("tofu") },
];
const examples = readdirSync(join(repoRoot, "examples")).map((n) => ({
  name: `examples/${n}`,
  src: join(repoRoot, "examples", n),
}));

describe.runIf(ready)("Atmos is the oracle for stack resolution", () => {
  const atmosDir = atmosModule("examples");
  const scenarios = atmosModule("tests/fixtures/scenarios");
  const theirs = atmosDir ? ATMOS_EXAMPLES.map((n) => ({ name: `atmos/${n}`, src: join(atmosDir, n) })) : [];
  if (scenarios)
    theirs.push(...ATMOS_SCENARIOS.map((n) => ({ name: `atmos/${n}`, src: join(scenarios, n) })));
  if (!atmosDir)
    process.stderr.write(
      "SKIPPED: Atmos's own examples: the atmos module is not in the Go module cache (run `npm run peers`)\n",
    );
  let compared = 0;
  let repos = 0;

  for (const { name, src } of [...engineFixtures, ...examples, ...theirs]) {
    it(`${name}: describe stacks and describe component agree with atmos, or differ as the table says`, () => {
      const repo = prepare(name.replace(/\//g, "-"), src);
      repos++;
      // Either tool may refuse a repository outright; the table must say so and why.
      const refusals: string[] = [];
      let a: Json | undefined;
      let s: Json | undefined;
      try {
        a = atmos(repo, ["describe", "stacks", "--format", "json"]);
      } catch (e) {
        if (!(e instanceof AtmosRefused)) throw e;
        refusals.push(`(atmos refuses) ⇒ ${e.message}`);
      }
      try {
        s = slipway(repo, ["describe", "stacks", "--format", "json"]);
      } catch (e) {
        if (!(e instanceof SlipwayRefused)) throw e;
        refusals.push(`(slipway refuses) ⇒ ${e.message}`);
      }
      if (!a || !s) {
        expect(unlisted(name, refusals).join("\n")).toBe("");
        return;
      }
      const diffs = stackDifferences(a, s);
      // describe component for every real component of every stack (abstract ones cannot be described).
      for (const [stack, body] of Object.entries(s)) {
        for (const [type, comps] of Object.entries(
          ((body as Json).components ?? {}) as Record<string, Json>,
        )) {
          for (const [c, section] of Object.entries(comps)) {
            if ((section as Json & { metadata?: Json }).metadata?.type === "abstract") continue;
            const ac = atmos(repo, ["describe", "component", c, "-s", stack, "--format", "json"]);
            const sc = slipway(repo, ["describe", "component", c, "-s", stack, "--format", "json"]);
            for (const f of COMPONENT_FIELDS)
              differences(ac[f], sc[f], `component:${stack}.${type}.${c}.${f}`, diffs);
            compared++;
          }
        }
      }
      expect(Object.keys(s).length).toBeGreaterThan(0);
      expect(
        unlisted(
          name,
          diffs.filter((d) => !workspaceAtmosRuns(repo, s, d)),
        ).join("\n"),
      ).toBe("");
      // quick-start-advanced alone asks Atmos to describe 36 components, ≈ 2 s each.
    }, 300_000);
  }

  it("every difference the table lists still occurs (remove rows that no longer do)", () => {
    process.stderr.write(
      `atmos-parity: ${repos} repositories, ${compared} describe component comparisons, ${verifiedWorkspaces} workspaces confirmed by atmos terraform plan\n`,
    );
    expect(compared).toBeGreaterThan(20);
    expect(verifiedWorkspaces).toBeGreaterThan(0);
    expect(LISTED.filter((l) => !l.seen).map((l) => l.row)).toEqual([]);
  });
});

describe.runIf(ready)("stack names: a manifest path is no name for a stack that has a logical one", () => {
  it("both tools refuse -s <manifest path> where the stack is named by name_pattern, and accept the name", () => {
    const repo = prepare("homelab-names", join(repoRoot, "examples", "homelab"));
    const refusesByPath = (tool: typeof atmos) => {
      try {
        tool(repo, ["describe", "component", "k3s", "-s", "deploy/pve-prod", "--format", "json"]);
        return false;
      } catch (e) {
        if (e instanceof AtmosRefused || e instanceof SlipwayRefused) return true;
        throw e;
      }
    };
    expect(refusesByPath(atmos)).toBe(true);
    expect(refusesByPath(slipway)).toBe(true);
    const a = atmos(repo, ["describe", "component", "k3s", "-s", "pve-prod", "--format", "json"]);
    const s = slipway(repo, ["describe", "component", "k3s", "-s", "pve-prod", "--format", "json"]);
    expect(s.vars).toEqual(a.vars);
    // slipway says what to use instead.
    const r = spawnSync(process.execPath, [bin, "describe", "component", "k3s", "-s", "deploy/pve-prod"], {
      cwd: repo.dir,
      encoding: "utf8",
    });
    expect(r.stderr).toContain('"deploy/pve-prod" is the manifest of stack "pve-prod", not a stack name');
    expect(r.stderr).toContain("hint: use -s pve-prod");
  });
});
