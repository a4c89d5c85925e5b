import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SlipwayError } from "../core/errors.js";
import type { RuleHit } from "./rules.js";
import type { ManifestObject } from "./types.js";
import { map, type Json } from "./json.js";

// `validate manifests --server`: every object goes to a real cluster as a server-side dry run — kubectl
// `apply --dry-run=server` (`create` for generateName), strict field validation — in two kubectl runs, one file
// per object so each error names its object. Nothing is ever persisted: dryRun is enforced by the server.

export interface ServerCheckOptions {
  /** The kubeconfig context; the current one when not given. */
  context?: string;
  /** A file's text (as findings name it): files holding `{{` are templates, not sent. */
  readText?: (file: string) => string | undefined;
  /** The environment kubectl runs in (KUBECONFIG). */
  env?: NodeJS.ProcessEnv;
}

export interface ServerCheckReport {
  hits: RuleHit[];
  context: string;
  server: string;
  sent: number;
  rejected: number;
  /** Objects not sent, or whose verdict says nothing about them, with the reason. */
  skipped: { reason: string; count: number }[];
}

function run(args: string[], env: NodeJS.ProcessEnv | undefined) {
  const r = spawnSync("kubectl", args, { encoding: "utf8", env, maxBuffer: 1 << 28 });
  if (r.error)
    throw new SlipwayError({ code: "io", message: `--server: cannot run kubectl: ${r.error.message}` });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** The context to use and its API server's URL; a clear error for an unknown context or an unreachable server. */
function resolveContext(opts: ServerCheckOptions): { context: string; server: string } {
  const view = run(["config", "view", "-o", "json"], opts.env);
  const config = map(view.code === 0 ? JSON.parse(view.stdout || "{}") : {});
  const contexts = ((config.contexts as Json[] | undefined) ?? []).map(map);
  const name =
    opts.context ?? (typeof config["current-context"] === "string" ? config["current-context"] : "");
  const where = (opts.env ?? process.env).KUBECONFIG ?? "~/.kube/config";
  const ctx = contexts.find((c) => c.name === name);
  if (!ctx)
    throw new SlipwayError({
      code: "config",
      message: name
        ? `--server: no context ${name} in the kubeconfig (${where})`
        : `--server: the kubeconfig (${where}) has no current context`,
      hint: contexts.length
        ? `contexts: ${contexts.map((c) => String(c.name)).join(", ")}; pick one with --context`
        : "point KUBECONFIG at the cluster's kubeconfig, or run without --server",
    });
  const clusterName = map(ctx.context).cluster;
  const cluster = ((config.clusters as Json[] | undefined) ?? [])
    .map(map)
    .find((c) => c.name === clusterName);
  const server = String(map(cluster?.cluster).server ?? "(no server in the kubeconfig)");
  const probe = run(["--context", name, "get", "--raw", "/version", "--request-timeout=10s"], opts.env);
  if (probe.code !== 0)
    throw new SlipwayError({
      code: "io",
      message: `--server: cannot reach the API server ${server} of context ${name}: ${probe.stderr.trim().split("\n")[0]}`,
      hint: "check that the cluster is up and the credentials are valid, or run without --server (offline checks only)",
    });
  return { context: name, server };
}

/** Where in the object a server message points (`spec.replcias`, `spec.template.metadata.labels`), as a path. */
function pathOf(message: string): (string | number)[] | undefined {
  const field =
    /unknown field "([^"]+)"/.exec(message)?.[1] ?? / is invalid: ([A-Za-z][\w.[\]-]*): /.exec(message)?.[1];
  if (!field) return undefined;
  return field
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Each object's error in kubectl's stderr, by the index in its file name. */
function errorsByIndex(stderr: string, dir: string): Map<number, string> {
  const out = new Map<number, string>();
  const marker = new RegExp(`"${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(\\d+)\\.json": `, "g");
  const ends = [
    "\nensure CRDs are installed first",
    "\nError from server",
    "\nerror:",
    ", resource mapping not found",
    "\n]",
  ];
  const found = [...stderr.matchAll(marker)];
  found.forEach((m, k) => {
    const from = m.index + m[0].length;
    // A message runs to the start of the line that names the next object, or to the end of kubectl's list.
    const next = found[k + 1];
    const limit = next ? stderr.lastIndexOf("\n", next.index) : stderr.length;
    const rest = stderr.slice(from, Math.max(limit, from));
    const cut = Math.min(...ends.map((e) => rest.indexOf(e)).filter((i) => i >= 0), rest.length);
    const text = rest.slice(0, cut).trim().replace(/\]$/, "");
    if (!out.has(Number(m[1]))) out.set(Number(m[1]), text);
  });
  return out;
}

/** Each object of a batch on its own: every error then belongs to the one object sent. */
function oneByOne(
  batch: { i: number }[],
  sub: string,
  verb: string,
  context: string,
  env: NodeJS.ProcessEnv | undefined,
): Map<number, string> {
  const out = new Map<number, string>();
  for (const { i } of batch) {
    const file = join(sub, `${i}.json`);
    const r = run(
      ["--context", context, verb, "--dry-run=server", "--validate=strict", "-o", "name", "-f", file],
      env,
    );
    if (r.code !== 0)
      out.set(
        i,
        r.stderr
          .trim()
          .replace(/^Error from server \([^)]*\): /, "")
          .replace(/^error when \w+ "[^"]*": /, "")
          .replace(/:\s*\n\* /, ": ")
          .replace(/\n\* /g, "; ")
          .replace(/\s*\n\s*/g, " "),
      );
  }
  return out;
}

