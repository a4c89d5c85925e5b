import { describe, expect, it } from "vitest";
import { formatData, mapChunks } from "../src/cli/output.js";
import { engineAt, fixture } from "./helpers.js";

describe("streamed describe stacks output", () => {
  const engine = () => engineAt(fixture("engine", "inheritance"));
  it.each(["json", "yaml"] as const)("is byte-identical to formatting the whole map (%s)", (format) => {
    const whole = formatData(engine().describeStacks(), format);
    const streamed = [...mapChunks(engine().describeStacksEach(), format)].join("");
    expect(streamed).toBe(whole);
    expect(streamed.length).toBeGreaterThan(100);
  });
  it.each(["json", "yaml"] as const)("prints an empty map when nothing matches (%s)", (format) => {
    const chunks = [...mapChunks(engine().describeStacksEach({ components: ["nope"] }), format)].join("");
    expect(chunks).toBe(formatData(engine().describeStacks({ components: ["nope"] }), format));
  });
});
