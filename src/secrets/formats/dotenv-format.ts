import { SlipwayError } from "../../core/errors.js";
import type { MapNode } from "../tree.js";

/** dotenv as sops reads it: KEY=value lines, `#` comment lines; `\n` in values stands for a newline. */
export function parseDotenv(text: string, file: string): MapNode {
  const items: MapNode["items"] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      items.push({ kind: "comment", text: line.slice(1) });
      return;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) {
      throw new SlipwayError({
        code: "validation",
        message: "a dotenv line must be KEY=value",
        file,
        line: i + 1,
        col: 1,
        hint: "comments start with #",
      });
    }
    items.push({
      kind: "pair",
      key: line.slice(0, eq),
      value: { kind: "scalar", type: "str", value: line.slice(eq + 1).replace(/\\n/g, "\n") },
    });
  });
  return { kind: "map", items };
}

/** Writes a flat tree as dotenv; every value must be a scalar. */
export function emitDotenv(root: MapNode): string {
  return root.items
    .map((i) => {
      if (i.kind === "comment") return `#${i.text}\n`;
      if (i.value.kind !== "scalar")
        throw new SlipwayError({
          code: "validation",
          message: `dotenv values must be scalars (key ${i.key})`,
        });
      return `${i.key}=${String(i.value.value ?? "").replace(/\n/g, "\\n")}\n`;
    })
    .join("");
}
