// Generates a synthetic stacks repository at the scale of the largest Atmos users:
// ~760 manifest files, 530 stacks, ~8,000 component instances, imports three levels deep,
// inheritance chains of depth four. Deterministic: the same arguments give the same files.
// Options give other shapes: `{ families: 12, chain: 4 }` is the one with four abstract bases per
// instance (~33,000 components, ~90 MB of JSON out), `{ scale: 2 }` twice the stacks and files.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

// Per stack: FAMILIES inheritance chains (CHAIN abstract bases + the concrete component: depth four)
// plus STANDALONE components without bases — 15 component instances a stack, as in large Atmos repos.
const ORGS = 10;
const REGIONS = 12;
const STAGES = ["dev", "staging", "prod", "sandbox"];

function write(root, rel, text) {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function componentVars(f, level) {
  return [
    `        enabled: true`,
    `        family: fam${f}`,
    `        level_${level}: ${level}`,
    `        size: ${(f + level) % 5}`,
    `        tags:`,
    `          team: team-${f % 7}`,
    `          cost_center: cc-${(f * 3 + level) % 11}`,
    `          layer: l${level}`,
    `        cidrs:`,
    `          - 10.${f}.${level}.0/24`,
    `          - 10.${f}.${level + 100}.0/24`,
    `        limits:`,
    `          cpu: ${level + 1}`,
    `          memory: ${(level + 1) * 512}Mi`,
  ].join("\n");
}

/** Writes the repository under `root` and returns its counts. */
export function generate(root, { families = 3, chain = 3, standalone = 3, scale = 1 } = {}) {
  const FAMILIES = families;
  const CHAIN = chain;
  const STANDALONE = standalone;
  const STACKS = 530 * scale;
  rmSync(root, { recursive: true, force: true });
  let files = 0;
  const put = (rel, text) => {
    write(root, rel, text);
    files++;
  };
  put(
    "atmos.yaml",
    `base_path: "."\ncomponents:\n  terraform:\n    base_path: components/terraform\nstacks:\n  base_path: stacks\n  included_paths: ["orgs/**/*"]\n  excluded_paths: ["**/_defaults.yaml"]\n  name_pattern: "{tenant}-{environment}-{stage}"\n`,
  );
  files--; // the config is not a manifest
  // Catalog: one file per family, each with an abstract chain and the concrete component at depth four.
  for (let f = FAMILIES; f < FAMILIES + STANDALONE; f++) {
    put(
      `stacks/catalog/fam${f}.yaml`,
      ["components:", "  terraform:", `    fam${f}:`, `      vars:`, componentVars(f, 0)].join("\n") + "\n",
    );
  }
  for (let f = 0; f < FAMILIES; f++) {
    const lines = ["components:", "  terraform:"];
    for (let l = 0; l < CHAIN; l++) {
      lines.push(
        `    fam${f}/base${l}:`,
        `      metadata:`,
        `        type: abstract`,
        `        component: fam${f}`,
      );
      if (l > 0) lines.push(`        inherits:`, `          - fam${f}/base${l - 1}`);
      lines.push(
        `      vars:`,
        componentVars(f, l),
        `      settings:`,
        `        spacelift:`,
        `          workspace_enabled: ${l % 2 === 0}`,
      );
    }
    lines.push(
      `    fam${f}:`,
      `      metadata:`,
      `        component: fam${f}`,
      `        inherits:`,
      `          - fam${f}/base${CHAIN - 1}`,
    );
    lines.push(`      vars:`, componentVars(f, CHAIN), `      env:`, `        TF_LOG: ""`);
    put(`stacks/catalog/fam${f}.yaml`, lines.join("\n") + "\n");
  }
  // Level 3: shared defaults importing the whole catalog.
  put(
    "stacks/catalog/_all.yaml",
    "import:\n" +
      Array.from({ length: FAMILIES + STANDALONE }, (_, f) => `  - catalog/fam${f}`).join("\n") +
      "\n",
  );
  // Level 2: regions, each importing the catalog.
  for (let r = 0; r < REGIONS; r++) {
    put(
      `stacks/mixins/region/region-${r}.yaml`,
      `import:\n  - catalog/_all\nvars:\n  environment: r${r}\n  region: region-${r}\n  availability_zones:\n    - region-${r}a\n    - region-${r}b\nterraform:\n  backend_type: s3\n  backend:\n    s3:\n      bucket: state-r${r}\n      region: region-${r}\n`,
    );
  }
  // Level 1: per-org defaults and per-stage mixins.
  for (let o = 0; o < ORGS; o++) {
    put(
      `stacks/orgs/org${o}/_defaults.yaml`,
      `vars:\n  tenant: org${o}\n  namespace: acme\nsettings:\n  org: org${o}\n`,
    );
  }
  for (const s of STAGES)
    put(`stacks/mixins/stage/${s}.yaml`, `vars:\n  stage: ${s}\nsettings:\n  tier: ${s}\n`);
  // Fill up to ~760 files with extra catalog fragments that stacks import in groups.
  const extraFiles = 760 * scale - files - STACKS;
  for (let e = 0; e < extraFiles; e++) {
    put(
      `stacks/catalog/extra/extra-${e}.yaml`,
      `vars:\n  extra_${e % 20}:\n    id: ${e}\n    labels: [a, b, c]\nsettings:\n  extra_${e % 20}: true\n`,
    );
  }
  let instances = 0;
  for (let i = 0; i < STACKS; i++) {
    const org = i % ORGS;
    const region = Math.floor(i / ORGS) % REGIONS;
    const stage = STAGES[Math.floor(i / (ORGS * REGIONS)) % STAGES.length];
    const variant = Math.floor(i / (ORGS * REGIONS * STAGES.length));
    const lines = [
      "import:",
      `  - orgs/org${org}/_defaults`,
      `  - mixins/region/region-${region}`,
      `  - mixins/stage/${stage}`,
      `  - catalog/extra/extra-${i % extraFiles}`,
      "vars:",
      `  stage: ${stage}${variant ? `-v${variant}` : ""}`,
      "components:",
      "  terraform:",
    ];
    const count = i % 10 < 1 ? 1 : 0;
    instances += FAMILIES * CHAIN;
    for (let f = 0; f < FAMILIES + STANDALONE; f++) {
      lines.push(
        `    fam${f}:`,
        `      vars:`,
        `        instance: ${i}-${f}`,
        `        size: ${(i + f) % 7}`,
      );
      instances++;
    }
    if (count > 0) {
      lines.push(
        `    fam0-extra:`,
        `      metadata:`,
        `        component: fam0`,
        `        inherits:`,
        `          - fam0`,
        `      vars:`,
        `        extra: true`,
      );
      instances++;
    }
    put(`stacks/orgs/org${org}/stack-${i}.yaml`, lines.join("\n") + "\n");
  }
  // Component folders exist, as validate expects; they are not manifests, so not counted.
  for (let f = 0; f < FAMILIES + STANDALONE; f++)
    write(root, `components/terraform/fam${f}/main.tf`, `variable "enabled" {}\n`);
  return { files, stacks: STACKS, instances };
}
