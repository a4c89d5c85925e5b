// The user's key bindings: `$XDG_CONFIG_HOME/slipway/ui.yaml` (else `~/.config/slipway/ui.yaml`), or the
// file `--keys` names. An action rebound there loses its default keys; an unknown action, a key a terminal
// cannot send, or a key left bound to two actions is an error at its file:line:col — a binding is never
// dropped or silently shadowed (k9s#625, #1391).
//
//   keys:
//     cordon: C          # one key, or a list
//     down: [j, down, ctrl+n]
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Node as YamlNode, Pair, Scalar } from "yaml";
import { SlipwayError } from "../core/errors.js";
import { closestName } from "../core/suggest.js";
import { throwFirstError } from "../yaml/yaml-errors.js";
import { yamlLib } from "../yaml/parse.js";
import { ACTION_NAMES, ACTIONS, NAMED_KEYS, isKeyName, type Action, type Bindings } from "./keys.js";

/** Where the UI looks for key bindings when `--keys` is not given. */
export function defaultKeysFile(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "slipway", "ui.yaml");
}

interface Placed {
  key: string;
  action: Action;
  line: number;
  col: number;
}

/** Key bindings from a ui.yaml's text: the defaults with the file's actions rebound. */
export function parseKeyBindings(text: string, file: string): Bindings {
  const y = yamlLib();
  const lc = new y.LineCounter();
  const doc = y.parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  throwFirstError(doc, file, lc, []);
  const at = (node: YamlNode | Pair | null | undefined) =>
    lc.linePos((node as YamlNode | undefined)?.range?.[0] ?? 0);
  const fail = (node: YamlNode | null | undefined, message: string, hint: string): never => {
    const p = at(node);
    throw new SlipwayError({ code: "config", message, file, line: p.line, col: p.col, hint });
  };
  const root = doc.contents as YamlNode | null;
  if (root === null || (y.isScalar(root) && root.value === null)) return bindingsFrom([]);
  if (!y.isMap(root))
    return fail(
      root,
      "a key bindings file is a mapping with one field, keys",
      "write `keys:` and under it `<action>: <key>`",
    );
  let keysNode: YamlNode | null = null;
  for (const pair of root.items) {
    const name = y.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (name !== "keys")
      fail(pair.key as YamlNode, `unknown field "${name}"`, "a key bindings file has one field, keys");
    keysNode = pair.value as YamlNode | null;
  }
  if (keysNode === null || (y.isScalar(keysNode) && keysNode.value === null)) return bindingsFrom([]);
  if (!y.isMap(keysNode))
    return fail(
      keysNode,
      "keys: is a mapping of action to key(s)",
      "e.g. `keys: {cordon: C, down: [j, down]}`",
    );
  const placed: Placed[] = [];
  const rebound = new Set<Action>();
  for (const pair of keysNode.items) {
    const name = y.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!(ACTION_NAMES as readonly string[]).includes(name)) {
      const near = closestName(name, ACTION_NAMES);
      fail(
        pair.key as YamlNode,
        `unknown action "${name}"${near ? ` (did you mean ${near}?)` : ""}`,
        `the actions: ${ACTION_NAMES.join(", ")}`,
      );
    }
    const action = name as Action;
    rebound.add(action);
    const value = pair.value as YamlNode | null;
    const scalars: Scalar[] = y.isSeq(value)
      ? (value.items as YamlNode[]).map((i) =>
          y.isScalar(i) ? i : fail(i, `${action}: a key is a string`, 'quote it: "?"'),
        )
      : y.isScalar(value) && value.value !== null
        ? [value]
        : fail(
            value ?? (pair.key as YamlNode),
            `${action}: give a key or a list of keys`,
            `e.g. ${action}: x`,
          );
    for (const s of scalars) {
      const key = String(s.value);
      if (!isKeyName(key))
        fail(
          s,
          `"${key}" is not a key a terminal sends`,
          `one character, ctrl+<letter>, or one of ${NAMED_KEYS.join(", ")}`,
        );
      const p = at(s);
      placed.push({ key, action, line: p.line, col: p.col });
    }
  }
  const defaults = ACTIONS.filter((a) => !rebound.has(a.action)).flatMap((a) =>
    a.keys.map((key): Placed => ({ key, action: a.action, line: 0, col: 0 })),
  );
  const seen = new Map<string, Placed>();
  for (const b of [...defaults, ...placed]) {
    const other = seen.get(b.key);
    if (other && other.action !== b.action)
      throw new SlipwayError({
        code: "config",
        message: `key "${b.key}" is bound to both ${other.action}${other.line ? ` (line ${other.line})` : " (by default)"} and ${b.action}`,
        file,
        line: b.line,
        col: b.col,
        hint: other.line
          ? "give one of them another key"
          : `rebind ${other.action} too, or choose another key for ${b.action}`,
      });
    seen.set(b.key, b);
  }
  return bindingsFrom([...defaults, ...placed]);
}

const bindingsFrom = (bs: readonly Pick<Placed, "key" | "action">[]): Bindings =>
  bs.length
    ? new Map(bs.map((b) => [b.key, b.action]))
    : new Map(ACTIONS.flatMap((a) => a.keys.map((k) => [k, a.action] as const)));

/** The bindings for a run: `--keys FILE` (which must exist), else the default file when there is one. */
export function loadKeyBindings(
  file: string | undefined,
  env: Record<string, string | undefined>,
): { bindings: Bindings; file?: string } {
  const path = file ?? defaultKeysFile(env);
  if (!file && !existsSync(path)) return { bindings: bindingsFrom([]) };
  if (!existsSync(path))
    throw new SlipwayError({
      code: "usage",
      message: `--keys ${path}: no such file`,
      hint: "name an existing ui.yaml",
    });
  return { bindings: parseKeyBindings(readFileSync(path, "utf8"), path), file: path };
}
