import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { markdownReference } from "../src/cli/help.js";
import { jsonSchemas } from "../src/cli/schema.js";
import { repoRoot } from "./helpers.js";

describe("one schema, three uses", () => {
  it("the stack manifest JSON Schema is pinned", async () => {
    await expect(JSON.stringify((await jsonSchemas()).manifest, null, 2) + "\n").toMatchFileSnapshot(
      "__snapshots__/manifest.schema.json",
    );
  });
  it("the config JSON Schema is pinned", async () => {
    await expect(JSON.stringify((await jsonSchemas()).config, null, 2) + "\n").toMatchFileSnapshot(
      "__snapshots__/config.schema.json",
    );
  });
  it("the manifest schema rejects a section of the wrong type", async () => {
    const schema = (await jsonSchemas()).manifest as { properties: Record<string, { type?: string }> };
    expect(schema.properties.vars!.type).toBe("object");
  });
});

describe("docs/commands.md", () => {
  it("is generated from the command table (run `npm run docs`)", () => {
    expect(readFileSync(join(repoRoot, "docs", "commands.md"), "utf8")).toBe(markdownReference());
  });
});
