import { defineCommand, type CommandDef } from "../command.js";
import { PROCESS_FUNCTIONS, stackFlag } from "./flags.js";

/** Describing, listing, rendering and validating stacks, and the schemas. */
export const STACK_COMMANDS: CommandDef[] = [
  defineCommand({
    words: ["describe", "component"],
    summary: "Show a component's resolved configuration in a stack",
    description:
      "Imports, deep merge (global → type → bases → component → overrides), inheritance and templates applied. " +
      "Field names match Atmos's `describe component`, so existing scripts keep working.",
    args: [{ name: "component", description: "Component name", required: true }],
    flags: {
      stack: { ...stackFlag, description: "Stack name (required)" },
      provenance: {
        type: "boolean",
        description: "Show, next to each value, the file:line and import chain it came from",
      },
      type: { type: "string", description: "Component type, when the name exists in several", value: "TYPE" },
      "process-functions": PROCESS_FUNCTIONS,
    },
    dataOutput: true,
    examples: [
      "slipway describe component k3s-cluster -s pve-prod",
      "slipway describe component k3s-cluster -s pve-prod --provenance",
    ],
    load: async () => (await import("../describe.js")).describeComponentCommand,
  }),
  defineCommand({
    words: ["describe", "stacks"],
    summary: "Show every stack with its resolved components",
    description:
      "Shape: {<stack>: {components: {<type>: {<component>: {…}}}}}, as Atmos prints it. A repeated run " +
      "with nothing changed is answered from an output cache, after every file, glob and environment " +
      "variable the last run read is checked again (SLIPWAY_CACHE=off turns it off, =<folder> moves it; " +
      "runs that read a set environment variable are never kept).",
    args: [],
    flags: {
      stack: { ...stackFlag, description: "Only this stack" },
      components: { type: "string", description: "Only these components (comma-separated)", value: "A,B" },
      "component-types": {
        type: "string",
        description: "Only these types (terraform,packer,ansible,kubernetes)",
        value: "T,…",
      },
      sections: { type: "string", description: "Only these sections (vars,settings,env,…)", value: "S,…" },
      "process-functions": PROCESS_FUNCTIONS,
    },
    dataOutput: true,
    examples: ["slipway describe stacks --format json", "slipway describe stacks -s pve-dev --sections vars"],
    load: async () => (await import("../describe-stacks.js")).describeStacksCommand,
  }),
  defineCommand({
    words: ["render"],
    summary: "Render a stack's kubernetes components into the GitOps tree (clusters/<stack>/…)",
    description:
      "Built-in renderers: apps (a Kustomize base plus one overlay per environment), addons (pinned Helm charts: Cilium, Traefik, Kyverno, cert-manager, kube-prometheus-stack, Loki, NVIDIA device plugin), gitops (Flux source and Kustomization chain, or an Argo CD app-of-apps) and tenants (namespaces per organisation and environment with quota, limits, default-deny network policies, RBAC, and an AppProject or tenant Kustomization). Output is canonical and byte-identical run to run.",
    flags: {
      stack: { type: "string", short: "s", description: "Stack name (required)", value: "STACK" },
      out: {
        type: "string",
        description: "Output folder (default: gitops/ in the repository)",
        value: "DIR",
      },
      check: {
        type: "boolean",
        description: "Write nothing; exit 1 and list the files that differ (for CI)",
      },
    },
    examples: ["slipway render -s pve-prod", "slipway render -s pve-prod --check"],
    load: async () => (await import("../render.js")).renderCommand,
  }),
  defineCommand({
    words: ["list", "stacks"],
    summary: "List stack names",
    dataOutput: "table",
    load: async () => (await import("../list.js")).listStacksCommand,
  }),
  defineCommand({
    words: ["list", "components"],
    summary: "List components, per stack (abstract and disabled ones marked)",
    flags: { stack: { ...stackFlag, description: "Only this stack" } },
    dataOutput: "table",
    load: async () => (await import("../list.js")).listComponentsCommand,
  }),
  defineCommand({
    words: ["validate", "stacks"],
    summary: "Check every manifest and stack: YAML, imports, cycles, inheritance, section types, conflicts",
    description:
      "Reports every finding, not only the first, as file:line:col with a hint; exits 1 when there is any. Keys slipway does not know (a typo, an Atmos section it does not implement) are warnings with the closest known key; --strict makes them errors, for CI.",
    flags: { strict: { type: "boolean", description: "Warnings are errors (exit 1): for CI" } },
    dataOutput: "table",
    load: async () => (await import("../validate.js")).validateStacksCommand,
  }),
  defineCommand({
    words: ["validate", "manifests"],
    summary: "Validate Kubernetes manifests offline: schemas, kustomize builds and platform rules",
    description:
      "Every YAML document that is a Kubernetes object is checked against its schema: built-in kinds against the API server's field names and kubernetes-models' types, removed API versions against the Kubernetes deprecation table, custom resources against the CRDs of Flux, Gateway API, cert-manager, Cilium, Kyverno, prometheus-operator, external-secrets, CloudNativePG, Argo CD and Traefik (bundled), CRDs in the tree and those given with --crds. Objects without a schema are counted (an error under --strict); every kustomization is built with `kubectl kustomize`; platform rules report plaintext Secrets, unpinned images and charts, missing requests, wildcard AppProjects and tenant namespaces without default-deny or quota; cross-object rules report workload selectors that miss their pods, Services that select no pods, Ingress and route backends that are not in the tree, and plaintext secretGenerator sources. --server adds a server-side dry run of every object on a real cluster. Exit 1 when any error remains.",
    args: [{ name: "dirs", description: "Files or folders (default: the current folder)", variadic: true }],
    flags: {
      strict: { type: "boolean", description: "Treat warnings as errors" },
      disable: { type: "string", description: "Turn rules off (comma-separated rule ids)", value: "RULE,…" },
      "no-build": { type: "boolean", description: "Skip the kubectl kustomize builds" },
      exclude: {
        type: "string",
        multiple: true,
        description: "Leave out files matching a glob, relative to each folder given (repeatable)",
        value: "GLOB",
      },
      server: {
        type: "boolean",
        description:
          "Also send every object to the cluster as a server-side dry run (kubectl; nothing is changed)",
      },
      context: {
        type: "string",
        description: "The kubeconfig context for --server (default: the current one)",
        value: "NAME",
      },
      "kubernetes-version": {
        type: "string",
        description:
          "Judge removed and deprecated APIs against this Kubernetes version (default: the bundled API data's)",
        value: "X.Y",
      },
      crds: {
        type: "string",
        multiple: true,
        description:
          "Also check custom resources against the CustomResourceDefinitions in this folder or file (repeatable)",
        value: "DIR",
      },
    },
    dataOutput: "table",
    examples: [
      "slipway validate manifests clusters/ infrastructure/",
      "slipway validate manifests . --strict --format json",
      "slipway validate manifests . --exclude '.archive/**'",
      "slipway validate manifests clusters/ --server --context staging",
      "slipway validate manifests clusters/ --kubernetes-version 1.30 --crds vendor/crds",
    ],
    load: async () => (await import("../manifests.js")).validateManifestsCommand,
  }),
  defineCommand({
    words: ["validate", "component"],
    summary:
      "Validate a component's resolved config against its JSON Schemas (settings.validation) and built-in schema",
    args: [{ name: "component", description: "Component name", required: true }],
    flags: { stack: { ...stackFlag, description: "Stack name (required)" } },
    dataOutput: "table",
    load: async () => (await import("../validate.js")).validateComponentCommand,
  }),
];
