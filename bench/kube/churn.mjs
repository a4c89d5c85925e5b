// Steady churn, as the issue asks: `rate` pod creates and `rate` deletes per second (one of each every
// 1000/rate ms), the deletes taking the oldest pods first, so the cluster's pod count stays where the fill
// left it. Counts what was sent, what failed and how often it fell behind (a tick skipped because too many
// requests were still in flight), so a figure measured "during churn" says how much churn there really was.
import { podManifest } from "./fill.mjs";

/**
 * Starts churning. `oldest` lists pods ({namespace, name}) that may be deleted first. Returns
 * { stop(): Promise<stats>, stats() }.
 */
export function startChurn(api, { rate = 20, nodes = 100, oldest = [], namespace = "bench-churn" } = {}) {
  const queue = [...oldest];
  let head = 0;
  let seq = 0;
  let inFlight = 0;
  const s = { creates: 0, deletes: 0, failed: 0, behind: 0, lastError: "", started: performance.now() };
  const send = (method, path, body) => {
    inFlight++;
    return api
      .call(method, path, body)
      .then((r) => {
        if (r.status >= 300 && r.status !== 404) {
          s.failed++;
          s.lastError = `${method} ${r.status} ${r.json.message ?? ""}`;
        }
        return r.status;
      })
      .catch((e) => {
        s.failed++;
        s.lastError = e.message;
      })
      .finally(() => inFlight--);
  };
  const tick = () => {
    if (inFlight > 64) {
      s.behind++;
      return;
    }
    const pod = podManifest(seq, { nodes, prefix: `churn-${process.pid}`, namespace });
    seq++;
    s.creates++;
    send("POST", `/api/v1/namespaces/${namespace}/pods`, pod);
    queue.push({ namespace, name: pod.metadata.name });
    const victim = queue[head++];
    if (victim) {
      s.deletes++;
      send("DELETE", `/api/v1/namespaces/${victim.namespace}/pods/${victim.name}`);
    }
    // Keep the queue from growing without bound in a long run.
    if (head > 10_000) {
      queue.splice(0, head);
      head = 0;
    }
  };
  const timer = setInterval(tick, 1000 / rate);
  const stats = () => {
    const seconds = (performance.now() - s.started) / 1000;
    return { ...s, seconds, perSecond: s.creates / seconds };
  };
  return {
    stats,
    async stop() {
      clearInterval(timer);
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
      return stats();
    },
  };
}
