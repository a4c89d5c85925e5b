import type { z } from "zod";
import type { ResolvedComponent } from "../../stack/types.js";

/** A file of the rendered GitOps tree: objects (written as a YAML stream) or raw text. */
export interface RenderedFile {
  /** Path relative to the output root, e.g. `clusters/pve-prod/tenants/org-a/prod/namespace.yaml`. */
  path: string;
  objects: Record<string, unknown>[];
}

export interface RenderContext {
  stack: string;
  /** Where the rendered tree sits in the repository (render's --out from the repository root), posix. */
  treePath: string;
  /** Where a renderer reports what does not stop the render (a path that cannot match). */
  warn: (w: { message: string; path: (string | number)[] }) => void;
}

/** A built-in renderer for `components.kubernetes.<name>`, picked by `metadata.component` or `settings.renderer`. */
export interface Renderer<V = unknown> {
  readonly name: string;
  readonly varsSchema: z.ZodType<V>;
  render(vars: V, c: ResolvedComponent, ctx: RenderContext): RenderedFile[];
}
