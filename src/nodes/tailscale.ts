import { SlipwayError } from "../core/errors.js";

/** A tailnet peer as `discover` shows it. */
export interface Peer {
  /** HostName, made a valid node name (RFC 1123: lowercase, '-' for anything else). */
  name: string;
  hostname: string;
  dns_name: string;
  ips: string[];
  os: string;
  online: boolean;
  tags: string[];
}

interface PeerStatus {
  HostName?: string;
  DNSName?: string;
  TailscaleIPs?: string[];
  OS?: string;
  Online?: boolean;
  Tags?: string[];
}

/**
 * The peers in `tailscale status --json` (Tailscale's ipnstate.Status: `BackendState`, `Self`, and `Peer`
 * keyed by node key). A logged-out or stopped daemon is an error that says how to fix it.
 */
export function peersOf(json: string): Peer[] {
  let status: { BackendState?: string; Self?: PeerStatus; Peer?: Record<string, PeerStatus> };
  try {
    status = JSON.parse(json) as typeof status;
  } catch (e) {
    throw new SlipwayError({
      code: "validation",
      message: `tailscale status --json printed something that is not JSON: ${(e as Error).message}`,
      hint: "check the tailscale version: `tailscale version`",
    });
  }
  if (status.BackendState && status.BackendState !== "Running") {
    throw new SlipwayError({
      code: "validation",
      message: `tailscale is not connected (BackendState ${status.BackendState})`,
      hint:
        status.BackendState === "NeedsLogin"
          ? "log in with `tailscale up` (or `tailscale login`)"
          : "start it with `tailscale up`",
    });
  }
  return Object.values(status.Peer ?? {})
    .map((p) => {
      const hostname = p.HostName ?? "";
      const fromDns = (p.DNSName ?? "").split(".")[0] ?? "";
      const base = (hostname || fromDns).toLowerCase();
      return {
        name: base
          .replace(/[^a-z0-9-]+/g, "-")
          .replace(/^-+|-+$/g, "")
          .slice(0, 63),
        hostname,
        dns_name: (p.DNSName ?? "").replace(/\.$/, ""),
        ips: p.TailscaleIPs ?? [],
        os: p.OS ?? "",
        online: p.Online === true,
        tags: p.Tags ?? [],
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
