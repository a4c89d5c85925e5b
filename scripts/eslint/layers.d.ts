import type { ESLint } from "eslint";
/** Folder of src/ → its layer; lower layers may not import higher ones. */
export const RANKS: Record<string, number>;
declare const plugin: ESLint.Plugin;
export default plugin;