/** The API group of an apiVersion ("" for the core group). */
const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/** API groups named under k8s.io that a cluster gets from CRDs, not from Kubernetes itself. */
const CRD_GROUPS_UNDER_K8S_IO = new Set(["gateway.networking.k8s.io", "snapshot.storage.k8s.io"]);
/** A group Kubernetes itself defines: one it does not serve was removed, never "not installed". */
const kubernetesOwn = (group: string) =>
  !group.includes(".") || (group.endsWith(".k8s.io") && !CRD_GROUPS_UNDER_K8S_IO.has(group));

/** Sends the objects to the cluster as a server-side dry run; what the server refuses becomes a hit at the object. */
export function serverDryRun(objects: ManifestObject[], opts: ServerCheckOptions = {}): ServerCheckReport {
  const { context, server } = resolveContext(opts);
  const skipped = new Map<string, number>();
  const seen = new Map<string, boolean>();
  const templated = (file: string) => {
    if (!seen.has(file)) seen.set(file, /\{\{/.test(opts.readText?.(file) ?? ""));
    return seen.get(file)!;
  };
  const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  const sendable = objects.filter((o) => {
    if ("sops" in o.value) return (skip("SOPS-encrypted (Flux decrypts it before applying)"), false);
    if (JSON.stringify(o.value).includes("${"))
      return (skip("Flux ${VAR} substitutions (filled in by Flux)"), false);
    if (opts.readText && templated(o.file))
      return (skip("Go-template text (a Helm chart template or a scaffold, not a manifest)"), false);
    return true;
  });
  const treeNamespaces = new Set(
    objects.filter((o) => o.value.kind === "Namespace").map((o) => String(map(o.value.metadata).name)),
  );
  const versions = run(["--context", context, "api-versions"], opts.env);
  const served = new Set(versions.stdout.split("\n").map((gv) => groupOf(gv.trim())));
  const dir = mkdtempSync(join(tmpdir(), "slipway-server-"));
  const hits: RuleHit[] = [];
  let rejected = 0;
  try {
    // `apply` needs a name; an object with only generateName can only be created.
    const named = (o: ManifestObject) => typeof map(o.value.metadata).name === "string";
    for (const verb of ["apply", "create"]) {
      const batch = sendable.map((o, i) => ({ o, i })).filter(({ o }) => named(o) === (verb === "apply"));
      if (batch.length === 0) continue;
      const sub = join(dir, verb);
      mkdirSync(sub);
      for (const { o, i } of batch) writeFileSync(join(sub, `${i}.json`), JSON.stringify(o.value));
      const r = run(
        ["--context", context, verb, "--dry-run=server", "--validate=strict", "-o", "name", "-f", sub],
        opts.env,
      );
      let errors = errorsByIndex(r.stderr, sub);
      // With a single failure kubectl prints the server's message without the file: ask per object, then.
      if (r.code !== 0 && errors.size === 0) errors = oneByOne(batch, sub, verb, context, opts.env);
      for (const { o, i } of batch) {
        const message = errors.get(i);
        if (message === undefined) continue;
        const ns = /namespaces "([^"]+)" not found/.exec(message)?.[1];
        if (ns && treeNamespaces.has(ns)) {
          skip(`namespace ${ns} does not exist on the cluster yet (this tree creates it; a dry run cannot)`);
          continue;
        }
        // A group the server does not serve at all is an API it has not installed (a CRD); Kubernetes' own
        // own groups (apps, extensions, networking.k8s.io, …) and served groups are judged: the version or kind is wrong.
        const group = groupOf(String(o.value.apiVersion));
        if (/no matches for kind/.test(message) && !kubernetesOwn(group) && !served.has(group)) {
          skip(`${String(o.value.apiVersion)} is not served by the cluster (its CRD is not installed)`);
          continue;
        }
        rejected++;
        const path = pathOf(message);
        hits.push({
          rule: "server-dry-run",
          obj: o,
          ...(path ? { path } : {}),
          message: ns
            ? `namespace ${ns} does not exist on the cluster (context ${context}) and nothing in this tree creates it: add a Namespace object or create it first`
            : `the API server (context ${context}) refuses it: ${message}`,
        });
      }
      // A failure kubectl gives no object for (a broken kubeconfig mid-run, a timeout): not silently dropped.
      if (r.code !== 0 && errors.size === 0)
        throw new SlipwayError({
          code: "io",
          message: `--server: kubectl ${verb} --dry-run=server failed on context ${context} (${server}): ${r.stderr.trim().split("\n")[0]}`,
        });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    hits,
    context,
    server,
    sent: sendable.length,
    rejected,
    skipped: [...skipped].map(([reason, count]) => ({ reason, count })),
  };
}
