import { relative } from "node:path";
import type { CliConfig } from "../config/load-config.js";
import { SlipwayError } from "../core/errors.js";
import { fastCheckOf, type FastCheck } from "../schema/fast-check.js";
import { closestName } from "../core/suggest.js";
import type { Warning } from "../core/place.js";
import { ATMOS_UNSUPPORTED, ManifestSchema } from "../schema/manifest.js";
import { keysAt, unknownKeys } from "../schema/zod-walk.js";
import { compileTemplate, hasTemplate, TemplateError, type CompiledTemplate } from "../template/index.js";
import { Inputs } from "../core/inputs.js";
import { applyLocals } from "./locals.js";
import type { Json, ManifestFile } from "./types.js";
import { parseYaml, type DocPath } from "../yaml/parse.js";
import { locate } from "../yaml/positions.js";
import { DEFERRED_TAGS } from "../yaml/markers.js";

export const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".yaml.tmpl", ".yml.tmpl"] as const;

/** The stack file name without its manifest extension. */
export function stripManifestExtension(path: string): string {
  const ext = MANIFEST_EXTENSIONS.find((e) => path.endsWith(e));
  return ext ? path.slice(0, -ext.length) : path;
}

export interface LoadRequest {
  path: string;
  context?: Json;
  skipTemplates?: boolean;
}

/**
 * The one place stack files are read. Each (file, context) is read, templated, parsed and checked once
 * and then shared by every stack that imports it — catalog files are imported by hundreds of stacks.
 */
export class ManifestLoader {
  private readonly texts = new Map<string, string>();
  private readonly files = new Map<string, ManifestFile>();
  private readonly stats = new Map<string, boolean>();
  private readonly templates = new Map<string, CompiledTemplate>();

  constructor(
    readonly config: CliConfig,
    readonly env: Record<string, string | undefined>,
    /** Every file read, check and glob goes through here (and into its record, when it keeps one). */
    readonly inputs: Inputs = new Inputs(),
  ) {}

  /**
   * A compiled template, cached: catalog strings repeat across hundreds of components. `env` is a
   * component's own `settings.templates.settings.env`, over the config's.
   */
  template(src: string, env?: Record<string, string>): CompiledTemplate {
    const key = env && Object.keys(env).length ? `${JSON.stringify(env)}\0${src}` : src;
    let t = this.templates.get(key);
    if (!t) this.templates.set(key, (t = compileTemplate(src, { env: this.templateEnv(env) })));
    return t;
  }

  private templateEnvironment?: Record<string, string | undefined>;
  /**
   * The environment templates see: `templates.settings.env` of the component, then of the config, over the
   * real one (each lookup of a real variable still recorded).
   */
  private templateEnv(component?: Record<string, string>): Record<string, string | undefined> {
    const config = this.config.templateEnv;
    const own = component && Object.keys(component).length ? { ...config, ...component } : config;
    if (Object.keys(own).length === 0) return this.env;
    const view = new Proxy(this.env, {
      get: (target, key) =>
        typeof key === "string" && Object.hasOwn(own, key) ? own[key] : Reflect.get(target, key),
    });
    if (own === config) return (this.templateEnvironment ??= view);
    return view;
  }

  /** True when `path` is a readable file (cached: imports probe several extensions). */
  isFile(path: string): boolean {
    let hit = this.stats.get(path);
    if (hit === undefined) {
      hit = this.inputs.isFile(path);
      this.stats.set(path, hit);
    }
    return hit;
  }

  /** The raw text of a file, read once. */
  text(path: string): string {
    let t = this.texts.get(path);
    if (t === undefined) {
      try {
        t = this.inputs.read(path);
      } catch (e) {
        if (e instanceof SlipwayError) throw e;
        throw new SlipwayError({
          code: "io",
          message: `cannot read ${path}: ${(e as Error).message}`,
          file: path,
        });
      }
      this.texts.set(path, t);
    }
    return t;
  }

  /** Loads one manifest; throws SlipwayError for bad YAML, bad templates and sections of the wrong type. */
  load(req: LoadRequest): ManifestFile {
    const key = `${req.path}\0${req.context ? JSON.stringify(req.context) : ""}\0${req.skipTemplates ? 1 : 0}`;
    let file = this.files.get(key);
    if (!file) {
      file = this.read(req);
      this.files.set(key, file);
    }
    return file;
  }

  private read(req: LoadRequest): ManifestFile {
    const raw = this.text(req.path);
    const templated =
      this.config.templatesEnabled &&
      !req.skipTemplates &&
      (req.context || req.path.endsWith(".tmpl")) &&
      hasTemplate(raw);
    const text = templated ? this.render(raw, req.path, { ...req.context }) : raw;
    let data = this.parse(text, req.path);
    this.check(data, text, req.path);
    // skip_templates_processing: the file's `{{ }}` belong to another tool, so they are escaped here and
    // come out of the component-stage rendering as the literal text.
    if (this.config.templatesEnabled && req.skipTemplates && hasTemplate(text))
      data = escapeTemplates(data) as Json;
    // Locals work whether or not templates are on: Atmos renders a file that has a `locals` section with
    // them (its templates.settings.enabled governs the other stages).
    if (!req.skipTemplates && text.includes("locals")) {
      data = applyLocals(data, {
        file: req.path,
        template: (src) => this.template(src),
        locate: (path) =>
          locate(text, path, { file: req.path, env: this.env, basePath: this.config.basePath }),
      });
    }
    return {
      path: req.path,
      rel: stripManifestExtension(relative(this.config.stacks.basePath, req.path)),
      text,
      data,
      hasMarkers: text.includes("!unset") || text.includes("!append") || text.includes("!include"),
      // An `!include`d file may hold templates the including text does not show.
      hasTemplates: hasTemplate(text) || text.includes("!include"),
      hasFunctions: FUNCTION_TAG.test(text),
    };
  }

