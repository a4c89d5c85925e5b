/** slipway's library API: everything the CLI does, callable from code and tests. */
export { SlipwayError, type ErrorCode } from "./errors.js";
export { findConfigFile, loadConfig, type CliConfig } from "./config/load-config.js";
export { StackEngine, type StackEntry, type DescribeStacksFilter } from "./stack/engine.js";
export { validateStacks, type ValidationReport } from "./stack/validate.js";
export { validateComponent } from "./stack/validate-component.js";
export { merge, mergeAll } from "./stack/merge.js";
export type { ResolvedComponent, Origin, Warning } from "./stack/types.js";
export { compileTemplate, renderTemplate, TemplateError } from "./template/index.js";
export { COMPONENT_TYPES, type ComponentTypeName } from "./schema/cli-config.js";
