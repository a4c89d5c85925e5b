// Command definitions (src/cli/command.ts, src/cli/commands/): typed, and held to what the CLI parses.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";
import { defineCommand, GLOBAL_FLAGS } from "../src/cli/command.js";
import { COMMANDS } from "../src/cli/commands.js";
import { REGISTRY } from "../src/components/registry.js";
import { splitArgs } from "../src/workflow/runner.js";

describe("command definitions", () => {
  it("type a run's flags from the definition (the compiler refuses a flag used as the wrong type)", async () => {
    const def = defineCommand({
      words: ["demo"],
      summary: "a demo",
      flags: {
        stack: { type: "string", description: "a stack" },
        apply: { type: "boolean", description: "apply it" },
        label: { type: "string", multiple: true, description: "labels" },
      },
      load: async () => (ctx) => {
        const stack: string | undefined = ctx.flags.stack;
        const apply: boolean | undefined = ctx.flags.apply;
        const labels: string[] | undefined = ctx.flags.label;
        const format: string | undefined = ctx.flags.format;
        // @ts-expect-error a boolean flag is not a string
        const wrong: string | undefined = ctx.flags.apply;
        // @ts-expect-error a flag the definition does not have
        void ctx.flags.nope;
        return { data: { stack, apply, labels, format, wrong } };
      },
    });
    const run = await def.load();
    const r = await run({
      args: [],
      flags: { stack: "lab", apply: true, label: ["a=1"] },
      cwd: "/",
      env: {},
      progress: () => {},
    });
    expect(r.data).toEqual({ stack: "lab", apply: true, labels: ["a=1"], format: undefined, wrong: true });
  });

  it("every command has a unique name, and no flag shadows a global one with another type", () => {
    const names = COMMANDS.map((c) => c.words.join(" "));
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS)
      for (const [name, f] of Object.entries(c.flags ?? {}))
        if (name in GLOBAL_FLAGS)
          expect([c.words.join(" "), f.type]).toEqual([
            c.words.join(" "),
            (GLOBAL_FLAGS as Record<string, { type: string }>)[name]!.type,
          ]);
  });

  it("there is a `slipway <type>` command for every component type with tool actions, naming those actions", () => {
    for (const t of Object.values(REGISTRY)) {
      const cmd = COMMANDS.find((c) => c.words.length === 1 && c.words[0] === t.name);
      if (t.actions.length === 0) {
        expect(cmd).toBeUndefined();
        continue;
      }
      const listed = cmd!.args!.find((a) => a.name === "action")!.description.split(" | ");
      expect([t.name, ...listed]).toEqual([t.name, ...t.actions]);
    }
  });
});

describe("every hint slipway prints is a command that runs", () => {
  /** Each `slipway …` written in backticks in src/, with `${…}` parts as a sample value. */
  function hintedCommands(): { file: string; text: string }[] {
    const out: { file: string; text: string }[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".ts"))
          for (const m of readFileSync(p, "utf8").matchAll(/\\?`(slipway [^`\\]+)\\?`/g))
            out.push({ file: relative(repoRoot, p), text: m[1]! });
      }
    };
    walk(join(repoRoot, "src"));
    return out;
  }
  const GLOBAL = new Set(Object.keys(GLOBAL_FLAGS));

  it("names a command that exists, with flags it has and no more arguments than it takes", () => {
    const hints = hintedCommands();
    expect(hints.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const { file, text } of hints) {
      // Usage lines and placeholders (`<type>`, `[--flag]`, `…`) describe commands rather than hint one;
      // a command made at run time (`slipway ${action} …`) is checked where it is made.
      if (/^slipway \$\{/.test(text) || (text.match(/\{/g) ?? []).length !== (text.match(/\}/g) ?? []).length)
        continue;
      const shown = text
        .replace(/\[--[^\s]*(?: [^\s\]]*)?'[^']*'\]/g, "")
        .replace(/\$\{[^}]*\}/g, "x")
        .replace(/\[[^\]]*\]/g, "");
      const words = splitArgs(shown).slice(1);
      if (words[0]?.startsWith("<") || words[0] === "--help" || words[0] === "--version") continue;
      const cmd = [...COMMANDS]
        .sort((a, b) => b.words.length - a.words.length)
        .find((c) => c.words.every((w, i) => words[i] === w));
      const group = COMMANDS.some((c) => c.words[0] === words[0]);
      if (!cmd) {
        if (!(group && words.length === 2 && words[1] === "--help"))
          wrong.push(`${file}: ${text} (no such command)`);
        continue;
      }
      const rest = words.slice(cmd.words.length);
      const flags = cmd.flags ?? {};
      let positional = 0;
      for (let i = 0; i < rest.length; i++) {
        const w = rest[i]!;
        if (w === "--") break;
        if (w.startsWith("-") && w !== "-") {
          const name = w.replace(/^-+/, "").split("=")[0]!;
          const def =
            Object.entries(flags).find(([n, f]) => n === name || f.short === name)?.[1] ??
            (GLOBAL.has(name) ? (GLOBAL_FLAGS as Record<string, { type: string }>)[name] : undefined);
          if (!def) wrong.push(`${file}: ${text} (${cmd.words.join(" ")} has no flag ${w})`);
          else if (def.type === "string" && !w.includes("=")) i++;
        } else if (!w.startsWith("<") && w !== "…") positional++;
        else positional++;
      }
      const max = (cmd.args ?? []).some((a) => a.variadic) ? Infinity : (cmd.args ?? []).length;
      if (positional > max) wrong.push(`${file}: ${text} (takes at most ${max} argument(s))`);
    }
    expect(wrong).toEqual([]);
  });
});
