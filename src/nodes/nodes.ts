import { relative } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { editLockedFile } from "./edit.js";
import type { StackEngine } from "../stack/engine.js";
import type { ResolvedComponent, Warning } from "../stack/types.js";
import type { DocPath } from "../yaml/parse.js";
import { nodeWarnings, NodesVars, type NodeEntry, type NodesConfig } from "../components/ansible/k3s-vars.js";
import {
  appendToList,
  findByName,
  locateList,
  removeFromList,
  type ListEdit,
  type LocatedList,
} from "./yaml-splice.js";

/** The built-in component's folder: `components.ansible.<name>` with `metadata.component: k3s` (or named k3s). */
export const NODES_COMPONENT = "k3s";

/** A stack's cluster and nodes, validated, with where the nodes list is defined. */
export interface NodesView {
  component: ResolvedComponent;
  config: NodesConfig;
  warnings: string[];
  /** The manifest that defines `vars.nodes` and the list's path in it. */
  source: { file: string; rel: string; docPath: DocPath; imported: boolean };
}

/** The stack's nodes component: the one named by `--component`, else the only ansible component with the k3s folder. */
export function nodesComponent(engine: StackEngine, stack: string, name?: string): ResolvedComponent {
  if (name) return engine.resolveComponent(stack, name, "ansible");
  const entry = engine.stack(stack);
  const found = entry
    .componentNames("ansible")
    .map((n) => engine.resolveComponent(entry.name, n, "ansible"))
    .filter((c) => c.component === NODES_COMPONENT && c.metadata.type !== "abstract");
  if (found.length === 1) return found[0]!;
  throw new SlipwayError({
    code: "validation",
    message:
      found.length === 0
        ? `stack "${entry.name}" has no k3s nodes component`
        : `stack "${entry.name}" has ${found.length} k3s nodes components: ${found.map((c) => c.atmos_component).join(", ")}`,
    hint:
      found.length === 0
        ? "add components.ansible.k3s with vars.cluster and vars.nodes (see `slipway schema ansible/k3s`)"
        : "name one with --component",
  });
}

/** Reads and validates a stack's nodes; schema errors point at the entry in the file that defines it. */
export function openNodes(engine: StackEngine, stack: string, componentName?: string): NodesView {
  const c = nodesComponent(engine, stack, componentName);
  const src = engine.sourceOf(c.atmos_stack, c.atmos_component, "vars", ["nodes"], "ansible");
  if (!src) {
    throw new SlipwayError({
      code: "validation",
      message: `component "${c.atmos_component}" in stack "${c.atmos_stack}" sets no vars.nodes`,
      file: engine.config.stacks.basePath,
      hint: "add a nodes list under the component's vars",
    });
  }
  const parsed = NodesVars.safeParse(c.vars);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const place = engine.placeOf(c.atmos_stack, c.atmos_component, "vars", issue.path as DocPath, "ansible");
    throw new SlipwayError({
      code: "validation",
      message: `vars.${issue.path.join(".")}: ${issue.message}`,
      ...place,
      hint: "fix the entry; `slipway schema ansible/k3s` lists the fields",
    });
  }
  return {
    component: c,
    config: parsed.data,
    warnings: nodeWarnings(parsed.data),
    source: {
      file: src.file.path,
      rel: relative(engine.config.basePath, src.file.path),
      docPath: src.docPath,
      imported: src.chain.length > 1,
    },
  };
}

/** Checks a nodes list an edit would produce, against the same schema; nothing is written when it fails. */
function validateEdited(view: NodesView, nodes: unknown[]): NodesConfig {
  const r = NodesVars.safeParse({ ...view.component.vars, nodes });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const [, index, field] = issue.path;
  const who =
    typeof index === "number" && isNamed(nodes[index]) ? `node "${nodes[index].name}"` : "the nodes list";
  throw new SlipwayError({
    code: "validation",
    message: `${who}${field !== undefined ? ` ${String(field)}` : ""}: ${issue.message}; nothing was written`,
    hint: "fix the value and run the command again",
  });
}

const isNamed = (v: unknown): v is { name: string } =>
  typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string";

/** Refuses an edit of a list that other stacks share, saying which file and why. */
function refuseShared(engine: StackEngine, view: NodesView, allowImported: boolean): void {
  if (!view.source.imported || allowImported) return;
  const users = [...engine.stacks().keys()].filter((s) => {
    try {
      return openNodes(engine, s).source.file === view.source.file;
    } catch {
      return false;
    }
  });
  throw new SlipwayError({
    code: "validation",
    message: `the nodes of stack "${view.component.atmos_stack}" are defined in ${view.source.rel}, an imported file${users.length > 1 ? ` shared by stacks ${users.join(", ")}` : ""}; editing it changes every stack that imports it`,
    file: view.source.file,
    hint: "move vars.nodes into the stack's own manifest, or pass --edit-imported to edit that file",
  });
}

/** A node as given on the command line, before defaults. */
export type NewNode = Pick<NodeEntry, "name" | "address" | "role"> & Partial<NodeEntry>;

