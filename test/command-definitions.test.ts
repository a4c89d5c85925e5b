// Command definitions (src/cli/command.ts, src/cli/commands/): typed, and held to what the CLI parses.
import { describe, expect, it } from "vitest";
import { defineCommand, GLOBAL_FLAGS } from "../src/cli/command.js";
import { COMMANDS } from "../src/cli/commands.js";
import { REGISTRY } from "../src/components/registry.js";

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
