// The table of views: `:nodes`, `:pods`, … look their view up here.
import type { ViewDef, ViewName } from "./view-def.js";
import { EVENTS_VIEW, GITOPS_VIEW, SERVICES_VIEW, WORKLOADS_VIEW } from "./views-apps.js";
import { NODES_VIEW, PODS_VIEW } from "./views-cluster.js";
import { CTX_VIEW, STACK_VIEW } from "./views-stack.js";

export const VIEWS: Readonly<Record<ViewName, ViewDef>> = {
  nodes: NODES_VIEW,
  pods: PODS_VIEW,
  workloads: WORKLOADS_VIEW,
  services: SERVICES_VIEW,
  events: EVENTS_VIEW,
  gitops: GITOPS_VIEW,
  stack: STACK_VIEW,
  ctx: CTX_VIEW,
};

/** The words `:` accepts for each view (the first is the one help shows). */
export const VIEW_COMMANDS: Readonly<Record<string, ViewName>> = {
  nodes: "nodes",
  node: "nodes",
  no: "nodes",
  pods: "pods",
  pod: "pods",
  po: "pods",
  workloads: "workloads",
  deploy: "workloads",
  deployments: "workloads",
  svc: "services",
  services: "services",
  events: "events",
  ev: "events",
  gitops: "gitops",
  flux: "gitops",
  stack: "stack",
  ctx: "ctx",
  contexts: "ctx",
};
