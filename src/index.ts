/** slipway's library API: everything the CLI does, callable from code and tests. */
export { SlipwayError, type ErrorCode } from "./core/errors.js";
export { findConfigFile, loadConfig, type CliConfig } from "./config/load-config.js";
export {
  openStacks,
  loadStacksConfig,
  validateRepository,
  type OpenStacksOptions,
} from "./repo/open-stacks.js";
export {
  initRepository,
  parseFlavour,
  FLAVOURS,
  FLAVOUR_INFO,
  type Flavour,
  type InitOptions,
  type InitResult,
} from "./repo/init.js";
export { StackEngine, type StackEntry, type DescribeStacksFilter } from "./stack/engine.js";
export {
  describeAffected,
  type DescribeAffectedOptions,
  type AffectedReport,
} from "./repo/describe-affected.js";
export { findAffected, type AffectedComponent, type AffectedDependent } from "./stack/affected.js";
export { RevisionInputs } from "./repo/git-revision.js";
export { validateStacks, type ValidationReport } from "./stack/validate.js";
export {
  REGISTRY,
  componentType,
  builtinSchemas,
  builtinVarsSchema,
  defaultCommands,
} from "./components/registry.js";
export type {
  ComponentType,
  PreparedRun,
  PreparedFile,
  ToolCommand,
  PrepareContext,
} from "./components/component-type.js";
export { prepareRun, executeRun, type RunRequest, type ReadyRun, type RunOutcome } from "./components/run.js";
export { validateComponent } from "./components/validate-component.js";
export { merge, mergeAll } from "./stack/merge.js";
export type { ResolvedComponent, Origin, Warning } from "./stack/types.js";
export { compileTemplate, renderTemplate, TemplateError } from "./template/index.js";
export {
  COMPONENT_TYPES,
  CliConfigSchema,
  type ComponentTypeName,
  type ConfigFlavour,
  type DefaultCommands,
} from "./schema/cli-config.js";
export { ManifestSchema, ComponentSchema, type Manifest } from "./schema/manifest.js";
export { NodesVars, type NodeEntry, type NodesConfig } from "./components/ansible/k3s-vars.js";
export { AddonsVars } from "./components/kubernetes/addons.js";
export { AppsVars } from "./components/kubernetes/apps.js";
export { GitopsVars } from "./components/kubernetes/gitops.js";
export { TenantsVars } from "./components/kubernetes/tenants.js";
export type { Renderer, RenderedFile, RenderContext } from "./components/kubernetes/types.js";
// The node inventory: reads, edits (one lock → validate → atomic write path), lifecycle runs, discovery.
export {
  openNodes,
  nodesComponent,
  addNode,
  removeNode,
  requireNode,
  NODES_COMPONENT,
  type NodesView,
  type NewNode,
  type EditOptions,
} from "./nodes/nodes.js";
export {
  getConfig,
  setConfig,
  scopedNodes,
  type ConfigKeyOptions,
  type ConfigChange,
} from "./nodes/config.js";
export {
  prepareNodePlaybook,
  rebuildNode,
  rebuildPlan,
  rebuildSummary,
  type NodeRunOptions,
  type RebuildReport,
} from "./nodes/lifecycle.js";
export {
  tailnetPeers,
  discover,
  addPeers,
  type DiscoverFilter,
  type DiscoveredPeer,
} from "./nodes/discover.js";
export { peersOf, type Peer } from "./nodes/tailscale.js";
export { editLockedFile } from "./nodes/edit.js";
export { cacheRoot, cacheDir, type CacheName } from "./cache/policy.js";
export { renderStack, RENDERERS } from "./components/kubernetes/render.js";
export { sealSecrets } from "./components/kubernetes/seal.js";
export {
  validateManifests,
  type ManifestReport,
  type ValidateManifestsOptions,
} from "./manifests/validate.js";
export type { ManifestFinding } from "./manifests/types.js";
export {
  encryptFile,
  decryptFile,
  editFile,
  updateKeys,
  rotate,
  check as checkSecrets,
  keygen,
} from "./secrets/operations.js";
export {
  encryptDocument,
  decryptDocument,
  readDocument,
  writeDocument,
  formatOf,
} from "./secrets/sops-file.js";
export { findIdentities } from "./secrets/keys.js";
export { loadWorkflows, findWorkflowFile } from "./workflow/workflow-file.js";
export { runWorkflow } from "./workflow/runner.js";
export { main, runSlipway, type Io, type StepIo } from "./cli/main.js";
export {
  runStack,
  planGraph,
  type StackAction,
  type StackRunOptions,
  type ProgressEvent,
  type ComponentRun,
} from "./components/stack-run.js";
export { prepareTerraform, terraformCommands } from "./components/terraform/driver.js";
export { preparePacker, packerCommands } from "./components/packer/driver.js";
