// The test control plane. NOT a test double: the real etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler (built by `npm run peers`), on 127.0.0.1, with kwok simulating the kubelets — the nodes it
// manages report Ready and run the pods the scheduler binds to them. Everything an API client sees (admission,
// validation, watches, evictions, controllers) is the API server's own behaviour.
//
//   npm run --silent test-cluster -- up [--nodes N] [--dir DIR]   start it; prints the kubeconfig path
//   npm run --silent test-cluster -- down [--dir DIR]             stop every process, remove every file
//
// Pod logs: kwok also serves the kubelet API (logs, with follow) on 127.0.0.1:<kubeletPort>, the nodes' address
// and port. It answers every container of every pod from one file in CRI log format (`podLog` of up()'s result;
// append podLogLine(text) to it), so `kubectl logs -f` goes through the API server to kwok as to a kubelet. The
// API server checks kwok's certificate (self-signed for IP 127.0.0.1, made by openssl) and nothing else listens.
//
// Tests call up() / down() directly (test/cluster.ts). State lives in one folder: certificates, tokens, etcd's
// data, logs and state.json (the process ids), so down() leaves nothing behind.
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { binDir } from "../../scripts/peers.mjs";

const BINARIES = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kwok",
  "kwok-stages.yaml",
];
/** The annotation kwok looks for: only nodes carrying it are simulated, nothing else is touched. */
export const KWOK_ANNOTATION = "kwok.x-k8s.io/node";

/** Which binaries the control plane needs that `npm run peers` has not built (empty when all are there). */
export function missingBinaries(bin = binDir()) {
  return BINARIES.filter((b) => !existsSync(join(bin, b)));
}

const freePort = () =>
  new Promise((done, fail) => {
    const s = createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(state, name, argv) {
  const log = openSync(join(state.dir, "logs", `${name}.log`), "a");
  // Own process group, so down() can stop a component and anything it started in one signal.
  const child = spawn(join(state.bin, argv[0]), argv.slice(1), {
    cwd: state.dir,
    detached: true,
    stdio: ["ignore", log, log],
  });
  child.unref();
  state.pids[name] = child.pid;
  writeFileSync(join(state.dir, "state.json"), JSON.stringify(state, null, 2));
}

function kubectl(kubeconfig, args, input) {
  return spawnSync("kubectl", ["--kubeconfig", kubeconfig, ...args], { input, encoding: "utf8" });
}

async function waitFor(what, deadline, test, state) {
  while (Date.now() < deadline) {
    if (await test()) return;
    for (const [name, pid] of Object.entries(state.pids))
      if (!alive(pid))
        throw new Error(
          `${name} exited while waiting for ${what}; see ${join(state.dir, "logs", name + ".log")}`,
        );
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}; logs in ${join(state.dir, "logs")}`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function kubeconfigText(server, ca, token, user) {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: slipway-test`,
    `  cluster: {server: "${server}", certificate-authority-data: ${Buffer.from(ca).toString("base64")}}`,
    "users:",
    `- name: ${user}`,
    `  user: {token: ${token}}`,
    "contexts:",
    `- name: slipway-test`,
    `  context: {cluster: slipway-test, user: ${user}}`,
    "current-context: slipway-test",
    "",
  ].join("\n");
}

/** Simulated nodes: kwok keeps them Ready (heartbeats, leases) and runs the pods bound to them. */
export function nodeManifests(count, prefix = "kwok-node") {
  const items = Array.from({ length: count }, (_, i) => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: `${prefix}-${i}`,
      annotations: { [KWOK_ANNOTATION]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": `${prefix}-${i}`,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
      },
    },
    status: {
      allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
      capacity: { cpu: "4", memory: "8Gi", pods: "110" },
    },
  }));
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

/** kwok's kubelet certificate: self-signed for IP 127.0.0.1, so the API server can trust exactly it. */
function kubeletCertificate(pki) {
  const r = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=kwok-kubelet",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(pki, "kwok.key"),
      "-out",
      join(pki, "kwok.crt"),
    ],
    { encoding: "utf8" },
  );
  if (r.error || r.status !== 0)
    throw new Error(`openssl could not make kwok's kubelet certificate: ${r.error?.message ?? r.stderr}`);
}

