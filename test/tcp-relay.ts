// A TCP relay to the test API server — a test tool, not a double of anything Kubernetes does: every connection
// is piped to the real server until cut() drops them all (and refuses new ones) the way a flaky link would;
// mend() lets connections through again. `kubeconfig` is the cluster's kubeconfig pointed at the relay.
import { readFileSync, writeFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { join } from "node:path";
import type { TestCluster } from "./cluster.js";

export interface Relay {
  kubeconfig: string;
  cut(): void;
  mend(): void;
  close(): void;
}

export async function tcpRelay(c: TestCluster, dir: string): Promise<Relay> {
  const upstream = new URL(c.server);
  const sockets = new Set<Socket>();
  let accepting = true;
  const server = createServer((down) => {
    if (!accepting) return down.destroy();
    const up = connect(Number(upstream.port), upstream.hostname);
    sockets.add(down).add(up);
    down.pipe(up).pipe(down);
    const drop = () => {
      down.destroy();
      up.destroy();
    };
    down.on("error", drop).on("close", drop);
    up.on("error", drop).on("close", drop);
  });
  const port = await new Promise<number>((done) =>
    server.listen(0, "127.0.0.1", () => done((server.address() as { port: number }).port)),
  );
  const kubeconfig = join(dir, "via-relay.kubeconfig");
  writeFileSync(
    kubeconfig,
    readFileSync(c.kubeconfig, "utf8").replace(
      /server: "https:\/\/[^:]+:\d+"/,
      `server: "https://127.0.0.1:${port}"`,
    ),
  );
  const dropAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    kubeconfig,
    cut: () => {
      accepting = false;
      dropAll();
    },
    mend: () => {
      accepting = true;
    },
    close: () => {
      server.close();
      dropAll();
    },
  };
}
