// The data the UI's pure parts work on: a snapshot of the cluster's collections (taken once per batch of
// changes), the rows a view lists, and the desired state the CLI passes in for the Stack view.
import type { Connection, KubeErrorKind, KubeObject, ResourceType } from "../kube/types.js";
import type { Health } from "./health-lite.js";

/** One resource type as last seen: its objects and whether its list has arrived. */
export interface TypeSnapshot {
  synced: boolean;
  absent: boolean;
  error?: { kind: KubeErrorKind; message: string };
  objects: readonly KubeObject[];
}

/** The cluster as the UI last saw it. */
export interface ClusterData {
  context: string;
  server: string;
  connection: Connection;
  /** By `ResourceType.resource`; a type not watched yet is missing. */
  types: Readonly<Record<string, TypeSnapshot>>;
}

/** The stack's declared nodes and add-ons (from the stack's resolved config, passed in by the CLI). */
export interface StackDesired {
  stack: string;
  version?: string;
  nodes: { name: string; role?: string; address?: string; tailscaleIp?: string }[];
  addons: string[];
}

/** A kubeconfig context, for `:ctx`. */
export interface ContextInfo {
  name: string;
  cluster?: string;
  current: boolean;
}

/** What a view lists besides the cluster: plain data handed to the UI at start. */
export interface ViewEnv {
  stack?: StackDesired;
  contexts?: readonly ContextInfo[];
}

/** One row of a view, before it is formatted (only visible rows are). */
export interface Item {
  id: string;
  name: string;
  namespace?: string;
  labels: Readonly<Record<string, string>>;
  obj?: KubeObject;
  type?: ResourceType;
  /** Rows that are not API objects (Stack, contexts) carry their cells already. */
  cells?: Cell[];
  /** The row's health, worked out once per batch (the header counts it). */
  health?: Health;
}

export interface Cell {
  text: string;
  health?: Health;
}

/** The objects of one type in a snapshot (none when it is not watched yet). */
export const objectsOf = (data: ClusterData, t: ResourceType): readonly KubeObject[] =>
  data.types[t.resource]?.objects ?? [];

/** An item for an API object. */
export function itemOf(obj: KubeObject, type: ResourceType): Item {
  const ns = obj.metadata.namespace;
  return {
    id: `${type.resource}/${ns ?? ""}/${obj.metadata.name}`,
    name: obj.metadata.name,
    namespace: ns,
    labels: obj.metadata.labels ?? {},
    obj,
    type,
  };
}

/** An empty snapshot: connecting, nothing watched. */
export const emptyData = (context = "", server = ""): ClusterData => ({
  context,
  server,
  connection: { state: "connecting" },
  types: {},
});
