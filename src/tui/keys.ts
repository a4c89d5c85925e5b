// The terminal UI's keys as data: every action, the keys it has by default, what help says about it, and
// whether it changes the cluster (refused under --readonly). The reducer looks actions up here; a user's
// ui.yaml rebinds them (key-bindings.ts); help and the README's key table are printed from it.

/** What a key can do. */
export type Action =
  | "up"
  | "down"
  | "page-up"
  | "page-down"
  | "top"
  | "bottom"
  | "detail"
  | "back"
  | "command"
  | "filter"
  | "logs"
  | "yaml"
  | "follow"
  | "cordon"
  | "uncordon"
  | "drain"
  | "namespaces"
  | "help"
  | "quit";

export interface ActionDef {
  action: Action;
  keys: readonly string[];
  help: string;
  /** Changes the cluster: refused under --readonly. */
  mutating?: boolean;
}

export const ACTIONS: readonly ActionDef[] = [
  { action: "up", keys: ["up", "k"], help: "move up" },
  { action: "down", keys: ["down", "j"], help: "move down" },
  { action: "page-up", keys: ["pageup", "ctrl+b"], help: "a page up" },
  { action: "page-down", keys: ["pagedown", "ctrl+f"], help: "a page down" },
  { action: "top", keys: ["g", "home"], help: "first row" },
  { action: "bottom", keys: ["G", "end"], help: "last row" },
  { action: "detail", keys: ["enter"], help: "detail: the object's YAML and its events" },
  { action: "back", keys: ["escape"], help: "back (or clear the filter)" },
  {
    action: "command",
    keys: [":"],
    help: "command: nodes, pods [ns,…], workloads, svc, events, gitops, stack, ctx, q",
  },
  { action: "filter", keys: ["/"], help: "filter: a regex, or -l key=value,… (a label selector)" },
  { action: "logs", keys: ["l"], help: "logs of the selected pod (follows); again: its next container" },
  { action: "yaml", keys: ["y"], help: "the object's YAML" },
  { action: "follow", keys: ["f"], help: "logs: follow on/off" },
  { action: "cordon", keys: ["c"], help: "cordon the selected node", mutating: true },
  { action: "uncordon", keys: ["u"], help: "uncordon the selected node", mutating: true },
  {
    action: "drain",
    keys: ["D"],
    help: "drain the selected node (type its name to confirm)",
    mutating: true,
  },
  { action: "namespaces", keys: ["n"], help: "pick namespaces (several at once)" },
  { action: "help", keys: ["?"], help: "this help" },
  { action: "quit", keys: ["q", "ctrl+c"], help: "quit" },
];

export const ACTION_NAMES: readonly Action[] = ACTIONS.map((a) => a.action);

/** Key → action, as the reducer reads it. */
export type Bindings = ReadonlyMap<string, Action>;

/** The default bindings. */
export function defaultBindings(): Map<string, Action> {
  return new Map(ACTIONS.flatMap((a) => a.keys.map((k) => [k, a.action] as const)));
}

/** The keys an action has under some bindings, in their order. */
export function keysOf(bindings: Bindings, action: Action): string[] {
  return [...bindings].filter(([, a]) => a === action).map(([k]) => k);
}

/** Named keys a binding may use besides one printable character and ctrl+<letter>. */
export const NAMED_KEYS = [
  "up",
  "down",
  "left",
  "right",
  "pageup",
  "pagedown",
  "home",
  "end",
  "enter",
  "escape",
  "tab",
  "backspace",
  "delete",
  "space",
] as const;

/** Whether a key name is one a terminal can send (and so one a binding may use). */
export function isKeyName(k: string): boolean {
  return (NAMED_KEYS as readonly string[]).includes(k) || /^ctrl\+[a-z]$/.test(k) || /^[\x21-\x7e]$/u.test(k);
}

/** Ink's view of a key press, as much as slipway reads of it. */
export interface InkKey {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

const NAMED_FLAGS: [keyof InkKey, string][] = [
  ["upArrow", "up"],
  ["downArrow", "down"],
  ["leftArrow", "left"],
  ["rightArrow", "right"],
  ["pageUp", "pageup"],
  ["pageDown", "pagedown"],
  ["home", "home"],
  ["end", "end"],
  ["return", "enter"],
  ["escape", "escape"],
  ["tab", "tab"],
  ["backspace", "backspace"],
  ["delete", "delete"],
];

/**
 * A key press as one name: `up`, `enter`, `ctrl+c`, or the character typed (`G`, `:`). Terminals send
 * DEL (0x7f) for Backspace, which Ink reports as `delete`: both are `backspace` here, as a user means it.
 */
export function keyName(input: string, key: InkKey): string {
  for (const [flag, name] of NAMED_FLAGS)
    if (key[flag]) return name === "delete" || name === "backspace" ? "backspace" : name;
  if (key.ctrl && /^[a-z]$/i.test(input)) return `ctrl+${input.toLowerCase()}`;
  if (input === " ") return "space";
  return input;
}

const CONTROL_CHARS: Record<string, string> = {
  "\r": "enter",
  "\n": "enter",
  "\x7f": "backspace",
  "\b": "backspace",
  "\t": "tab",
  "\x1b": "escape",
  " ": "space",
};

/**
 * The keys of one read from the terminal: Ink hands over a chunk of plain characters at once when they
 * arrive together (a paste, or fast typing), and each is a key press of its own.
 */
export function keyNames(input: string, key: InkKey): string[] {
  const flagged = NAMED_FLAGS.some(([flag]) => key[flag]) || key.ctrl;
  if (flagged || [...input].length <= 1) return [keyName(input, key)];
  return [...input].map((ch) => CONTROL_CHARS[ch] ?? ch);
}
