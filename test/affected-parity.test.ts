// Differential test of `describe affected` against the real Atmos (built by `npm run peers`): one git
// history made in a temp folder, edited commit by commit (a catalog var, an imported mixin, a component
// folder's file, a local module, settings, metadata, a settings.depends_on file and folder, a deleted component and a
// deleted stack); at each commit both tools compare the work tree with the first commit and with the
// previous one (with --include-dependents and --include-settings against the first), and must print the same entries. Atmos's order is
// not stable run to run (it works stacks in parallel), so both lists are sorted before the comparison.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AFFECTED_REPO, replaced } from "./affected-repo.js";
import { commit, git, gitRepo } from "./git-repo.js";
import { repoRoot, tempDir } from "./helpers.js";
import { havePeers, peer } from "./peers.js";

const ready = havePeers("describe affected against Atmos (test/affected-parity.test.ts)", "atmos");
const bin = join(repoRoot, "bin", "slipway.js");
const CATALOG = "stacks/catalog/network.yaml";
/** Outside the repository: Atmos writes a cache under HOME, which would be an untracked change inside it. */
const home = tempDir();

type Entry = Record<string, unknown> & { stack: string; component_type: string; component: string };

function sorted(list: Entry[]): Entry[] {
  const key = (e: Entry) => `${e.stack}\0${e.component_type}\0${e.component}`;
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function atmos(dir: string, args: string[]): Entry[] {
  const theirArgs = args.map((a) => (a === "--sha" ? "--base" : a)); // --sha is deprecated there, and says so on stdout
  const r = spawnSync(peer("atmos"), ["describe", "affected", ...theirArgs, "--format", "json"], {
    cwd: dir,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      HOME: home,
      ATMOS_TELEMETRY_ENABLED: "false",
      ATMOS_VERSION_CHECK_ENABLED: "false",
      GIT_CONFIG_NOSYSTEM: "1",
    },
  });
  if (r.status !== 0) throw new Error(`atmos describe affected ${args.join(" ")}: ${r.stderr}`);
  return sorted(JSON.parse(r.stdout) as Entry[]);
}

function slipway(dir: string, args: string[]): Entry[] {
  const r = spawnSync(process.execPath, [bin, "describe", "affected", ...args, "--format", "json"], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: home, SLIPWAY_CACHE: "off", GIT_CONFIG_NOSYSTEM: "1" },
  });
  if (r.status !== 0) throw new Error(`slipway describe affected ${args.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Entry[];
}

/** The history: each step's edits, applied on top of the one before. */
const STEPS: [string, (files: Record<string, string>) => Record<string, string | null>][] = [
  ["a catalog var", (f) => ({ [CATALOG]: replaced(f[CATALOG]!, "10.0.0.0/16", "10.1.0.0/16") })],
  [
    "an imported mixin",
    () => ({
      "stacks/mixins/region.yaml": "vars:\n  region: eu-central-1\nenv:\n  AWS_REGION: eu-central-1\n",
    }),
  ],
  [
    "a component folder's file",
    () => ({ "components/terraform/app/main.tf": 'variable "size" {}\nvariable "more" {}\n' }),
  ],
  [
    "settings and metadata",
    (f) => ({
      [CATALOG]: replaced(
        replaced(f[CATALOG]!, "        atlantis:", "        team: net\n        atlantis:"),
        "      metadata:\n        component: app\n      vars:\n        size: 1\n",
        "      metadata:\n        component: app\n        description: worker\n      vars:\n        size: 1\n",
      ),
    }),
  ],
  ["a depends_on file and folder", () => ({ "config/app.json": '{"a": 1}\n', "config/shared/b.txt": "b\n" })],
  [
    "a new component depending on vpc through dependencies.components, and on a file through dependencies.files",
    (f) => ({
      [CATALOG]: replaced(
        f[CATALOG]!,
        "    old:\n",
        "    db:\n      vars:\n        size: 1\n      dependencies:\n        components:\n          - component: vpc\n        files:\n          - config/db.json\n    old:\n",
      ),
    }),
  ],
  [
    "the dependencies file and the vpc both change",
    (f) => ({
      "config/db.json": '{"db": 2}\n',
      [CATALOG]: replaced(f[CATALOG]!, "        cidr: 10.1.0.0/16", "        cidr: 10.2.0.0/16"),
    }),
  ],
  [
    "a deleted component and a deleted stack",
    (f) => ({
      [CATALOG]: replaced(f[CATALOG]!, "    old:\n      vars:\n        x: 1\n", ""),
      "stacks/deploy/stg.yaml": null,
    }),
  ],
  [
    "a packer var and a new component",
    (f) => ({
      [CATALOG]:
        replaced(
          replaced(f[CATALOG]!, "debian-12", "debian-13"),
          "  packer:\n",
          "    cache:\n      vars:\n        n: 1\n  packer:\n",
        ) + "    image2:\n      vars:\n        a: 1\n",
    }),
  ],
  [
    "a local module the vpc calls",
    () => ({ "components/terraform/modules/label/outputs.tf": 'output "x" {\n  value = 1\n}\n' }),
  ],
  ["nothing (an empty commit)", () => ({})],
];

describe.runIf(ready)("describe affected, slipway against the real Atmos", () => {
  it("gives the same entries at every step of a history", () => {
    const { dir, first } = gitRepo(AFFECTED_REPO);
    const files: Record<string, string> = { ...AFFECTED_REPO };
    let previous = first;
    let compared = 0;
    for (const [what, change] of STEPS) {
      const edits = change(files);
      const sha = commit(dir, edits, what);
      for (const [k, v] of Object.entries(edits)) {
        if (v === null) delete files[k];
        else files[k] = v;
      }
      // Against the first commit with dependents, against the previous one without (each run costs a second).
      for (const args of [
        ["--sha", first, "--include-dependents", "--include-settings"],
        ["--base", previous],
      ]) {
        const theirs = atmos(dir, args);
        expect({ step: what, args, entries: slipway(dir, args) }).toEqual({
          step: what,
          args,
          entries: theirs,
        });
        compared += theirs.length;
      }
      previous = sha;
      expect(git(dir, "status", "--porcelain")).toBe("");
    }
    // The history must have made the tools report something: an empty comparison proves nothing.
    expect(compared).toBeGreaterThan(50);
  }, 300_000);
});
