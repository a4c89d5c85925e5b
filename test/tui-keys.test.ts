import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultKeysFile, loadKeyBindings, parseKeyBindings } from "../src/tui/key-bindings.js";
import { ACTIONS, defaultBindings, keyName, keyNames } from "../src/tui/keys.js";
import { onKey } from "../src/tui/reducer.js";
import { initialState, takeRequests } from "../src/tui/state.js";
import { slipwayErrorOf, tempDir } from "./helpers.js";

const F = "/home/u/.config/slipway/ui.yaml";

describe("the key table", () => {
  it("binds no key twice by default", () => {
    const all = ACTIONS.flatMap((a) => a.keys);
    expect(new Set(all).size).toBe(all.length);
    expect(defaultBindings().size).toBe(all.length);
  });

  it("names Ink's key presses", () => {
    expect(keyName("", { upArrow: true })).toBe("up");
    expect(keyName("", { return: true })).toBe("enter");
    expect(keyName("", { delete: true })).toBe("backspace");
    expect(keyName("c", { ctrl: true })).toBe("ctrl+c");
    expect(keyName(" ", {})).toBe("space");
    expect(keyName("G", {})).toBe("G");
  });

  it("splits characters that arrive together into key presses", () => {
    expect(keyNames("jc", {})).toEqual(["j", "c"]);
    expect(keyNames(":pods ns\r", {})).toEqual([":", "p", "o", "d", "s", "space", "n", "s", "enter"]);
    expect(keyNames("", { upArrow: true })).toEqual(["up"]);
  });
});

describe("ui.yaml key bindings", () => {
  it("rebinds an action: its default keys go, the new ones work", () => {
    const b = parseKeyBindings("keys:\n  cordon: C\n  down: [j, down, ctrl+n]\n", F);
    expect(b.get("C")).toBe("cordon");
    expect(b.get("c")).toBeUndefined();
    expect(b.get("ctrl+n")).toBe("down");
    const s = onKey(initialState({ bindings: b }), "c");
    expect(s.message?.text).toBe("c: not bound to anything (? lists the keys)");
  });

  it("an unknown action is an error at its line and column, with the closest name", () => {
    const e = slipwayErrorOf(() => parseKeyBindings("keys:\n  cordon: C\n  uncordn: U\n", F));
    expect(e.where).toBe(`${F}:3:3`);
    expect(e.message).toBe('unknown action "uncordn" (did you mean uncordon?)');
    expect(e.hint).toContain("the actions: up, down");
  });

  it("a key bound to two actions of the file is an error at the second", () => {
    const e = slipwayErrorOf(() => parseKeyBindings("keys:\n  cordon: x\n  uncordon: [X, x]\n", F));
    expect(e.where).toBe(`${F}:3:17`);
    expect(e.message).toBe('key "x" is bound to both cordon (line 2) and uncordon');
  });

  it("a key a default binding keeps is an error too, saying to rebind that action", () => {
    const e = slipwayErrorOf(() => parseKeyBindings("keys:\n  cordon: j\n", F));
    expect(e.where).toBe(`${F}:2:11`);
    expect(e.message).toBe('key "j" is bound to both down (by default) and cordon');
    expect(e.hint).toBe("rebind down too, or choose another key for cordon");
  });

  it("a key no terminal sends, an unknown field and bad YAML are errors with places", () => {
    expect(slipwayErrorOf(() => parseKeyBindings("keys:\n  quit: ctrl+shift+q\n", F)).where).toBe(`${F}:2:9`);
    const field = slipwayErrorOf(() => parseKeyBindings("keys: {}\ntheme: dark\n", F));
    expect([field.where, field.message]).toEqual([`${F}:2:1`, 'unknown field "theme"']);
    expect(slipwayErrorOf(() => parseKeyBindings("keys:\n  quit: [q\n", F)).file).toBe(F);
  });

  it("the default file is under XDG_CONFIG_HOME, else ~/.config; --keys must exist", () => {
    expect(defaultKeysFile({ XDG_CONFIG_HOME: "/x" })).toBe("/x/slipway/ui.yaml");
    expect(defaultKeysFile({ HOME: "/h" })).toBe("/h/.config/slipway/ui.yaml");
    const dir = tempDir();
    expect(loadKeyBindings(undefined, { XDG_CONFIG_HOME: dir }).file).toBeUndefined();
    expect(slipwayErrorOf(() => loadKeyBindings(join(dir, "none.yaml"), {})).message).toMatch(/no such file/);
    const f = join(dir, "keys.yaml");
    writeFileSync(f, "keys:\n  quit: Q\n");
    const { bindings } = loadKeyBindings(f, {});
    expect(takeRequests(onKey(initialState({ bindings }), "Q"))[1]).toContainEqual({ kind: "quit" });
  });
});
