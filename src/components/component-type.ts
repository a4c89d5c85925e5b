import type { z } from "zod";
import { SlipwayError } from "../core/errors.js";
import type { ComponentTypeName } from "../schema/cli-config.js";
import type { StackEngine } from "../stack/engine.js";
import type { ResolvedComponent } from "../stack/types.js";

/** A file a component type writes before running its tool. */
export interface PreparedFile {
  path: string;
  content: string;
}

/** One tool invocation: argv, extra env, working folder. */
export interface ToolCommand {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

/** What preparing a run needs besides the resolved component. */
export interface PrepareContext {
  engine: StackEngine;
  /** The component's folder (see `componentDir`). */
  dir: string;
  /** Arguments after `--`, for the tool. */
  extra: string[];
  env: Record<string, string | undefined>;
  /** The type's own options (ansible: limit, tags, check, diff, playbook). */
  options: Record<string, unknown>;
}

/** A run, prepared: everything it will write and run, so a dry run can show it and nothing else. */
export interface PreparedRun {
  files: PreparedFile[];
  commands: ToolCommand[];
  /** Secrets for the commands' environment, worked out just before they run (never written to a file). */
  secrets?: () => Promise<Record<string, string>>;
  /** Files the tool reports into during the run, removed before it starts. */
  reports?: string[];
  /** Paths the action itself removes (`terraform clean`), after any commands. */
  removes?: string[];
  /**
   * What the tool says happened, read after the run: failures (per host and task for ansible) and notes
   * (the recap). The run ran for real only when every command exited 0 and no failure is listed here.
   */
  outcome?: () => { failures: string[]; notes: string[] };
}

/** One component type: what slipway knows of it, in one place. A new type is a folder and a registry line. */
export interface ComponentType {
  readonly name: ComponentTypeName;
  /** The executable run when the config names none: `slipway.yaml` and `atmos.yaml` may differ. */
  defaultCommand(flavour: "slipway" | "atmos"): string;
  /** What `slipway <type> <action>` accepts; empty for a type no tool command runs (kubernetes renders). */
  readonly actions: readonly string[];
  /** The actions `plan -s` and `apply -s` run for it; absent when those commands leave the type alone. */
  readonly stackActions?: { readonly plan: string; readonly apply: string };
  /**
   * Stack actions that only check the component instead of doing what `plan`/`apply` promise (ansible's
   * plan is a syntax check: a play cannot be planned without its hosts), with what to run instead.
   */
  readonly checksOnly?: Readonly<Record<string, string>>;
  /** Actions that change infrastructure: refused for a locked component. */
  readonly changes: readonly string[];
  /** Actions that read nothing of the module, so its variables are not checked first. */
  readonly noVariableCheck: readonly string[];
  /** Whether `metadata.component` must name a folder on disk (built-ins may have none), and how to fix it. */
  readonly folder: { readonly required: boolean; readonly hint: string };
  /** The oldest version of the tool ([major, minor]) the actions in `for` work with. */
  readonly minimumVersion?: { readonly version: readonly [number, number]; readonly for: readonly string[] };
  /**
   * Where a component's files are when its folder under the type's base path (`dir`) does not say it all:
   * a built-in component may run files slipway ships. Absent: `dir`.
   */
  folderOf?(c: ResolvedComponent, dir: string): string;
  /** Actions that print data about the component instead of running the tool (ansible: inventory). */
  readonly dataActions?: Readonly<Record<string, (c: ResolvedComponent) => unknown>>;
  /**
   * Vars schemas of slipway's built-in components of this type, by component folder. Loaded on demand:
   * every command reads the registry, few need the schemas.
   */
  builtins(): Promise<Readonly<Record<string, z.ZodType>>>;
  /** The files and commands of one action. Throws a SlipwayError for input the type cannot run. */
  prepare(c: ResolvedComponent, action: string, ctx: PrepareContext): PreparedRun;
}

/** Refuses what must not run: abstract or disabled components always, locked ones for changes. */
export function checkRunnable(c: ResolvedComponent, action: string, changes: readonly string[]): void {
  const what = `${c.component_type} component "${c.atmos_component}" in stack "${c.atmos_stack}"`;
  if (c.metadata.type === "abstract")
    throw new SlipwayError({
      code: "validation",
      message: `${what} is abstract: a base for other components, never deployed`,
      hint: "run the components that inherit from it",
    });
  if (c.metadata.enabled === false)
    throw new SlipwayError({
      code: "validation",
      message: `${what} is disabled (metadata.enabled: false)`,
      hint: "enable it in the stack to run it",
    });
  if (c.metadata.locked === true && changes.includes(action)) {
    throw new SlipwayError({
      code: "validation",
      message: `${what} is locked (metadata.locked: true): ${action} would change it`,
      hint: "plan still works; unlock it in the stack to change it",
    });
  }
}

/** What a dry run shows: each file with its content, each command with its folder and extra env. */
export function dryRunText(
  files: PreparedFile[],
  commands: ToolCommand[],
  show: (p: string) => string = (p) => p,
  removes: string[] = [],
): string {
  return (
    [
      ...files.flatMap((f) => [`# would write ${show(f.path)}`, f.content.trimEnd()]),
      ...removes.map((p) => `# would remove ${show(p)}`),
      ...commands.map(
        (cmd) =>
          `# would run in ${show(cmd.cwd)}${Object.keys(cmd.env).length ? ` with ${Object.keys(cmd.env).join(", ")}` : ""}\n${cmd.argv.join(" ")}`,
      ),
    ].join("\n") + "\n"
  );
}

/** A component's env section as the string map a child process takes. */
export function toolEnv(c: ResolvedComponent): Record<string, string> {
  return Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, String(v)]));
}
