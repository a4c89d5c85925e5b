// `npm run bench` (plan): `slipway plan --dry-run` over a stack of 200 components with dependencies, and the
// overhead one driver run adds over running the tool's argv directly (a trivial stand-in tool).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { planRepo } from "./plan-repo.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, ".out", "plan");
const bin = join(here, "..", "bin", "slipway.js");
const stub = planRepo(root);
// A cache folder of its own, emptied with the repository, so the first run below is a cold one every time.
const env = { ...process.env, PATH: `${stub}:${process.env.PATH}`, SLIPWAY_CACHE: join(root, ".cache") };

const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (cmd, args, opts) => {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", ...opts });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t;
};
// The first run parses every module's variable blocks with the HCL parser (WebAssembly) and caches them.
const coldMs = time(process.execPath, [bin, "plan", "-s", "big", "--dry-run"], { env });
const planMs = med(
  Array.from({ length: 5 }, () => time(process.execPath, [bin, "plan", "-s", "big", "--dry-run"], { env })),
);
console.log(`\nplan: 200 components, chains of dependencies, variables checked against each module`);
console.log(`slipway plan -s big --dry-run (cold variable cache)  ${(coldMs / 1000).toFixed(2)} s`);
console.log(
  `slipway plan -s big --dry-run              ${(planMs / 1000).toFixed(2)} s  ${planMs <= 1000 ? "meets" : "MISSES"} ≤ 1 s`,
);
const direct = med(
  Array.from({ length: 7 }, () =>
    time(
      "sh",
      [
        "-c",
        "cd components/terraform/c0 && tofu init -reconfigure && tofu workspace select -or-create big && tofu plan -var-file=big-c0.terraform.tfvars.json",
      ],
      { env },
    ),
  ),
);
/** Median of 7 runs of `slipway terraform plan c0 -s big` with `extraEnv`. */
const driverRun = (extraEnv = {}) =>
  med(
    Array.from({ length: 7 }, () =>
      time(process.execPath, [bin, "terraform", "plan", "c0", "-s", "big"], { env: { ...env, ...extraEnv } }),
    ),
  );
const driver = driverRun();
console.log(
  `one driver run (prepare files + spawn) over the same argv run directly: ${(driver - direct).toFixed(0)} ms  ${driver - direct <= 150 ? "meets" : "MISSES"} ≤ 150 ms   (driver ${driver.toFixed(0)} ms, direct ${direct.toFixed(0)} ms)`,
);
// Node's compile cache (22.1 and later) is on for the runs above where this Node has it; Node's own
// NODE_DISABLE_COMPILE_CACHE turns it off, so the difference is what it saves (none on Node 20: it has none).
const hasCompileCache = typeof (await import("node:module")).default.enableCompileCache === "function";
const driverNoCache = driverRun({ NODE_DISABLE_COMPILE_CACHE: "1" });
console.log(
  `  the same without Node's compile cache: ${(driverNoCache - direct).toFixed(0)} ms (Node ${process.version}: ${hasCompileCache ? "it was on above" : "this Node has none, so both runs compile the bundle"})`,
);
// Context for the figure above: what starting Node itself costs, which slipway cannot go below.
const nodeStart = med(Array.from({ length: 7 }, () => time(process.execPath, ["-e", "0"], {})));
console.log(`  of which Node start-up (node -e 0): ${nodeStart.toFixed(0)} ms`);
