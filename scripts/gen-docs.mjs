// Writes docs/commands.md from the command table (src/cli/commands.ts); a test keeps it current.
import { writeFileSync } from "node:fs";
import { markdownReference } from "../dist/cli/help.js";

writeFileSync(new URL("../docs/commands.md", import.meta.url), markdownReference());