/** The node named `name`, or an error listing the stack's nodes. */
export function requireNode<N extends { name: string }>(
  nodes: N[],
  name: string,
  stack: string,
  file: string,
): N {
  const found = nodes.find((n) => n.name === name);
  if (found) return found;
  throw new SlipwayError({
    code: "validation",
    message: `stack "${stack}" has no node "${name}" (nodes: ${nodes.map((n) => n.name).join(", ")})`,
    file,
    hint: "`slipway node list -s <stack>` shows the nodes",
  });
}

/** Which nodes component (default: the stack's k3s one), and whether a list an imported file defines may change. */
export type EditOptions = { component?: string; allowImported?: boolean };

/**
 * The one way node lists change: under the file's lock, read the list as it is now (once), let `edit` return
 * the new text with the list it holds, validate that list, and only then write the text atomically.
 */
async function editNodes(
  engine: StackEngine,
  stack: string,
  opts: EditOptions,
  edit: (text: string, current: LocatedList, view: NodesView) => ListEdit,
): Promise<{ file: string; warnings: Warning[] }> {
  const view = openNodes(engine, stack, opts.component);
  refuseShared(engine, view, opts.allowImported ?? false);
  const { file, docPath } = view.source;
  return editLockedFile(engine.config.basePath, file, (text) => {
    const edited = edit(text, locateList(text, file, docPath), view);
    const config = validateEdited(view, edited.list);
    return {
      text: edited.text,
      result: { file, warnings: nodeWarnings(config).map((message) => ({ message })) },
    };
  });
}

/** Adds a node to the file that defines the stack's nodes, refusing a name or address already in use. */
export function addNode(engine: StackEngine, stack: string, node: NewNode, opts: EditOptions = {}) {
  return editNodes(engine, stack, opts, (text, current, view) => {
    const { file, docPath, rel } = view.source;
    const ips = [node.address, node.tailscale_ip].filter((ip): ip is string => ip !== undefined);
    for (const [i, n] of (current.value as NodeEntry[]).entries()) {
      const sharedIp = ips.find((ip) => ip === n.address || ip === n.tailscale_ip);
      const clash =
        n.name === node.name
          ? `a node named "${node.name}"`
          : sharedIp
            ? `node "${n.name}" with address ${sharedIp}`
            : undefined;
      if (clash) {
        throw new SlipwayError({
          code: "conflict",
          message: `${rel} already has ${clash}; nothing was written`,
          file,
          line: findByName(text, file, docPath, n.name, current)?.line ?? i + 1,
          hint: "choose another name or address, or remove the existing node first",
        });
      }
    }
    return appendToList(text, file, docPath, node as Record<string, unknown>, current);
  });
}

/**
 * Why removing a node could take the cluster down, or [] when it cannot: it is the API endpoint, the
 * first server (the one the others joined, `--cluster-init`), the last server, or a server whose removal
 * leaves embedded etcd with fewer members than it needs to survive one more failure.
 */
export function removalRisks(config: NodesConfig, name: string): string[] {
  const node = config.nodes.find((n) => n.name === name);
  if (!node) return [];
  const risks: string[] = [];
  const endpoint = config.cluster.api_endpoint;
  if (endpoint === node.address || endpoint === node.tailscale_ip || endpoint === node.name)
    risks.push(
      `it is the cluster's API endpoint (cluster.api_endpoint ${endpoint}): point that at another server first`,
    );
  if (node.role !== "server") return risks;
  const servers = config.nodes.filter((n) => n.role === "server");
  if (servers[0]?.name === name && servers.length > 1)
    risks.push(
      "it is the first server, which the others joined (k3s --cluster-init runs there): move another server first in the list",
    );
  const left = servers.length - 1;
  if (left === 0) risks.push("it is the last server: no control plane would be left");
  else if (config.cluster.embedded_etcd && servers.length >= 3 && left < 3)
    risks.push(
      `it leaves ${left} server(s): embedded etcd then needs every member for quorum, so one more failure stops the API`,
    );
  return risks;
}

/** Refuses a removal with risks unless forced, saying each risk. */
export function checkRemoval(config: NodesConfig, name: string, stack: string, force: boolean): void {
  const risks = removalRisks(config, name);
  if (risks.length === 0 || force) return;
  throw new SlipwayError({
    code: "validation",
    message: `removing node "${name}" from stack "${stack}" could take the cluster down: ${risks.join("; ")}; nothing was changed`,
    hint: "pass --force to remove it anyway",
  });
}

/** Removes a node from the file that defines the stack's nodes (refusing a risky one unless `force`). */
export function removeNode(
  engine: StackEngine,
  stack: string,
  name: string,
  opts: EditOptions & { force?: boolean } = {},
) {
  return editNodes(engine, stack, opts, (text, current, view) => {
    requireNode(current.value as NodeEntry[], name, stack, view.source.file);
    checkRemoval(view.config, name, stack, opts.force === true);
    return removeFromList(text, view.source.file, view.source.docPath, name, current);
  });
}
