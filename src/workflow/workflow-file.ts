import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { z } from "zod";
import { SlipwayError } from "../core/errors.js";
import { readBoundedText } from "../core/read-file.js";
import { checkAgainst } from "../schema/check-yaml.js";
import { parseYamlWithPositions } from "../yaml/parse.js";
import { locate } from "../yaml/positions.js";
import { parseDuration } from "./duration.js";

const Duration = z.string().refine((s) => parseDuration(s) !== undefined, "a duration such as 20s, 5m or 1h");

const Step = z.strictObject({
  name: z.string().optional(),
  type: z.enum(["slipway", "atmos", "shell", "check"]).default("slipway"),
  command: z.string().min(1),
  stack: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  retry: z
    .union([
      z.number().int().min(0),
      z.strictObject({ max_attempts: z.number().int().min(1).default(1), delay: Duration.default("5s") }),
    ])
    .optional(),
  timeout: Duration.optional(),
  interval: Duration.optional(),
  expect_status: z.number().int().optional(),
});

const Workflow = z.strictObject({
  description: z.string().optional(),
  stack: z.string().optional(),
  steps: z.array(Step),
});

/** An Atmos workflow file: `workflows: <name>: {description, stack, steps}`. */
export const WorkflowFileSchema = z.looseObject({ workflows: z.record(z.string(), Workflow) });
export type WorkflowStep = z.infer<typeof Step> & { name: string };
export interface Workflow {
  name: string;
  description?: string;
  stack?: string;
  steps: WorkflowStep[];
  file: string;
}

/** Finds `-f <file>`: a path, or a name in the workflows folder with an optional extension. */
export function findWorkflowFile(ref: string, cwd: string, workflowsDir: string): string {
  const candidates = isAbsolute(ref) ? [ref] : [join(workflowsDir, ref), join(cwd, ref)];
  for (const c of candidates)
    for (const p of [c, `${c}.yaml`, `${c}.yml`])
      if (existsSync(p) && !p.endsWith("/") && statSync(p).isFile()) return p;
  throw new SlipwayError({
    code: "usage",
    message: `workflow file "${ref}" not found (looked in ${relative(cwd, workflowsDir) || "."})`,
    hint: "`slipway workflow list` lists the workflow files and their workflows",
  });
}

/** Loads and checks a workflow file; steps without a name are step1, step2, … as Atmos names them. */
export function loadWorkflows(file: string): Map<string, Workflow> {
  const text = readBoundedText(file);
  const opts = { file, env: {}, basePath: "/" };
  const data = checkAgainst(WorkflowFileSchema, parseYamlWithPositions(text, opts), text, opts, {
    code: "validation",
    hint: "steps take name, type (slipway, atmos, shell, check), command, stack, env, retry, timeout, interval, expect_status",
  });
  const out = new Map<string, Workflow>();
  for (const [name, w] of Object.entries(data.workflows)) {
    if (w.steps.length === 0) {
      throw new SlipwayError({
        code: "validation",
        message: `workflow "${name}" has no steps`,
        file,
        ...locate(text, ["workflows", name], opts, "key"),
        hint: "add steps: [{command: …}]",
      });
    }
    out.set(name, {
      name,
      description: w.description,
      stack: w.stack,
      file,
      steps: w.steps.map((s, i) => ({ ...s, name: s.name ?? `step${i + 1}` })),
    });
  }
  return out;
}
