import type { ComponentTypeName } from "../schema/cli-config.js";
import type { Position } from "../yaml/parse.js";

export type { Warning } from "../core/place.js";

export type Json = Record<string, unknown>;

/** A manifest file as loaded: parsed data plus what is needed to point into it later. */
export interface ManifestFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the stacks base path, without extension (Atmos's form in `imports`). */
  rel: string;
  /** The text the data was parsed from (after import-time templating). */
  text: string;
  data: Json;
  /** The file holds `!unset` or `!append`, so merged results must be cleaned of markers. */
  hasMarkers: boolean;
  /** The file holds `{{`, so resolved components may need their templates rendered. */
  hasTemplates: boolean;
  /** The file holds a YAML function evaluated after resolution (`!exec`, `!terraform.output`, …). */
  hasFunctions?: boolean;
}

/** One file's place in a stack: imports are flattened depth first, the importing file after its imports. */
export interface Layer {
  file: ManifestFile;
  /** Import chain from the top-level manifest down to this file (rel paths). */
  chain: string[];
  /**
   * Each visit of this file in Atmos's import walk (in walk order), with the overrides that reach the
   * components it defines there (see orderOverrides). Empty when no file of the stack sets overrides.
   */
  overrides: { order: number; entries: number[] }[];
}

/** Where a resolved value came from. */
export interface Origin extends Partial<Position> {
  file: string;
  chain: string[];
  /** Which merge level set it: global, terraform (type-level), base:<name>, component, overrides. */
  level: string;
}

/** A component fully resolved in one stack — Atmos's `describe component` fields. */
export interface ResolvedComponent {
  atmos_component: string;
  atmos_stack: string;
  atmos_stack_file: string;
  stack: string;
  component: string;
  component_type: ComponentTypeName;
  metadata: Json;
  vars: Json;
  settings: Json;
  env: Json;
  backend_type: string;
  backend: Json;
  providers: Json;
  overrides: Json;
  imports: string[];
  inheritance: string[];
  workspace?: string;
  command: string;
  /** `dependencies` (components, files, folders) merged like settings; absent when none is set. */
  dependencies?: Json;
  /** `secrets:` (declarations and providers for `!secret`), when the stack declares any. */
  secrets?: Json;
}

/** One stack in `describe stacks`: its resolved components by type and name. */
export interface DescribedStack {
  components: Partial<Record<ComponentTypeName, Record<string, unknown>>>;
}

export interface DescribeStacksFilter {
  stack?: string;
  components?: string[];
  componentTypes?: ComponentTypeName[];
  sections?: string[];
}

/** A resolved component's fields that name it and its files: never templates, YAML functions or config. */
export const IDENTITY_FIELDS: readonly string[] = [
  "atmos_component",
  "atmos_stack",
  "atmos_stack_file",
  "stack",
  "imports",
  "inheritance",
];
