import type { AffectedDependent } from "../stack/affected.js";
import type { StackEngine } from "../stack/engine.js";
import { affectedFromFlags } from "./affected.js";
import type { CommandContext } from "./command.js";

/** One stack to run, and with `only`, just those of its components (`--affected`). */
export interface StackTarget {
  stack: string;
  only?: ReadonlySet<string>;
}

/**
 * `plan --affected` / `apply --affected`: the stacks and components `describe affected` lists (with
 * `--include-dependents`, their dependents too), one target per stack in name order. A deleted component
 * is reported, never run: there is nothing left in the stack to run it from.
 */
export async function affectedTargets(c: CommandContext): Promise<{
  engine: StackEngine;
  targets: StackTarget[];
  notes: string[];
}> {
  const { engine, report, notes } = await affectedFromFlags(c);
  const byStack = new Map<string, Set<string>>();
  const add = (stack: string, component: string) => {
    let set = byStack.get(stack);
    if (!set) byStack.set(stack, (set = new Set()));
    set.add(component);
  };
  const addDependents = (deps: AffectedDependent[] | null) => {
    for (const d of deps ?? []) {
      add(d.stack, d.component);
      addDependents(d.dependents);
    }
  };
  for (const a of report.affected) {
    if (a.deleted) {
      notes.push(
        `note: ${a.stack}/${a.component} (${a.component_type}) is ${a.affected === "deleted.stack" ? "in a deleted stack" : "deleted"}: not run; destroy what it made with the base revision's configuration`,
      );
      continue;
    }
    add(a.stack, a.component);
    addDependents(a.dependents);
  }
  notes.push(
    `note: compared the work tree with ${report.base.sha.slice(0, 12)} (${report.base.from}): ${byStack.size === 0 ? "nothing is affected" : `${[...byStack.values()].reduce((n, s) => n + s.size, 0)} component(s) in ${byStack.size} stack(s)`}`,
  );
  const targets = [...byStack]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stack, only]) => ({ stack, only }));
  return { engine, targets, notes };
}
