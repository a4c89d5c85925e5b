// `!terraform.output` / `!terraform.state`: another component's outputs, read with the real tool from its
// backend — its backend file and workspace prepared as a run prepares them, then `<tool> output -json`.
// Outputs are read once per (stack, component) per run; a component that (through others) reads its own
// outputs is a cycle, reported with the chain.
import { spawnSync } from "node:child_process";
import { relative } from "node:path";
import { SlipwayError } from "../../core/errors.js";
import { makeDirs, writeFileAtomic } from "../../core/fs-atomic.js";
import type { StackEngine } from "../../stack/engine.js";
import type { TerraformRef } from "../../stack/function-args.js";
import type { ResolvedComponent } from "../../stack/types.js";
import { evaluatePath } from "../../yaml/yq-path.js";
import { toolEnv } from "../component-type.js";
import { componentDir } from "../registry.js";
import { backendChanged, prepareTerraform } from "./driver.js";

/** Reads outputs for one run of slipway: a cache and the chain of components being resolved. */
export class OutputReader {
  private readonly cache = new Map<string, Record<string, unknown>>();
  private readonly chain: string[] = [];

  constructor(
    private readonly engine: StackEngine,
    private readonly env: Record<string, string | undefined>,
  ) {}

  /** The value `ref.expression` names in the outputs of `ref.component` in `ref.stack`. */
  read(ref: Required<TerraformRef>, from: ResolvedComponent): unknown {
    const outputs = this.outputsOf(ref.stack, ref.component, from);
    const expr = ref.expression;
    const plain = !/^[.[]/.test(expr) && !expr.includes("//");
    const value = plain ? outputs[expr] : evaluatePath(outputs, expr);
    if (value === undefined) {
      const names = Object.keys(outputs);
      throw new SlipwayError({
        code: "yaml-function",
        message: `component "${ref.component}" in stack "${ref.stack}" has no output ${expr}${names.length ? ` (its outputs: ${names.join(", ")})` : " (it has no outputs: is it applied?)"}`,
        hint: 'apply it first, or give a default: `!terraform.output <component> ".name // \\"default\\""`',
      });
    }
    return value;
  }

  private outputsOf(stack: string, component: string, from: ResolvedComponent): Record<string, unknown> {
    const key = `${component} (stack ${stack})`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const fromKey = `${from.atmos_component} (stack ${from.atmos_stack})`;
    if (this.chain.includes(key) || fromKey === key)
      throw new SlipwayError({
        code: "yaml-function",
        message: `!terraform.output cycle: ${[...this.chain, fromKey, key].join(" → ")}`,
        hint: "a component cannot read its own outputs, directly or through other components: break the chain",
      });
    this.chain.push(fromKey);
    try {
      const target = this.engine.resolveComponent(stack, component, "terraform");
      const outputs = this.runOutput(target);
      this.cache.set(key, outputs);
      return outputs;
    } finally {
      this.chain.pop();
    }
  }

  /** init (when the backend changed), workspace, `output -json` in the component's folder, quietly. */
  private runOutput(c: ResolvedComponent): Record<string, unknown> {
    const dir = componentDir(this.engine.config.components, c);
    const files = prepareTerraform(c, dir).filter((f) => f.path.endsWith("backend.tf.json"));
    const reconfigure = backendChanged(files, dir);
    makeDirs(dir);
    for (const f of files) writeFileAtomic(f.path, f.content);
    const steps = [
      ...(reconfigure ? [["init", "-reconfigure", "-input=false"]] : []),
      ...(c.workspace ? [["workspace", "select", "-or-create", c.workspace]] : []),
      ["output", "-json"],
    ];
    let stdout = "";
    for (const args of steps) {
      const r = spawnSync(c.command, args, {
        cwd: dir,
        env: { ...this.env, ...toolEnv(c), TF_IN_AUTOMATION: "1" },
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      });
      if (r.error || r.status !== 0) {
        const why = r.error ? r.error.message : (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ");
        throw new SlipwayError({
          code: "yaml-function",
          message: `reading the outputs of component "${c.atmos_component}" in stack "${c.atmos_stack}": \`${c.command} ${args.join(" ")}\` in ${relative(this.engine.config.basePath, dir) || "."} failed: ${why}`,
          hint: r.error
            ? `is ${c.command} installed? (components.terraform.command)`
            : `run \`slipway terraform init ${c.atmos_component} -s ${c.atmos_stack}\` to see the tool's own output`,
        });
      }
      stdout = r.stdout;
    }
    const json = JSON.parse(stdout || "{}") as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v.value]));
  }
}