/** kwok's ClusterLogs: every container of every pod logs what `file` holds (follow: lines appended later). */
function podLogsConfig(file) {
  return [
    "apiVersion: kwok.x-k8s.io/v1alpha1",
    "kind: ClusterLogs",
    "metadata: {name: pod-log}",
    "spec:",
    "  selector: {}",
    `  logs: [{logsFile: ${JSON.stringify(file)}, follow: true}]`,
    "",
  ].join("\n");
}

/** One line of a container log as the kubelet stores it (CRI format), to append to up()'s `podLog`. */
export function podLogLine(text, stream = "stdout", at = new Date()) {
  return `${at.toISOString()} ${stream} F ${text}\n`;
}

/**
 * Starts the control plane in `dir` (created; must not hold a running one) with `nodes` simulated nodes.
 * Resolves when the API server is ready and every node is Ready. Returns {dir, kubeconfig, server, token, seconds}.
 */
export async function up(opts = {}) {
  try {
    return await start0(opts);
  } catch (e) {
    // Never leave half a control plane running.
    await down({ dir: opts.dir ?? defaultDir() });
    throw e;
  }
}

async function start0({ dir = defaultDir(), nodes = 3, bin = binDir(), timeoutMs = 60_000 } = {}) {
  const missing = missingBinaries(bin);
  if (missing.length)
    throw new Error(`the test control plane needs ${missing.join(", ")}: run \`npm run peers\``);
  if (existsSync(join(dir, "state.json"))) await down({ dir });
  const started = Date.now();
  const deadline = started + timeoutMs;
  mkdirSync(join(dir, "logs"), { recursive: true });
  mkdirSync(join(dir, "pki"), { recursive: true });
  const [etcdClient, etcdPeer, apiPort, kubeletPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const state = { dir, bin, pids: {}, server: `https://127.0.0.1:${apiPort}` };

  const sa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "pki", "sa.key"), sa.privateKey.export({ type: "pkcs1", format: "pem" }), {
    mode: 0o600,
  });
  writeFileSync(join(dir, "pki", "sa.pub"), sa.publicKey.export({ type: "spki", format: "pem" }));
  kubeletCertificate(join(dir, "pki"));
  const podLog = join(dir, "pod.log");
  writeFileSync(podLog, "");
  writeFileSync(join(dir, "kwok-logs.yaml"), podLogsConfig(podLog));
  const token = randomBytes(24).toString("hex");
  writeFileSync(join(dir, "tokens.csv"), `${token},slipway-admin,slipway-admin,"system:masters"\n`, {
    mode: 0o600,
  });

  start(state, "etcd", [
    "etcd",
    `--data-dir=${join(dir, "etcd")}`,
    "--name=slipway-test",
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=slipway-test=http://127.0.0.1:${etcdPeer}`,
    "--unsafe-no-fsync",
    "--log-level=warn",
  ]);
  start(state, "kube-apiserver", [
    "kube-apiserver",
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, "pki")}`,
    `--token-auth-file=${join(dir, "tokens.csv")}`,
    "--authorization-mode=RBAC",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${join(dir, "pki", "sa.pub")}`,
    `--service-account-signing-key-file=${join(dir, "pki", "sa.key")}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    "--allow-privileged=true",
    "--profiling=false",
    // Reach the kubelets (kwok) at the nodes' InternalIP (127.0.0.1) and trust only kwok's own certificate.
    "--kubelet-preferred-address-types=InternalIP",
    `--kubelet-certificate-authority=${join(dir, "pki", "kwok.crt")}`,
  ]);
  // The API server writes its self-signed certificate (with the CA that signed it) into --cert-dir.
  const crt = join(dir, "pki", "apiserver.crt");
  await waitFor("the API server's certificate", deadline, () => existsSync(crt), state);
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, kubeconfigText(state.server, readFileSync(crt), token, "slipway-admin"), {
    mode: 0o600,
  });
  await waitFor(
    "the API server to be ready",
    deadline,
    () => kubectl(kubeconfig, ["get", "--raw", "/readyz"]).status === 0,
    state,
  );

  start(state, "kube-controller-manager", [
    "kube-controller-manager",
    `--kubeconfig=${kubeconfig}`,
    "--leader-elect=false",
    "--secure-port=0",
    `--service-account-private-key-file=${join(dir, "pki", "sa.key")}`,
    `--root-ca-file=${crt}`,
    "--use-service-account-credentials=false",
  ]);
  start(state, "kube-scheduler", [
    "kube-scheduler",
    `--kubeconfig=${kubeconfig}`,
    "--leader-elect=false",
    "--secure-port=0",
  ]);
  start(state, "kwok", [
    "kwok",
    `--kubeconfig=${kubeconfig}`,
    "--manage-all-nodes=false",
    `--manage-nodes-with-annotation-selector=${KWOK_ANNOTATION}=fake`,
    `--config=${join(state.bin, "kwok-stages.yaml")}`,
    `--config=${join(dir, "kwok-logs.yaml")}`,
    "--node-lease-duration-seconds=40",
    "--cidr=10.0.0.1/24",
    // The kubelet API (logs): the address and port kwok writes into every node's status, on loopback only.
    "--node-ip=127.0.0.1",
    `--node-port=${kubeletPort}`,
    `--server-address=127.0.0.1:${kubeletPort}`,
    `--tls-cert-file=${join(dir, "pki", "kwok.crt")}`,
    `--tls-private-key-file=${join(dir, "pki", "kwok.key")}`,
  ]);
  if (nodes > 0) {
    const r = kubectl(kubeconfig, ["create", "-f", "-"], nodeManifests(nodes));
    if (r.status !== 0) throw new Error(`creating the simulated nodes failed: ${r.stderr}`);
    await waitFor(
      `${nodes} Ready nodes`,
      deadline,
      () => {
        const r = kubectl(kubeconfig, [
          "get",
          "nodes",
          "-o",
          "jsonpath={.items[*].status.conditions[?(@.type=='Ready')].status}",
        ]);
        return r.status === 0 && r.stdout.split(" ").filter((s) => s === "True").length === nodes;
      },
      state,
    );
  }
  // The default service account is what pods run as; admission refuses pods until the controller made it.
  await waitFor(
    "the default service account",
    deadline,
    () => kubectl(kubeconfig, ["get", "serviceaccount", "default", "-n", "default"]).status === 0,
    state,
  );
  return {
    dir,
    kubeconfig,
    server: state.server,
    token,
    podLog,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Stops every process up() started (TERM, then KILL after 3 s) and removes the folder. */
export async function down({ dir = defaultDir() } = {}) {
  const file = join(dir, "state.json");
  if (existsSync(file)) {
    const { pids } = JSON.parse(readFileSync(file, "utf8"));
    const order = ["kwok", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"];
    for (const name of order) {
      const pid = pids[name];
      if (!pid || !alive(pid)) continue;
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    // A throwaway cluster: a short grace period, then KILL (the API server drains for longer than that).
    const deadline = Date.now() + 3_000;
    while (Object.values(pids).some(alive) && Date.now() < deadline) await sleep(100);
    for (const pid of Object.values(pids).filter(alive)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    while (Object.values(pids).some(alive)) await sleep(50);
  }
  rmSync(dir, { recursive: true, force: true });
}

function defaultDir() {
  return join(tmpdir(), `slipway-test-cluster-${process.getuid?.() ?? "user"}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [verb, ...rest] = process.argv.slice(2);
  const opt = (name) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const dir = opt("--dir") ?? defaultDir();
  const main = async () => {
    if (verb === "up") {
      const c = await up({ dir, nodes: Number(opt("--nodes") ?? 3) });
      process.stderr.write(
        `test-cluster: up in ${c.seconds.toFixed(1)} s (${c.server}); stop it with: npm run test-cluster -- down\n`,
      );
      process.stdout.write(c.kubeconfig + "\n");
    } else if (verb === "down") {
      await down({ dir });
    } else {
      process.stderr.write(
        "usage: npm run --silent test-cluster -- up [--nodes N] [--dir DIR] | down [--dir DIR]\n",
      );
      process.exitCode = 2;
    }
  };
  main().catch((e) => {
    process.stderr.write(`test-cluster: ${e.message}\n`);
    process.exitCode = 1;
  });
}
