/** slipway's library API: everything the CLI does, callable from code and tests. */
export { SlipwayError, type ErrorCode } from "./core/errors.js";
export { findConfigFile, loadConfig, type CliConfig } from "./config/load-config.js";
export {
  openStacks,
  loadStacksConfig,
  validateRepository,
  type OpenStacksOptions,
} from "./repo/open-stacks.js";
export { StackEngine, type StackEntry, type DescribeStacksFilter } from "./stack/engine.js";
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
export { COMPONENT_TYPES, type ComponentTypeName } from "./schema/cli-config.js";
export { renderStack, RENDERERS } from "./components/kubernetes/render.js";
export { sealSecrets } from "./components/kubernetes/seal.js";
export { validateManifests, type ManifestReport } from "./manifests/validate.js";
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
export { runStack, planGraph } from "./components/stack-run.js";
export { prepareTerraform, terraformCommands } from "./components/terraform/driver.js";
export { preparePacker, packerCommands } from "./components/packer/driver.js";
