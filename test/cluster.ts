// The test control plane for vitest: one per test file that asks for it, started in beforeAll and stopped in
// afterAll. It is the real API server (with etcd, controller-manager, scheduler) and kwok's simulated
// kubelets — not a test double (see test/cluster/cluster.mjs).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
// @ts-expect-error plain ESM script without types
import { down, up } from "./cluster/cluster.mjs";
import { tempDir } from "./helpers.js";
import { havePeers } from "./peers.js";

export interface TestCluster {
  dir: string;
  kubeconfig: string;
  server: string;
  token: string;
  /** The file kwok serves as every container's log (append podLogLine() lines from cluster.mjs). */
  podLog: string;
  seconds: number;
}

/** True when the control plane's peers are built; otherwise prints why the group skips. */
export function haveCluster(what: string): boolean {
  return havePeers(what, "etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok");
}

/** Starts a control plane for this file's tests; the returned object is filled in by beforeAll. */
export function useCluster(opts: { nodes?: number } = {}): TestCluster {
  const cluster = { dir: "", kubeconfig: "", server: "", token: "", podLog: "", seconds: 0 };
  beforeAll(async () => {
    const c = (await up({ dir: join(tempDir(), "cluster"), nodes: opts.nodes ?? 2 })) as TestCluster;
    Object.assign(cluster, c);
  }, 120_000);
  afterAll(async () => {
    if (cluster.dir) await down({ dir: cluster.dir });
  }, 60_000);
  return cluster;
}

/** kubectl against the test cluster. */
export function kubectl(c: TestCluster, args: string[], input?: string) {
  const r = spawnSync("kubectl", ["--kubeconfig", c.kubeconfig, ...args], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One request to the test API server (its own CA, the admin token); the body parsed as JSON. */
export function apiRequest(
  c: TestCluster,
  method: string,
  path: string,
  body?: string,
  contentType = "application/json",
): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(path, c.server);
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method,
        ca: readFileSync(join(c.dir, "pki", "apiserver.crt")),
        headers: {
          authorization: `Bearer ${c.token}`,
          "content-type": contentType,
          accept: "application/json",
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d));
        res.on("end", () =>
          done({
            status: res.statusCode ?? 0,
            json: parseBody(text),
          }),
        );
      },
    );
    req.on("error", fail);
    if (body) req.write(body);
    req.end();
  });
}

/** A response body: JSON when it is (a 404 for an unknown API is plain text). */
function parseBody(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return { message: text.trim() };
  }
}

const discovery = new Map<
  string,
  Promise<{ name: string; kind: string; namespaced: boolean }[] | undefined>
>();

/**
 * A server-side apply as a dry run with strict field validation — what `kubectl apply --server-side
 * --dry-run=server --validate=strict` sends — over HTTPS, without a kubectl process per object.
 * `served: false` when the server has no such apiVersion or kind.
 */
export async function dryRunApply(
  c: TestCluster,
  obj: Record<string, unknown>,
): Promise<{ served: boolean; ok: boolean; message?: string }> {
  const apiVersion = String(obj.apiVersion);
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  let d = discovery.get(`${c.server}${base}`);
  if (!d) {
    d = apiRequest(c, "GET", base).then((r) =>
      r.status === 200
        ? (r.json.resources as { name: string; kind: string; namespaced: boolean }[])
        : undefined,
    );
    discovery.set(`${c.server}${base}`, d);
  }
  const resource = (await d)?.find((x) => x.kind === obj.kind && !x.name.includes("/"));
  if (!resource)
    return { served: false, ok: false, message: `the server serves no ${String(obj.kind)} in ${apiVersion}` };
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  const ns = resource.namespaced ? `/namespaces/${String(meta.namespace ?? "default")}` : "";
  const path = `${base}${ns}/${resource.name}/${encodeURIComponent(String(meta.name))}?dryRun=All&fieldManager=oracle&fieldValidation=Strict&force=true`;
  const r = await apiRequest(c, "PATCH", path, JSON.stringify(obj), "application/apply-patch+yaml");
  return r.status < 300
    ? { served: true, ok: true }
    : { served: true, ok: false, message: String(r.json.message ?? r.status) };
}
