// Disposable Debian hosts for tests and benchmarks: each is a network namespace (veth to this machine, a
// private /30 the harness picks), an overlay of one cached debootstrap root filesystem, and sshd inside,
// reachable as root with a key generated per run. `stop()` removes every namespace, mount and process it
// made — also when a test fails, and on exit. Needs root, `ip`, `debootstrap` (once) and `ssh-keygen`.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CACHE = process.env.SLIPWAY_TEST_ROOTFS ?? "/var/cache/slipway-test/bookworm";
const MIRROR = process.env.SLIPWAY_TEST_MIRROR ?? "http://deb.debian.org/debian";
// What the hosts need: sshd and python3 for Ansible, and the packages base_os installs (so a converged
// run needs no mirror: the namespaces have no route out).
const PACKAGES = [
  "openssh-server",
  "python3",
  "python3-apt",
  "sudo",
  "iproute2",
  "procps",
  "kmod",
  "ca-certificates",
  "curl",
  "iptables",
  "jq",
];

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
const quiet = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" });

/** Why real hosts cannot run here, or undefined when they can. */
export function hostsUnavailable() {
  if (process.getuid?.() !== 0) return "not root";
  for (const tool of ["ip", "ssh-keygen", "ssh", "mount"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  if (!existsSync(join(CACHE, ".complete")) && spawnSync("sh", ["-c", "command -v debootstrap"]).status !== 0)
    return "debootstrap is not installed and no cached root filesystem exists";
  const probe = `slw-probe-${process.pid}`;
  if (quiet("ip", ["netns", "add", probe]).status !== 0) return "cannot create network namespaces";
  quiet("ip", ["netns", "del", probe]);
  return undefined;
}

/** The cached root filesystem, made once with debootstrap (a few minutes; reused by every later run). */
export function rootfs() {
  if (existsSync(join(CACHE, ".complete"))) return CACHE;
  const tmp = `${CACHE}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run("debootstrap", ["--variant=minbase", `--include=${PACKAGES.join(",")}`, "bookworm", tmp, MIRROR], {
    stdio: "inherit",
  });
  writeFileSync(join(tmp, ".complete"), new Date().toISOString() + "\n");
  rmSync(CACHE, { recursive: true, force: true });
  renameSync(tmp, CACHE);
  return CACHE;
}

function waitForPort(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect({ host, port });
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd on ${host}:${port} did not start`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Removes namespaces and mounts left by an earlier run that was killed before it could clean up. */
export function sweepLeftovers() {
  const names = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
  for (const line of names.split("\n")) {
    const m = /^(slw-(\d+)-\d+)/.exec(line);
    if (!m) continue;
    const pid = Number(m[2]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) {
      quiet("ip", ["netns", "pids", m[1]]);
      const pids = (spawnSync("ip", ["netns", "pids", m[1]], { encoding: "utf8" }).stdout ?? "").split("\n");
      for (const p of pids) if (p.trim()) quiet("kill", ["-9", p.trim()]);
      quiet("ip", ["netns", "del", m[1]]);
    }
  }
}

/**
 * Starts `count` hosts named h1…hN. Returns them (name, address, root = the host's own files, upper = what
 * the host changed), the SSH key, and stop().
 */
export async function startHosts(count, { prefix = "h" } = {}) {
  sweepLeftovers();
  const base = rootfs();
  const work = mkdtempSync(join(tmpdir(), "slipway-hosts-"));
  const key = join(work, "id_ed25519");
  run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key, "-C", "slipway-test"]);
  const pub = readFileSync(`${key}.pub`, "utf8");
  const hosts = [];
  const undo = [];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Keep going: every other step must still run.
      }
    }
    rmSync(work, { recursive: true, force: true });
  };
  process.once("exit", stop);
  try {
    // A /30 per host in 10.213.0.0/16, offset by pid so parallel runs do not collide.
    const block = (process.pid % 60) * 4;
    for (let i = 1; i <= count; i++) {
      const name = `${prefix}${i}`;
      const ns = `slw-${process.pid}-${i}`;
      const third = block + Math.floor((i * 4) / 256);
      const fourth = (i * 4) % 256;
      const hostSide = `10.213.${third}.${fourth + 1}`;
      const address = `10.213.${third}.${fourth + 2}`;
      const vethHost = `slwh${process.pid % 10000}x${i}`.slice(0, 15);
      const vethNs = `slwn${process.pid % 10000}x${i}`.slice(0, 15);
      run("ip", ["netns", "add", ns]);
      undo.push(() => quiet("ip", ["netns", "del", ns]));
      run("ip", ["link", "add", vethHost, "type", "veth", "peer", "name", vethNs]);
      undo.push(() => quiet("ip", ["link", "del", vethHost]));
      run("ip", ["link", "set", vethNs, "netns", ns]);
      run("ip", ["addr", "add", `${hostSide}/30`, "dev", vethHost]);
      run("ip", ["link", "set", vethHost, "up"]);
      run("ip", ["netns", "exec", ns, "ip", "addr", "add", `${address}/30`, "dev", vethNs]);
      run("ip", ["netns", "exec", ns, "ip", "link", "set", vethNs, "up"]);
      run("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
      // The host's files: an overlay of the cached root filesystem, so each host starts clean and cheap.
      const dir = join(work, name);
      const [upper, overlayWork, root] = ["upper", "work", "root"].map((d) => join(dir, d));
      for (const d of [upper, overlayWork, root]) mkdirSync(d, { recursive: true });
      run("mount", [
        "-t",
        "overlay",
        "overlay",
        "-o",
        `lowerdir=${base},upperdir=${upper},workdir=${overlayWork}`,
        root,
      ]);
      undo.push(() => quiet("umount", ["-l", root]));
      run("mount", ["-t", "proc", "proc", join(root, "proc")]);
      undo.push(() => quiet("umount", ["-l", join(root, "proc")]));
      run("mount", ["--rbind", "/dev", join(root, "dev")]);
      run("mount", ["--make-rslave", join(root, "dev")]);
      undo.push(() => quiet("umount", ["-R", "-l", join(root, "dev")]));
      mkdirSync(join(root, "root", ".ssh"), { recursive: true, mode: 0o700 });
      writeFileSync(join(root, "root", ".ssh", "authorized_keys"), pub, { mode: 0o600 });
      mkdirSync(join(root, "run", "sshd"), { recursive: true, mode: 0o755 });
      writeFileSync(join(root, "etc", "hostname"), `${name}\n`);
      writeFileSync(
        join(root, "etc", "ssh", "sshd_config.d", "slipway-test.conf"),
        `ListenAddress ${address}\nPermitRootLogin prohibit-password\nPasswordAuthentication no\nUsePAM no\n`,
      );
      // sshd's log goes to a file: a pipe would fill while a test blocks in spawnSync, and stall sshd.
      const logFile = join(dir, "sshd.log");
      const logFd = openSync(logFile, "w");
      const sshd = spawn("ip", ["netns", "exec", ns, "chroot", root, "/usr/sbin/sshd", "-D", "-e"], {
        stdio: ["ignore", "ignore", logFd],
        detached: true,
      });
      closeSync(logFd);
      undo.push(() => {
        try {
          process.kill(-sshd.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
        // Anything else still running in the namespace (an Ansible task left behind) goes too.
        const pids = (spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).stdout ?? "").split("\n");
        for (const p of pids) if (p.trim()) quiet("kill", ["-9", p.trim()]);
      });
      await waitForPort(address, 22, 10_000).catch((e) => {
        throw new Error(`${e.message}: ${readFileSync(logFile, "utf8")}`);
      });
      hosts.push({ name, address, ns, root, upper });
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { hosts, key, stop };
}

/** SSH options for Ansible: the run's key, no known_hosts (each run has new hosts). */
export const sshArgs = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR";
