// The import layering of src/ as an ESLint rule (docs/architecture.md explains it). Each folder of src/ has
// a rank; a module may import its own folder and any folder of a lower rank, never one of the same or a
// higher rank. Files at src/'s root (index.ts) sit on top. The engine's folders read files only through
// the loader's Inputs (core/inputs.ts), so records, caches and tests see every read.
import { dirname, relative, resolve, sep } from "node:path";

/** Lowest first. Folders on one rank may not import each other. */
export const RANKS = {
  core: 0,
  cache: 1,
  yaml: 1,
  template: 1,
  schema: 2,
  config: 3,
  stack: 4,
  secrets: 5,
  manifests: 5,
  exec: 5,
  components: 6,
  repo: 7,
  nodes: 8,
  workflow: 8,
  kube: 7,
  tui: 9,
  cli: 10,
  "": 11,
};

/** Folders of the engine, whose file reads go through Inputs (FS_GATE); none of them imports node:fs. */
const ENGINE = new Set(["stack", "config", "template"]);
const FS_GATE = "core/inputs.ts";

const srcRoot = resolve(dirname(new URL(import.meta.url).pathname), "..", "..", "src");

/** `src/stack/engine.ts` → "stack"; `src/index.ts` → "". */
function folderOf(file) {
  const rel = relative(srcRoot, file);
  if (rel.startsWith("..")) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : "";
}

export default {
  rules: {
    layers: {
      meta: {
        type: "problem",
        docs: { description: "imports in src/ point down the layers of docs/architecture.md" },
        schema: [],
      },
      create(context) {
        const file = context.filename;
        const from = folderOf(file);
        if (from === undefined) return {};
        const check = (node, source) => {
          if (typeof source !== "string") return;
          if (source === "node:fs" || source === "node:fs/promises") {
            const rel = relative(srcRoot, file).split(sep).join("/");
            if (ENGINE.has(from) && rel !== FS_GATE)
              context.report({
                node,
                message: `${rel} reads files directly: the engine reads through the loader's Inputs (${FS_GATE})`,
              });
            return;
          }
          if (!source.startsWith(".")) return;
          const to = folderOf(resolve(dirname(file), source));
          if (to === undefined || to === from) return;
          const [a, b] = [RANKS[from], RANKS[to]];
          if (a === undefined || b === undefined) {
            context.report({
              node,
              message: `src/${a === undefined ? from : to}/ has no layer: add it to RANKS in scripts/eslint/layers.js and to docs/architecture.md`,
            });
            return;
          }
          if (b >= a)
            context.report({
              node,
              message: `src/${from || "(root)"}/ (layer ${a}) may not import src/${to || "(root)"}/ (layer ${b}): imports point down only (docs/architecture.md)`,
            });
        };
        return {
          ImportDeclaration: (n) => check(n, n.source.value),
          ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
          ExportAllDeclaration: (n) => check(n, n.source.value),
          ImportExpression: (n) => n.source.type === "Literal" && check(n, n.source.value),
        };
      },
    },
  },
};
