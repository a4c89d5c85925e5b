// A small client for the bench's own traffic to the test control plane: HTTPS over one keep-alive agent with
// the admin token, and a bounded pool of requests in flight. Not slipway's adapter — the load generator that
// fills and churns the cluster the adapter, `slipway status` and `slipway ui` are measured against.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { join } from "node:path";

/** A client for cluster `c` (the result of test/cluster/cluster.mjs up()). */
export function apiClient(c, { sockets = 32 } = {}) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: sockets,
    ca: readFileSync(join(c.dir, "pki", "apiserver.crt")),
  });
  const base = new URL(c.server);
  const headers = { authorization: `Bearer ${c.token}`, accept: "application/json" };
  /** One request; resolves {status, json}, never rejects on an HTTP status (the caller judges it). */
  const call = (method, path, body) =>
    new Promise((done, fail) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: text ? { ...headers, "content-type": "application/json" } : headers,
        },
        (res) => {
          const chunks = [];
          res.on("data", (d) => chunks.push(d));
          res.on("end", () => {
            const s = Buffer.concat(chunks).toString("utf8");
            let json;
            try {
              json = s ? JSON.parse(s) : {};
            } catch {
              json = { message: s };
            }
            done({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.on("error", fail);
      if (text) req.write(text);
      req.end();
    });
  /** `call` that throws unless the status is 2xx (or one of `accept`). */
  const must = async (method, path, body, accept = []) => {
    const r = await call(method, path, body);
    if ((r.status < 200 || r.status >= 300) && !accept.includes(r.status))
      throw new Error(`${method} ${path}: ${r.status} ${r.json.message ?? ""}`);
    return r;
  };
  return { call, must, close: () => agent.destroy() };
}

/** Runs `fn` over `items` with at most `limit` in flight; resolves when all are done (first error rejects). */
export async function inParallel(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
