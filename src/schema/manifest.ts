import { z } from "zod";

const Section = z.record(z.string(), z.unknown());

const ImportEntry = z.union([
  z.string(),
  z.object({
    path: z
      .string()
      .describe("File or glob; ./ and ../ are relative to this file, others to the stacks base path"),
    context: Section.optional().describe("Values for templates in the imported file"),
    skip_if_missing: z.boolean().optional(),
    skip_templates_processing: z.boolean().optional(),
  }),
]);

const Metadata = z.looseObject({
  type: z.enum(["abstract", "real"]).optional().describe("abstract: a base only, never deployed"),
  component: z.string().optional().describe("The component folder, when it differs from the name"),
  inherits: z.array(z.string()).optional().describe("Base components, merged in order; later wins"),
  enabled: z.boolean().optional(),
  locked: z.boolean().optional(),
  terraform_workspace: z.string().optional(),
  terraform_workspace_pattern: z.string().optional(),
  terraform_workspace_template: z.string().optional(),
  name: z.string().optional().describe("The component's name in default state keys (else its folder)"),
  description: z.string().optional(),
  custom: Section.optional().describe("Free-form data for your own tooling; slipway ignores it"),
});

const Overrides = z.looseObject({
  vars: Section.optional(),
  settings: Section.optional(),
  env: Section.optional(),
  command: z.string().optional(),
});

/** One entry of `dependencies.components`: Atmos's current form (`name` is its newer alias of `component`). */
const Dependency = z.looseObject({
  component: z.string().optional(),
  name: z.string().optional(),
  stack: z.string().optional(),
  kind: z.string().optional(),
  path: z.string().optional(),
});

const Dependencies = z.looseObject({
  components: z
    .array(Dependency)
    .optional()
    .describe("Components this one needs first: plan/apply order, describe affected --include-dependents"),
  files: z.array(z.string()).optional().describe("Files whose change makes this component affected"),
  folders: z.array(z.string()).optional().describe("Folders whose change makes this component affected"),
});

const Sections = {
  vars: Section.optional(),
  settings: Section.optional(),
  env: Section.optional(),
  providers: Section.optional(),
  backend_type: z.string().optional(),
  backend: Section.optional(),
  remote_state_backend_type: z.string().optional(),
  remote_state_backend: Section.optional(),
  overrides: Overrides.optional(),
  command: z.string().optional(),
  dependencies: Dependencies.optional(),
  secrets: z
    .looseObject({ vars: Section.optional(), providers: Section.optional() })
    .optional()
    .describe("Declared secrets (vars: NAME → {sops: provider}) and their SOPS providers, for !secret"),
  locals: Section.optional().describe(
    "File-scoped values for this file's templates (.locals.x); never inherited through imports",
  ),
};

export const ComponentSchema = z.looseObject({
  ...Sections,
  metadata: Metadata.optional(),
  component: z.string().optional().describe("Legacy base component; prefer metadata.inherits"),
});

const TypeLevel = z.looseObject(Sections);
const ComponentMap = z.record(z.string(), z.union([ComponentSchema, z.null()]));

/**
 * Atmos sections slipway does not implement: reported as unsupported wherever they appear, never silently
 * dropped (at the top of a manifest, on a component, and as component types).
 */
export const ATMOS_UNSUPPORTED = new Set([
  "hooks",
  "mocks",
  "tools",
  "provision",
  "generate",
  "source",
  "auth",
  "helmfile",
  "emulator",
]);

/** A stack manifest file (`stacks/**.yaml`). */
export const ManifestSchema = z.looseObject({
  name: z.string().optional().describe("The stack's name; wins over name_template and name_pattern"),
  import: z.array(ImportEntry).optional(),
  ...Sections,
  terraform: TypeLevel.optional(),
  packer: TypeLevel.optional(),
  ansible: TypeLevel.optional(),
  kubernetes: TypeLevel.optional(),
  components: z
    .looseObject({
      terraform: ComponentMap.optional(),
      packer: ComponentMap.optional(),
      ansible: ComponentMap.optional(),
      kubernetes: ComponentMap.optional(),
    })
    .optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
