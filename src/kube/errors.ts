import { SlipwayError } from "../core/errors.js";
import type { KubeErrorKind } from "./types.js";

// Every failed call to an API server becomes one KubeError: the kind in the user's terms, the context and
// server it was talking to, and what to do about it. A view shows `message`; the CLI prints it with the hint.

/** Where a call went: the kubeconfig context and its server URL. */
export interface KubeTarget {
  context: string;
  server: string;
}

export class KubeError extends SlipwayError {
  readonly kind: KubeErrorKind;
  readonly context: string;
  readonly server: string;
  /** The HTTP status, when the server answered. */
  readonly status?: number;

  constructor(
    init: KubeTarget & {
      kind: KubeErrorKind;
      message: string;
      hint?: string;
      status?: number;
      cause?: unknown;
    },
  ) {
    super({ code: "cluster", message: init.message, hint: init.hint, cause: init.cause });
    this.name = "KubeError";
    this.kind = init.kind;
    this.context = init.context;
    this.server = init.server;
    this.status = init.status;
  }
}

const KIND_BY_STATUS: Record<number, KubeErrorKind> = {
  400: "invalid",
  401: "unauthorised",
  403: "forbidden",
  404: "not-found",
  409: "conflict",
  410: "conflict",
  422: "invalid",
  429: "too-many-requests",
};

const HINTS: Record<KubeErrorKind, (t: KubeTarget) => string | undefined> = {
  unreachable: (t) =>
    `is the cluster up and ${t.server} reachable from here? \`kubectl --context ${t.context} get --raw /readyz\` checks the same connection`,
  unauthorised: (t) =>
    `the credentials of context ${t.context} are not accepted (expired token or certificate?); refresh the kubeconfig`,
  forbidden: (t) => `the user of context ${t.context} lacks the RBAC permission; ask the cluster's admin`,
  "not-found": () => undefined,
  conflict: () => "the object changed meanwhile; run again",
  invalid: () => undefined,
  "too-many-requests": () => undefined,
  server: (t) => `the API server ${t.server} failed; its logs say why`,
};

/** The message a Kubernetes `Status` body carries, if the body is one. */
function statusMessage(body: string): string | undefined {
  try {
    const s = JSON.parse(body) as { kind?: string; message?: string };
    return s.kind === "Status" && typeof s.message === "string" ? s.message : undefined;
  } catch {
    return undefined;
  }
}

/** A KubeError from an HTTP answer that is not a success. */
export function errorFromStatus(t: KubeTarget, what: string, status: number, body: string): KubeError {
  const kind = KIND_BY_STATUS[status] ?? "server";
  const said = statusMessage(body) ?? (body.trim().slice(0, 300) || `HTTP ${status}`);
  return new KubeError({
    ...t,
    kind,
    status,
    message: `${what}: ${said} (context ${t.context}, ${t.server})`,
    hint: HINTS[kind](t),
  });
}

/** A KubeError from a failed connection (refused, reset, DNS, TLS, timeout). */
export function errorFromNetwork(t: KubeTarget, what: string, err: unknown): KubeError {
  if (err instanceof KubeError) return err;
  const e = err as { code?: string; message?: string };
  const detail = [e.code, e.message].filter(Boolean).join(" ") || String(err);
  return new KubeError({
    ...t,
    kind: "unreachable",
    message: `${what}: cannot reach the API server ${t.server} (context ${t.context}): ${detail}`,
    hint: HINTS.unreachable(t),
    cause: err,
  });
}
