// The library API (src/index.ts) as a program would use it: open a repository, resolve, ask where a value
// came from, validate — no CLI, no process.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as slipway from "../src/index.js";
import { repoRoot, writeRepo } from "./helpers.js";

const homelab = join(repoRoot, "examples", "homelab");

describe("the library API", () => {
  it("opens a repository from a folder inside it and resolves a component", () => {
    const { engine, config } = slipway.openStacks({ cwd: join(homelab, "stacks"), env: {} });
    expect(config.file).toBe(join(homelab, "slipway.yaml"));
    const c = engine.resolveComponent("pve-prod", "k3s-cluster");
    expect(c.component_type).toBe("terraform");
    expect(c.command).toBe("tofu");
  });

  it("says where a resolved value came from, and which file an edit of it belongs in", () => {
    const { engine } = slipway.openStacks({ cwd: homelab, env: {} });
    const c = engine.resolveComponent("pve-prod", "k3s-cluster");
    const origins = engine.provenance("pve-prod", "k3s-cluster");
    const [path, origin] = Object.entries(origins).find(([p]) => p === "vars.cluster_name")!;
    expect(path).toBe("vars.cluster_name");
    expect(origin.line).toBeGreaterThan(0);
    const src = engine.sourceOf("pve-prod", "k3s-cluster", "vars", ["cluster_name"])!;
    expect(join(homelab, "stacks", `${origin.file}.yaml`)).toBe(src.file.path);
    expect(src.docPath.at(-1)).toBe("cluster_name");
    expect(c.vars.cluster_name).toBeDefined();
    expect(engine.origin("pve-prod", "k3s-cluster", ["vars", "cluster_name"])).toEqual(origin);
    expect(engine.origin("pve-prod", "k3s-cluster", ["vars", "no_such_var"])).toBeUndefined();
  });

  it("validates a repository with the component types' rules", async () => {
    const { engine } = slipway.openStacks({ cwd: homelab, env: {} });
    const report = await slipway.validateRepository(engine);
    expect(report.errors).toEqual([]);
    expect(report.checked.components).toBeGreaterThan(5);
  });

  it("takes each type's default command from the registry, per config flavour", () => {
    expect(slipway.defaultCommands("slipway").terraform).toBe("tofu");
    expect(slipway.defaultCommands("atmos").terraform).toBe("terraform");
    const dir = writeRepo({
      "atmos.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/a.yaml": "components:\n  terraform:\n    app: {}\n  packer:\n    img: {}\n",
    });
    const { engine } = slipway.openStacks({ cwd: dir, env: {} });
    expect(engine.resolveComponent("deploy/a", "app").command).toBe("terraform");
    expect(engine.resolveComponent("deploy/a", "img").command).toBe("packer");
  });

  it("reads and edits the node inventory as library calls", async () => {
    const dir = writeRepo({
      "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
      "stacks/deploy/lab.yaml":
        "components:\n  ansible:\n    k3s:\n      vars:\n        cluster: {version: v1.31.4+k3s1, api_endpoint: 10.0.0.11, token: {sops_file: secrets/token.enc.yaml}}\n        nodes:\n          - {name: pi-1, address: 10.0.0.11, role: server}\n",
    });
    const open = () => slipway.openStacks({ cwd: dir, env: {} }).engine;
    await slipway.addNode(open(), "deploy/lab", { name: "pi-2", address: "10.0.0.12", role: "agent" });
    expect(slipway.openNodes(open(), "deploy/lab").config.nodes.map((n) => n.name)).toEqual(["pi-1", "pi-2"]);
    await slipway.setConfig(open(), "deploy/lab", "cluster.version", "v1.32.0+k3s1");
    expect(slipway.getConfig(open(), "deploy/lab", "cluster.version")).toBe("v1.32.0+k3s1");
  });
});
