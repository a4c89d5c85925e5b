import { join } from "node:path";
import type { ResolvedComponent } from "../../stack/types.js";
import type { PreparedFile, ToolCommand } from "../component-type.js";

export const PACKER_ACTIONS = ["init", "validate", "build", "fmt", "inspect"] as const;
export type PackerAction = (typeof PACKER_ACTIONS)[number];

/** The variables file Packer reads with -var-file (JSON, so no HCL is generated). */
export function pkrvarsName(c: ResolvedComponent): string {
  return `${c.atmos_stack.replace(/\//g, "-")}-${c.atmos_component.replace(/\//g, "-")}.pkrvars.json`;
}

/** The pkrvars file of a component. */
export function preparePacker(c: ResolvedComponent, dir: string): PreparedFile[] {
  return [{ path: join(dir, pkrvarsName(c)), content: JSON.stringify(c.vars, null, 2) + "\n" }];
}

/** The argv of one Packer action, run in the template's folder. */
export function packerCommands(
  c: ResolvedComponent,
  action: PackerAction,
  dir: string,
  extra: string[],
): ToolCommand[] {
  const env = Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, String(v)]));
  const varfile = `-var-file=${pkrvarsName(c)}`;
  const argv: Record<PackerAction, string[]> = {
    init: ["init", ...extra, "."],
    validate: ["validate", varfile, ...extra, "."],
    build: ["build", varfile, ...extra, "."],
    fmt: ["fmt", ...extra, "."],
    inspect: ["inspect", ...extra, "."],
  };
  return [{ argv: [c.command, ...argv[action]], env, cwd: dir }];
}