  private parse(text: string, file: string): Json {
    const v = parseYaml(text, {
      file,
      env: this.env,
      basePath: this.config.basePath,
      read: (p) => this.text(p),
    });
    if (v === null || v === undefined) return {};
    if (typeof v !== "object" || Array.isArray(v)) {
      throw new SlipwayError({
        code: "schema",
        message: "a stack manifest must be a mapping of sections (vars:, components:, import: …)",
        file,
        line: 1,
        col: 1,
        hint: "start the file with a section such as `vars:` or `components:`",
      });
    }
    return v as Json;
  }

  private render(text: string, file: string, context: Json): string {
    try {
      return this.template(text).execute(context);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      throw new SlipwayError({
        code: "template",
        message: `template: ${e.message}`,
        file,
        line: e.line,
        col: 1,
        hint: "see the template reference in the README; import context values are top-level fields ({{ .stage }})",
      });
    }
  }

  private check(data: Json, text: string, file: string): void {
    const errors = manifestErrors(data, text, file, this.env, this.config.basePath);
    if (errors[0]) throw errors[0];
  }

  /** The place of `path` in a loaded file, for errors that arise after loading. */
  locate(file: ManifestFile, path: DocPath, target: "key" | "value" = "value") {
    return locate(
      file.text,
      path,
      { file: file.path, env: this.env, basePath: this.config.basePath },
      target,
    );
  }
}

/** A deferred YAML function's tag, or an `!include` (whose file may hold one). */
const FUNCTION_TAG = new RegExp(
  `(?:${[...DEFERRED_TAGS, "!include"].map((t) => t.replace(".", "\\.")).join("|")})(?![\\w.-])`,
);

// The common case, a valid file, answered without zod's copy of the whole document (see fast-check.ts).
let validManifest: FastCheck | undefined;

/** Every section-type problem in a parsed manifest, each with its place. */
/**
 * Keys of a manifest slipway does not know, as warnings at their place: a typo gets the closest known key
 * of its section, an Atmos section slipway does not implement says so. Nothing is dropped in silence.
 */
export function manifestWarnings(
  data: Json,
  text: string,
  file: string,
  env: Record<string, string | undefined>,
  basePath: string,
): Warning[] {
  return unknownKeys(ManifestSchema, data).map((path) => {
    const key = String(path.at(-1));
    const where = path.join(".");
    const pos = locate(text, path, { file, env, basePath }, "key");
    if (ATMOS_UNSUPPORTED.has(key))
      return {
        file,
        ...pos,
        message: `${where}: Atmos's "${key}" is not supported by slipway; it is ignored`,
      };
    const near = closestName(key, keysAt(ManifestSchema, path.slice(0, -1)));
    return {
      file,
      ...pos,
      message: `unknown key ${where}${near ? ` (did you mean "${near}"?)` : ""}; it is ignored`,
    };
  });
}

export function manifestErrors(
  data: Json,
  text: string,
  file: string,
  env: Record<string, string | undefined>,
  basePath: string,
): SlipwayError[] {
  if ((validManifest ??= fastCheckOf(ManifestSchema) ?? (() => false))(data)) return [];
  const result = ManifestSchema.safeParse(data);
  if (result.success) return [];
  return result.error.issues.map(innermost).map((issue) => {
    const path = issue.path as (string | number)[];
    const pos = locate(text, path, { file, env, basePath });
    const line = text.split("\n")[pos.line - 1] ?? "";
    return new SlipwayError({
      code: "schema",
      message: `${path.join(".") || "manifest"}: ${describeIssue(issue)}`,
      file,
      ...pos,
      hint: line.includes("!include")
        ? "!include parses YAML, JSON and HCL (.tfvars, .hcl, .tf) files; any other file (and !include.raw) comes in as text"
        : sectionHint(path),
    });
  });
}

interface Issue {
  code: string;
  message: string;
  path: PropertyKey[];
  expected?: unknown;
  errors?: Issue[][];
}

/**
 * A union failure ("Invalid input") says nothing useful; report the branch that got furthest instead —
 * e.g. for a component that must be a mapping or null, why it is not a valid mapping.
 */
function innermost(issue: Issue): Issue {
  if (issue.code !== "invalid_union" || !issue.errors?.length) return issue;
  const branches = issue.errors.filter(
    (b) => b.length > 0 && !b.every((i) => i.code === "invalid_type" && i.expected === "null"),
  );
  const best = (branches.length ? branches : issue.errors)
    .map((b) => b[0]!)
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!best) return issue;
  return innermost({ ...best, path: [...issue.path, ...best.path] });
}

function describeIssue(issue: { code: string; message: string; expected?: unknown }): string {
  if (issue.code === "invalid_type" && issue.expected === "record") return "expected a mapping (key: value)";
  return issue.message;
}

function sectionHint(path: (string | number)[]): string {
  const last = String(path.at(-1) ?? "");
  if (["vars", "settings", "env", "providers", "backend", "locals"].includes(last))
    return `\`${last}:\` holds key: value pairs, e.g. \`${last}: {key: value}\``;
  if (path[0] === "import") return "each import is a path string or {path, context, skip_if_missing}";
  return "`slipway schema manifest` prints the JSON Schema of stack manifests";
}

/** Rewrites `{{` in every string as an action that prints `{{`, so rendering gives the text back. */
function escapeTemplates(v: unknown): unknown {
  if (typeof v === "string") return v.includes("{{") ? v.replaceAll("{{", '{{"{{"}}') : v;
  if (Array.isArray(v)) return v.map(escapeTemplates);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeTemplates(x)]));
  }
  return v;
}
