// Captures each view of `slipway ui` as text, from a real pseudo-terminal (test/tui/pty-screen.mjs) against a
// test control plane, and writes them with the key table into the README's "Terminal UI" section (between
// its markers). Run after `npm run build`, with the peers built: node scripts/capture-ui.mjs
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { down, up } from "../test/cluster/cluster.mjs";
import { KEYS, spawnUi } from "../test/tui/pty-screen.mjs";
import { ACTIONS } from "../dist/tui/keys.js";
import { binDir } from "./peers.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const START = "<!-- ui-capture:start -->";
const END = "<!-- ui-capture:end -->";
const work = mkdtempSync(join(tmpdir(), "slipway-capture-ui-"));

function kubectl(c, args, input) {
  const r = spawnSync("kubectl", ["--kubeconfig", c.kubeconfig, ...args], { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A small platform: two teams' Deployments and Services, a pod that cannot be scheduled, Flux objects. */
function seed(c) {
  for (const ns of ["shop", "infra", "flux-system"]) kubectl(c, ["create", "namespace", ns]);
  kubectl(c, ["-n", "shop", "create", "deployment", "web", "--image=nginx:1.27", "--replicas=3"]);
  kubectl(c, ["-n", "shop", "set", "resources", "deployment", "web", "--requests=cpu=250m,memory=128Mi"]);
  kubectl(c, ["-n", "shop", "expose", "deployment", "web", "--port=80"]);
  kubectl(c, ["-n", "shop", "create", "service", "clusterip", "orphan", "--tcp=8080:8080"]);
  kubectl(c, ["-n", "infra", "create", "deployment", "cache", "--image=redis:7", "--replicas=2"]);
  kubectl(c, [
    "-n",
    "shop",
    "run",
    "stuck",
    "--image=busybox",
    '--overrides={"spec":{"nodeSelector":{"gpu":"a100"}}}',
  ]);
  kubectl(c, ["label", "node", "kwok-node-0", "node-role.kubernetes.io/control-plane=", "zone=attic"]);
  // Flux's CRDs (the controller-gen output the peers build); no Flux controllers run, so the status a
  // controller would write is written here through the status subresource.
  const crds = join(binDir(), "flux-crds");
  for (const f of readdirSync(crds).filter((n) =>
    /^(kustomize|source)\.toolkit.*(kustomizations|gitrepositories)\.yaml$/.test(n),
  ))
    kubectl(c, ["apply", "--server-side", "-f", join(crds, f)]);
  kubectl(c, [
    "wait",
    "--for=condition=Established",
    "crd/kustomizations.kustomize.toolkit.fluxcd.io",
    "crd/gitrepositories.source.toolkit.fluxcd.io",
  ]);
  const objects = [
    [
      "source.toolkit.fluxcd.io/v1",
      "GitRepository",
      "flux-system",
      { interval: "1m", url: "https://git.example.org/platform.git", ref: { branch: "main" } },
      {
        artifact: {
          revision: "main@sha1:4f2a9c1be07d3a5f6e8b9c0d1e2f3a4b5c6d7e8f",
          path: "x",
          url: "http://x",
          lastUpdateTime: "2026-12-01T00:00:00Z",
          digest: "sha256:0",
        },
        conditions: [cond("True", "Succeeded", "stored artifact for revision 'main@sha1:4f2a9c1b'")],
      },
    ],
    [
      "kustomize.toolkit.fluxcd.io/v1",
      "Kustomization",
      "infra",
      {
        interval: "10m",
        path: "./clusters/pi-prod/infra",
        prune: true,
        sourceRef: { kind: "GitRepository", name: "flux-system" },
      },
      {
        lastAppliedRevision: "main@sha1:4f2a9c1be07d3a5f6e8b9c0d1e2f3a4b5c6d7e8f",
        conditions: [cond("True", "ReconciliationSucceeded", "Applied revision: main@sha1:4f2a9c1b")],
      },
    ],
    [
      "kustomize.toolkit.fluxcd.io/v1",
      "Kustomization",
      "apps",
      {
        interval: "10m",
        path: "./clusters/pi-prod/apps",
        prune: true,
        sourceRef: { kind: "GitRepository", name: "flux-system" },
      },
      {
        lastAttemptedRevision: "main@sha1:4f2a9c1be07d3a5f6e8b9c0d1e2f3a4b5c6d7e8f",
        conditions: [
          cond("False", "HealthCheckFailed", "health check failed after 5m: Deployment/shop/api not found"),
        ],
      },
    ],
  ];
  for (const [apiVersion, kind, name, spec, status] of objects) {
    const obj = { apiVersion, kind, metadata: { name, namespace: "flux-system" }, spec };
    kubectl(c, ["apply", "-f", "-"], JSON.stringify(obj));
    const plural = kind === "Kustomization" ? "kustomizations" : "gitrepositories";
    kubectl(c, [
      "-n",
      "flux-system",
      "patch",
      `${plural}.${apiVersion.split("/")[0]}`,
      name,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status }),
    ]);
  }
}

function cond(status, reason, message) {
  return {
    type: "Ready",
    status,
    reason,
    message,
    lastTransitionTime: "2026-12-01T00:00:00Z",
    observedGeneration: 1,
  };
}

const VIEWS = [
  ["Nodes", [], /kwok-node-2 /],
  ["Workloads", [":workloads", KEYS.enter], /Workloads · ns: all · 2\/2/],
  ["Services", [":svc", KEYS.enter], /orphan/],
  ["Pods", [":pods", KEYS.enter], /stuck/],
  ["Events (warnings first)", [":events", KEYS.enter], /FailedScheduling/],
  ["GitOps", [":gitops", KEYS.enter], /HealthCheckFailed/],
  ["Stack (declared against running)", [":stack", KEYS.enter], /not declared/],
  [
    "Detail: a pod's YAML and, under it, its events",
    [":pods", KEYS.enter, "/stuck", KEYS.enter, KEYS.enter, "G"],
    /Events \(1\)/,
  ],
  ["Help (?)", ["?"], /Keys \(any key closes\)/],
];

const c = await up({ dir: join(work, "cluster"), nodes: 3 });
const captures = [];
try {
  seed(c);
  const repo = join(work, "repo");
  const init = spawnSync(
    process.execPath,
    [join(root, "bin", "slipway.js"), "init", "--flavour", "pi", repo],
    { encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(init.stderr);
  await new Promise((r) => setTimeout(r, 3000));
  for (const [title, keys, ready] of VIEWS) {
    const ui = spawnUi(["ui", "-s", "pi-prod", "--kubeconfig", c.kubeconfig, "--context", "slipway-test"], {
      cwd: repo,
      env: { XDG_CONFIG_HOME: join(work, "no-config"), NO_COLOR: "1" },
      cols: 150,
      rows: 20,
    });
    try {
      await ui.waitFor(/kwok-node-2/);
      for (const k of keys) ui.press(k);
      const screen = await ui.waitFor(ready);
      captures.push([
        title,
        screen
          .split("\n")
          .map((l) => l.trimEnd())
          .join("\n"),
      ]);
    } finally {
      ui.kill();
    }
  }
} finally {
  await down({ dir: c.dir });
  rmSync(work, { recursive: true, force: true });
}

const keyTable = [
  "| keys | action | what it does |",
  "| ---- | ------ | ------------ |",
  ...ACTIONS.map(
    (a) =>
      `| ${a.keys.map((k) => `\`${k}\``).join(" ")} | ${a.action} | ${a.help.replace(/\|/g, "\\|")}${a.mutating ? " (refused under `--readonly`)" : ""} |`,
  ),
];
const section = [
  START,
  "",
  "Captured from a pseudo-terminal (150 × 20) against the test control plane by `node scripts/capture-ui.mjs`",
  "(3 kwok nodes, two namespaces' Deployments, a pod no node can take, Flux objects with the status a controller",
  "writes). The screens are text; on a terminal the health cells are coloured (green/yellow/red) unless",
  "`NO_COLOR` is set, and the selected row is shown inverted.",
  "",
  ...captures.flatMap(([title, screen]) => [`**${title}**`, "", "```text", screen, "```", ""]),
  "**Keys** (rebind any of them in `$XDG_CONFIG_HOME/slipway/ui.yaml` or `--keys FILE`: `keys: {cordon: C, down: [j, down]}`)",
  "",
  ...keyTable,
  "",
  END,
].join("\n");

const readme = join(root, "README.md");
const text = readFileSync(readme, "utf8");
const next = text.includes(START)
  ? text.slice(0, text.indexOf(START)) + section + text.slice(text.indexOf(END) + END.length)
  : text.replace(
      "\n## Layout of this repository",
      `\n## Terminal UI: \`slipway ui -s <stack>\`\n\n${section}\n\n## Layout of this repository`,
    );
// Written as prettier writes it, so `npm run lint` (prettier --check) holds after a capture.
const prettier = await import("prettier");
const options = (await prettier.resolveConfig(readme)) ?? {};
writeFileSync(readme, await prettier.format(next, { ...options, filepath: readme }));
console.log(`README.md: ${captures.length} views captured`);
