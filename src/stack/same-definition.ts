import { SlipwayError } from "../core/errors.js";
import type { StackBuild } from "./stack-build.js";
import type { ResolvedComponent } from "./types.js";

const STACK_FILE_FIELDS = new Set(["atmos_stack_file", "imports"]);

/** Throws when the manifests of one stack define a component differently (the stack file fields aside). */
export function checkSameDefinition(resolved: ResolvedComponent[], builds: StackBuild[]): void {
  const key = (c: ResolvedComponent) =>
    JSON.stringify(Object.entries(c).filter(([k]) => !STACK_FILE_FIELDS.has(k)));
  const first = resolved[0]!;
  const firstKey = key(first);
  resolved.slice(1).forEach((c, i) => {
    if (key(c) === firstKey) return;
    throw new SlipwayError({
      code: "conflict",
      message: `component "${c.atmos_component}" is defined differently by ${builds[0]!.top.rel} and ${builds[i + 1]!.top.rel}, which are both stack "${c.atmos_stack}"`,
      ...builds[i + 1]!.componentPlace(c.component_type, c.atmos_component),
      hint: "define the component in one of them, or give the manifests different stack names",
    });
  });
}
