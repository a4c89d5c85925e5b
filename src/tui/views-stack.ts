// The Stack view (the stack's declared nodes and add-ons against what runs) and the contexts of `:ctx`.
import { GITOPS_TYPES, NODES } from "../kube/resources.js";
import { field } from "./format.js";
import type { Health } from "./health-lite.js";
import { gitopsHealth, nodeHealth } from "./health-lite.js";
import { objectsOf, type Cell, type ClusterData, type Item, type ViewEnv } from "./model.js";
import { tailscaleIp } from "./views-cluster.js";
import { defineView } from "./view-def.js";

const row = (id: string, name: string, cells: Cell[]): Item => ({ id, name, labels: {}, cells });

/** One row per declared node, one per node only the cluster has, one per declared add-on. */
export function stackItems(data: ClusterData, env: ViewEnv): Item[] {
  const stack = env.stack;
  if (!stack) return [];
  const live = new Map(objectsOf(data, NODES).map((n) => [n.metadata.name, n]));
  const out: Item[] = [];
  for (const d of stack.nodes) {
    const n = live.get(d.name);
    const v = n ? nodeHealth(n) : { health: "bad" as Health, text: "not in the cluster" };
    const notes: string[] = [];
    const version = n ? String(field(n, "status", "nodeInfo", "kubeletVersion") ?? "") : "";
    if (n && stack.version && !version.startsWith(stack.version.replace(/\+.*$/, "")))
      notes.push(`version ${version}, the stack says ${stack.version}`);
    if (n && d.tailscaleIp && tailscaleIp(n) !== d.tailscaleIp)
      notes.push(`Tailscale IP ${tailscaleIp(n)}, the stack says ${d.tailscaleIp}`);
    out.push(
      row(`node/${d.name}`, d.name, [
        { text: "node" },
        { text: d.name },
        { text: [d.role, d.address].filter(Boolean).join(" ") || "declared" },
        { text: v.text, health: v.health },
        {
          text: notes.join("; ") || (n ? "-" : "declared, missing"),
          health: notes.length ? "warn" : undefined,
        },
      ]),
    );
  }
  const declared = new Set(stack.nodes.map((d) => d.name));
  for (const [name, n] of live)
    if (!declared.has(name))
      out.push(
        row(`node/${name}`, name, [
          { text: "node" },
          { text: name },
          { text: "not declared" },
          { text: nodeHealth(n).text, health: "warn" },
          { text: "in the cluster, not in the stack", health: "warn" },
        ]),
      );
  const gitops = GITOPS_TYPES.flatMap((t) => objectsOf(data, t));
  for (const a of stack.addons) {
    const found = gitops.filter((o) => o.metadata.name === a || o.metadata.namespace === a);
    const bad = found.map((o) => ({ o, v: gitopsHealth(o) })).find(({ v }) => v.health !== "ok");
    out.push(
      row(`addon/${a}`, a, [
        { text: "add-on" },
        { text: a },
        { text: "declared" },
        found.length === 0
          ? { text: "not found", health: "bad" }
          : bad
            ? { text: `${bad.o.kind} ${bad.o.metadata.name}: ${bad.v.text}`, health: bad.v.health }
            : { text: `${found.length} GitOps object(s) Ready`, health: "ok" },
        {
          text: found.length
            ? found.map((o) => `${o.kind}/${o.metadata.name}`).join(",")
            : "no Flux/Argo CD object by that name",
        },
      ]),
    );
  }
  return out;
}

const worst = (cells: readonly Cell[]): Health =>
  cells.some((c) => c.health === "bad") ? "bad" : cells.some((c) => c.health === "warn") ? "warn" : "ok";

export const STACK_VIEW = defineView<null>({
  name: "stack",
  title: "Stack",
  types: [NODES, ...GITOPS_TYPES],
  namespaced: false,
  columns: ["WHAT", "NAME", "DECLARED", "IN THE CLUSTER", "DRIFT"],
  items: stackItems,
  context: () => null,
  cells: (item) => item.cells ?? [],
  health: (item) => worst(item.cells ?? []),
});

export const CTX_VIEW = defineView<null>({
  name: "ctx",
  title: "Contexts",
  types: [],
  namespaced: false,
  columns: ["", "CONTEXT", "CLUSTER"],
  items: (_data, env) =>
    (env.contexts ?? []).map((c) =>
      row(`ctx/${c.name}`, c.name, [
        { text: c.current ? "*" : "" },
        { text: c.name },
        { text: c.cluster ?? "-" },
      ]),
    ),
  context: () => null,
  cells: (item) => item.cells ?? [],
  health: () => "ok",
});
