// One measurement in a process of its own (so its RSS is its own): list+watch pods, events and nodes of the
// test control plane until every list has arrived, then hold the watches `holdMs` and report, as one JSON line:
// ms to synced (from process start and from the first call), object counts, RSS and heap.
//   node bench/kube/adapter-probe.mjs slipway <kubeconfig> [holdMs]      slipway's adapter (dist/kube/cluster.js)
//   node bench/kube/adapter-probe.mjs client-node <kubeconfig> [holdMs]  @kubernetes/client-node's informers alone
//   node bench/kube/adapter-probe.mjs raw <kubeconfig> [holdMs]          plain https paged lists into Maps: the floor
//   node bench/kube/adapter-probe.mjs import <kubeconfig> [holdMs]       only importing client-node (its fixed cost)
//   node bench/kube/adapter-probe.mjs follow <kubeconfig>                slipway's adapter held open (see follow())
const [mode, kubeconfig, hold = "0"] = process.argv.slice(2);
const startedAt = performance.timeOrigin;
const sinceStart = () => Date.now() - startedAt;

async function slipway() {
  const { openCluster } = await import("../../dist/kube/cluster.js");
  const { PODS, EVENTS, NODES } = await import("../../dist/kube/resources.js");
  const t0 = performance.now();
  const view = await openCluster({ kubeconfig, readonly: true });
  const collections = [PODS, EVENTS, NODES].map((t) => view.watch(t));
  await view.synced();
  const ms = performance.now() - t0;
  const counts = Object.fromEntries(collections.map((c) => [c.type.resource, c.size]));
  return { ms, counts, close: () => view.close() };
}

async function clientNode() {
  const k8s = await import("@kubernetes/client-node");
  const t0 = performance.now();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informers = {
    pods: k8s.makeInformer(kc, "/api/v1/pods", () => core.listPodForAllNamespaces()),
    events: k8s.makeInformer(kc, "/api/v1/events", () => core.listEventForAllNamespaces()),
    nodes: k8s.makeInformer(kc, "/api/v1/nodes", () => core.listNode()),
  };
  await Promise.all(Object.values(informers).map((i) => i.start()));
  const ms = performance.now() - t0;
  const counts = Object.fromEntries(Object.entries(informers).map(([k, i]) => [k, i.list().length]));
  return { ms, counts, close: () => Promise.all(Object.values(informers).map((i) => i.stop())) };
}

/** The floor: what holding these objects costs in Node with no library — paged lists, JSON.parse, a Map each. */
async function raw() {
  const { readFileSync } = await import("node:fs");
  const { Agent, request } = await import("node:https");
  const text = readFileSync(kubeconfig, "utf8");
  const server = /server: "([^"]+)"/.exec(text)[1];
  const ca = Buffer.from(/certificate-authority-data: (\S+)\}/.exec(text)[1], "base64");
  const token = /token: (\S+)\}/.exec(text)[1];
  const agent = new Agent({ keepAlive: true, ca });
  const get = (path) =>
    new Promise((done, fail) => {
      const req = request(
        new URL(path, server),
        { agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          const chunks = [];
          res.on("data", (d) => chunks.push(d));
          res.on("end", () => done(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        },
      );
      req.on("error", fail);
      req.end();
    });
  const t0 = performance.now();
  const maps = {};
  await Promise.all(
    ["pods", "events", "nodes"].map(async (resource) => {
      const m = (maps[resource] = new Map());
      let token = "";
      do {
        const page = await get(
          `/api/v1/${resource}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
        );
        for (const o of page.items) m.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
        token = page.metadata.continue ?? "";
      } while (token);
    }),
  );
  const ms = performance.now() - t0;
  const counts = Object.fromEntries(Object.entries(maps).map(([k, m]) => [k, m.size]));
  return { ms, counts, close: async () => agent.destroy() };
}

async function importOnly() {
  const t0 = performance.now();
  await import("@kubernetes/client-node");
  return { ms: performance.now() - t0, counts: {}, close: async () => {} };
}

/**
 * The adapter as a long-lived view uses it: pods, events and nodes watched, the chatty pod's log followed into a
 * ring of 1,000 lines. Prints "synced" once, then "seen <name>" in the first batch whose pods collection holds a
 * pod the parent named on stdin ("want <namespace>/<name>"), until stdin closes; then the usual JSON line.
 */
async function follow() {
  const { openCluster } = await import("../../dist/kube/cluster.js");
  const { PODS, EVENTS, NODES } = await import("../../dist/kube/resources.js");
  const t0 = performance.now();
  const view = await openCluster({ kubeconfig, readonly: true });
  const [pods] = [PODS, EVENTS, NODES].map((t) => view.watch(t));
  await view.synced();
  const ms = performance.now() - t0;
  process.stdout.write("synced\n");
  const wanted = new Map();
  view.subscribe(() => {
    for (const [key, [ns, name]] of wanted)
      if (pods.get(ns, name)) {
        wanted.delete(key);
        process.stdout.write(`seen ${key}\n`);
      }
  });
  const ring = new Array(1000);
  let lines = 0;
  const abort = new AbortController();
  const logs = view
    .logs("bench-0", "chatty", (line) => (ring[lines++ % ring.length] = line), {
      follow: true,
      tailLines: 100,
      signal: abort.signal,
    })
    .catch((e) => (abort.signal.aborted ? undefined : process.stderr.write(`logs: ${e.message}\n`)));
  let buffered = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => {
    const parts = (buffered + d).split("\n");
    buffered = parts.pop();
    for (const p of parts) if (p.startsWith("want ")) wanted.set(p.slice(5), p.slice(5).split("/"));
  });
  await new Promise((done) => process.stdin.on("end", done));
  abort.abort();
  await logs;
  return { ms, counts: { pods: pods.size, "log lines": lines }, close: () => view.close() };
}

const modes = { slipway, "client-node": clientNode, raw, import: importOnly, follow };
const r = await modes[mode]();
const fromStart = sinceStart();
await new Promise((done) => setTimeout(done, Number(hold)));
const rss = process.memoryUsage().rss / 2 ** 20;
const heap = process.memoryUsage().heapUsed / 2 ** 20;
process.stdout.write(JSON.stringify({ mode, ms: r.ms, fromStart, counts: r.counts, rss, heap }) + "\n");
await r.close();
process.exit(0);
