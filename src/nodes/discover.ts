import { readFileSync } from "node:fs";
import { readBoundedText } from "../core/read-file.js";
import { spawnSync } from "node:child_process";
import { SlipwayError } from "../core/errors.js";
import { requireTool } from "../core/tools.js";
import type { StackEngine } from "../stack/engine.js";
import { addNode, openNodes, type EditOptions, type NewNode } from "./nodes.js";
import { peersOf, type Peer } from "./tailscale.js";

/** Which tailnet peers `discover` lists. */
export interface DiscoverFilter {
  online?: boolean;
  /** A Tailscale tag, with or without `tag:`. */
  tag?: string;
  /** Operating system, any case. */
  os?: string;
}

/** A peer, and the stack's node it already is (matched by name or address), if any. */
export interface DiscoveredPeer extends Peer {
  in_cluster: string | null;
}

/**
 * The tailnet's peers as `tailscale status --json` reports them: from the real `tailscale` CLI, or from a
 * file that command wrote (`fromFile`, `-` for stdin) on a machine that is on the tailnet.
 */
export function tailnetPeers(env: Record<string, string | undefined>, fromFile?: string): Peer[] {
  if (fromFile !== undefined) {
    const text = fromFile === "-" ? readFileSync(0, "utf8") : readBoundedText(fromFile);
    try {
      return peersOf(text);
    } catch (e) {
      if (!(e instanceof SlipwayError)) throw e;
      throw new SlipwayError({
        code: e.code,
        // Never the parser's message: it quotes the file's first bytes, which may be anything.
        message: "this file is not `tailscale status --json` output (not JSON, or not its shape)",
        ...(fromFile === "-" ? {} : { file: fromFile }),
        hint: "write it on a machine on the tailnet: `tailscale status --json > status.json`",
      });
    }
  }
  requireTool("tailscale", "discover (it lists the tailnet's peers)", env);
  const r = spawnSync("tailscale", ["status", "--json"], { env: env as NodeJS.ProcessEnv, encoding: "utf8" });
  if (r.status !== 0) {
    throw new SlipwayError({
      code: "validation",
      message: `tailscale status --json failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split("\n")[0]}`,
      hint: "check that tailscaled is running: `tailscale status`",
    });
  }
  return peersOf(r.stdout);
}

/**
 * The peers that pass the filter, each marked with the node of `stack` it already is (null when it is
 * none; every peer is null without a stack).
 */
export function discover(
  peers: Peer[],
  filter: DiscoverFilter,
  engine?: StackEngine,
  stack?: string,
  component?: string,
): DiscoveredPeer[] {
  const nodes = engine && stack ? openNodes(engine, stack, component).config.nodes : [];
  const tag = filter.tag && (filter.tag.startsWith("tag:") ? filter.tag : `tag:${filter.tag}`);
  return peers
    .filter((p) => !filter.online || p.online)
    .filter((p) => !tag || p.tags.includes(tag))
    .filter((p) => !filter.os || p.os.toLowerCase() === filter.os.toLowerCase())
    .map((p) => ({
      ...p,
      in_cluster:
        nodes.find(
          (n) =>
            n.name === p.name ||
            p.ips.includes(n.address) ||
            (n.tailscale_ip !== undefined && p.ips.includes(n.tailscale_ip)),
        )?.name ?? null,
    }));
}

/**
 * Adds the peers that are not yet nodes of the stack, with their Tailscale IPv4 as address. `open` gives a
 * fresh engine for each edit (the file changed). Returns the names added.
 */
export async function addPeers(
  open: () => StackEngine,
  stack: string,
  peers: DiscoveredPeer[],
  role: NewNode["role"],
  opts: EditOptions = {},
): Promise<string[]> {
  const added: string[] = [];
  for (const p of peers.filter((x) => x.in_cluster === null)) {
    const ipv4 = p.ips.find((ip) => ip.includes(".")) ?? p.ips[0]!;
    await addNode(open(), stack, { name: p.name, address: ipv4, role, tailscale_ip: ipv4 }, opts);
    added.push(p.name);
  }
  return added;
}
