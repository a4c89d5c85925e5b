import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { errorFromNetwork, errorFromStatus, type KubeTarget } from "./errors.js";

// Requests to one API server with the credentials @kubernetes/client-node resolves from the kubeconfig
// (certificates, tokens, exec and OIDC plugins — `applyToHTTPSOptions`). Bodies are read as text and parsed
// here, never through the generated model classes: converting 10,000 pods into class instances costs more than
// the list itself. Watches and logs are line streams on the same agent; client-node's own Watch drops lines it
// cannot parse and keeps only the status text of a refusal, and slipway reports both.

export interface RequestOptions {
  body?: string;
  contentType?: string;
  /** Gives up (as unreachable) when no answer has come by then. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class KubeHttp {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(
    private readonly config: KubeConfig,
    readonly target: KubeTarget,
  ) {
    this.base = new URL(target.server);
    const Agent = this.base.protocol === "http:" ? http.Agent : https.Agent;
    // Keep-alive: a view opens a dozen lists and watches at once, and every one would otherwise pay a TLS handshake.
    this.agent = new Agent({ keepAlive: true, maxSockets: 32 });
  }

  private async options(method: string, path: string, o: RequestOptions): Promise<https.RequestOptions> {
    const url = new URL(this.base.pathname.replace(/\/$/, "") + path, this.base);
    const opts: https.RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { accept: "application/json" },
      agent: this.agent,
    };
    await this.config.applyToHTTPSOptions(opts);
    opts.agent = this.agent;
    if (o.body !== undefined)
      opts.headers = { ...opts.headers, "content-type": o.contentType ?? "application/json" };
    return opts;
  }

  private open(method: string, path: string, o: RequestOptions): Promise<http.IncomingMessage> {
    const what = `${method} ${path.split("?")[0]}`;
    return this.options(method, path, o).then(
      (opts) =>
        new Promise((done, fail) => {
          const send = this.base.protocol === "http:" ? http.request : https.request;
          // The agent carries no TLS settings of its own: with keep-alive, pass them per request.
          const req = send({ ...opts, signal: o.signal }, done);
          req.on("error", (e) => fail(errorFromNetwork(this.target, what, e)));
          if (o.timeoutMs)
            req.setTimeout(o.timeoutMs, () =>
              req.destroy(Object.assign(new Error(`no answer in ${o.timeoutMs} ms`), { code: "ETIMEDOUT" })),
            );
          req.end(o.body);
        }),
    );
  }

  /** One request; the answer's text, or a KubeError for a refusal or a lost connection. */
  async text(method: string, path: string, o: RequestOptions = {}): Promise<string> {
    const res = await this.open(method, path, o);
    const what = `${method} ${path.split("?")[0]}`;
    const body = await new Promise<string>((done, fail) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
      res.on("error", (e) => fail(errorFromNetwork(this.target, what, e)));
    });
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) throw errorFromStatus(this.target, what, status, body);
    return body;
  }

  /** One request, its answer parsed as JSON. */
  async json<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    return JSON.parse(await this.text(method, path, o)) as T;
  }

  /**
   * A streaming GET (watch, log follow): each line of the answer is handed over as it arrives. Resolves when
   * the server ends the stream or the signal aborts; rejects with a KubeError on a refusal or a lost connection.
   */
  async lines(path: string, onLine: (line: string) => void, o: RequestOptions = {}): Promise<void> {
    const what = `GET ${path.split("?")[0]}`;
    let res: http.IncomingMessage;
    try {
      res = await this.open("GET", path, o);
    } catch (e) {
      if (o.signal?.aborted) return;
      throw e;
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw errorFromStatus(this.target, what, status, Buffer.concat(chunks).toString("utf8"));
    }
    await new Promise<void>((done, fail) => {
      // Lines are cut from the bytes and decoded one by one: a line split from a decoded chunk would be a
      // slice of it, and one kept line (a log ring holds thousands) would keep its whole chunk alive.
      let rest: Buffer = Buffer.alloc(0);
      res.on("data", (chunk: Buffer) => {
        const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
        let from = 0;
        for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, from)) {
          onLine(buf.toString("utf8", from, nl));
          from = nl + 1;
        }
        rest = Buffer.from(buf.subarray(from));
      });
      res.on("end", () => {
        if (rest.length) onLine(rest.toString("utf8"));
        done();
      });
      res.on("error", (e) => (o.signal?.aborted ? done() : fail(errorFromNetwork(this.target, what, e))));
      res.on("close", () =>
        o.signal?.aborted || res.complete
          ? done()
          : fail(
              errorFromNetwork(
                this.target,
                what,
                Object.assign(new Error("connection closed"), { code: "ECONNRESET" }),
              ),
            ),
      );
    });
  }

  close(): void {
    // A response that ended just before the close hands its socket back to the pool just after it: destroy
    // those too, or one idle keep-alive socket holds the process open.
    this.agent.on("free", (socket: { destroy(): void }) => socket.destroy());
    this.agent.destroy();
  }
}
