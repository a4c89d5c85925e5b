import { isAbsolute, relative, resolve } from "node:path";
import { SlipwayError } from "./errors.js";
import type { SourcePlace } from "./place.js";

/**
 * Why a name from stack data (a stack name, a component name) cannot stand as a relative path — render
 * folders, log files and varfile names are made from it — or undefined when it can. `a/b` is fine;
 * `../x`, `/x`, `a//b`, `.` and control characters are not.
 */
export function unsafePathName(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name.startsWith("/")) return "it starts with /";
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return "it holds a control character";
    if (ch === "\\") return "it holds a backslash";
  }
  const bad = name.split("/").find((s) => s === ".." || s === "." || s === "");
  if (bad !== undefined)
    return bad === "" ? "it has an empty path segment (//)" : `it has a "${bad}" segment`;
  return undefined;
}

/** Whether `path` is `root` or under it (both resolved; no symlinks followed). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Throws unless `path` stays under `root`: every path slipway derives from stack data and writes to is
 * checked first, so no value in a manifest can make it write outside the repository.
 */
export function assertInside(
  root: string,
  path: string,
  what: string,
  place: SourcePlace = {},
  hint = "names from stack data must not hold `..` segments or start with /",
): void {
  if (isInside(root, path)) return;
  throw new SlipwayError({
    code: "validation",
    message: `${what} would be written to ${path}, outside ${root}; nothing was written`,
    ...place,
    hint,
  });
}
