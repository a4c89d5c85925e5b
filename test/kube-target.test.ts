// Which kubeconfig context a stack's live commands use: flags, then the stack's settings, then the nodes
// component's cluster.kubeconfig_context, then the context post_bootstrap writes by default.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubeTarget } from "../src/cli/kube-target.js";
import { engineAt, writeRepo } from "./helpers.js";

const k3s = (extra: string) => `components:
  ansible:
    k3s:
      vars:
        cluster: {version: v1.31.4+k3s1, token: {sops_file: t.enc.yaml}, api_endpoint: 10.0.0.1${extra}}
        nodes:
          - {name: pi-1, address: 10.0.0.11, role: server}
`;

function repo(stack: string) {
  const dir = writeRepo({
    "slipway.yaml": "stacks: {included_paths: ['deploy/*']}\n",
    "stacks/deploy/lab.yaml": stack,
  });
  return { dir, engine: engineAt(dir) };
}

describe("kubeTarget", () => {
  it("defaults to the stack's name with / as -, the context post_bootstrap writes", () => {
    const { engine } = repo(k3s(""));
    expect(kubeTarget(engine, "deploy/lab", {})).toMatchObject({
      context: "deploy-lab",
      kubeconfig: undefined,
    });
  });

  it("takes cluster.kubeconfig_context of the nodes component", () => {
    const { engine } = repo(k3s(", kubeconfig_context: pi-lab"));
    expect(kubeTarget(engine, "deploy/lab", {})).toMatchObject({
      context: "pi-lab",
      from: "vars.cluster.kubeconfig_context of k3s",
    });
  });

  it("settings.kubernetes wins over the var, its kubeconfig is relative to the repository; flags win over both", () => {
    const stack =
      k3s(", kubeconfig_context: pi-lab") +
      "      settings:\n        kubernetes: {context: from-settings, kubeconfig: kube/lab.yaml}\n";
    const { dir, engine } = repo(stack);
    expect(kubeTarget(engine, "deploy/lab", {})).toEqual({
      context: "from-settings",
      kubeconfig: join(dir, "kube/lab.yaml"),
      from: "settings.kubernetes.context of k3s",
    });
    expect(kubeTarget(engine, "deploy/lab", { context: "flag", kubeconfig: "/k" })).toEqual({
      context: "flag",
      kubeconfig: "/k",
      from: "--context",
    });
  });

  it("a stack without a nodes component reads its kubernetes components' settings", () => {
    const { engine } = repo(
      "components:\n  kubernetes:\n    apps:\n      settings:\n        kubernetes: {context: gitops-only}\n",
    );
    expect(kubeTarget(engine, "deploy/lab", {}).context).toBe("gitops-only");
  });
});
