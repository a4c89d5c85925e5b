import { join } from "node:path";
import { SlipwayError } from "../core/errors.js";
import { COMPONENT_TYPES, type ComponentTypeName } from "../schema/cli-config.js";
import type { StackEngine } from "./engine.js";
import { manifestErrors, manifestWarnings, MANIFEST_EXTENSIONS } from "./loader.js";
import { parseYaml } from "../yaml/parse.js";
import type { Warning } from "./types.js";
import { checkFunctions } from "./yaml-functions.js";

export interface ValidationReport {
  errors: SlipwayError[];
  warnings: Warning[];
  /** How many files, stacks and component instances were checked. */
  checked: { files: number; stacks: number; components: number };
}

/**
 * `validate stacks`: every finding in every file and stack, not only the first. `folderRequired` says which
 * types' `metadata.component` must name a folder on disk (the registry's; built-ins may have none).
 */
export function validateStacks(
  engine: StackEngine,
  folderRequired: (type: ComponentTypeName) => boolean,
): ValidationReport {
  const errors: SlipwayError[] = [];
  const warnings: Warning[] = [...engine.config.warnings];
  const collect = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof SlipwayError) errors.push(e);
      else throw e;
    }
  };
  const { loader, config } = engine;
  // Every manifest under the stacks folder, imported or not, must parse and have sections of the right type.
  const files = loader.inputs
    .glob(["**/*"], config.stacks.basePath, ["**/node_modules/**"])
    .filter((p) => MANIFEST_EXTENSIONS.some((e) => p.endsWith(e)))
    .filter((p) => !p.startsWith(config.workflowsBasePath + "/"))
    .sort();
  for (const file of files) {
    collect(() => {
      const text = loader.text(file);
      // Templated files are checked once rendered, through the stacks that import them.
      if (file.endsWith(".tmpl")) return;
      const data = parseYaml(text, {
        file,
        env: loader.env,
        basePath: config.basePath,
        read: (p) => loader.text(p),
      });
      if (data && typeof data === "object" && !Array.isArray(data)) {
        errors.push(
          ...manifestErrors(data as Record<string, unknown>, text, file, loader.env, config.basePath),
        );
        warnings.push(
          ...manifestWarnings(data as Record<string, unknown>, text, file, loader.env, config.basePath),
        );
      }
    });
  }
  let components = 0;
  let stacks = 0;
  const broken = new Set(errors.map((e) => e.file));
  collect(() => {
    // Files already reported broken are not reported again through every stack that imports them.
    const entries = engine.stacks((e) => {
      if (!broken.has(e.file)) errors.push(e);
    });
    for (const entry of entries.values()) {
      stacks++;
      for (const type of COMPONENT_TYPES) {
        for (const name of entry.componentNames(type)) {
          const build = entry.buildsDefining(type, name)[0]!;
          components++;
          collect(() => {
            // Functions stay unevaluated (see checkFunctions); their arguments are checked.
            const c = engine.resolveComponent(entry.name, name, type, { functions: false });
            if (build.hasFunctions)
              errors.push(
                ...checkFunctions(c, (section, path) =>
                  engine.placeOf(entry.name, name, section, path, type),
                ),
              );
            const folder = join(config.components[type].basePath, c.component);
            if (folderRequired(type) && c.metadata.type !== "abstract" && !loader.inputs.exists(folder)) {
              errors.push(
                new SlipwayError({
                  code: "validation",
                  message: `${type} component "${name}" in stack "${entry.name}" uses folder "${c.component}", which does not exist`,
                  ...build.componentPlace(type, name),
                  hint: `create ${folder} or fix metadata.component`,
                }),
              );
            }
          });
        }
      }
    }
  });
  // Nothing checked is no pass: a CI gate that finds no stacks must not go green.
  if (errors.length === 0 && stacks === 0) {
    errors.push(
      new SlipwayError({
        code: "validation",
        message: files.length
          ? `no stacks found: none of the ${files.length} manifest(s) under ${config.stacks.basePath} is a stack (stacks.included_paths: ${config.stacks.includedPaths.join(", ")})`
          : `no stacks found: ${config.stacks.basePath} holds no manifests`,
        file: config.file,
        hint: "check stacks.base_path and stacks.included_paths in the config, or add a stack manifest",
      }),
    );
  }
  return { errors: dedupe(errors), warnings, checked: { files: files.length, stacks, components } };
}

function dedupe(errors: SlipwayError[]): SlipwayError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.file}:${e.line}:${e.col}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
