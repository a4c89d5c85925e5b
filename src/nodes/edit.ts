import { readFileSync } from "node:fs";
import { withFileLock, writeFileAtomic } from "../core/fs-atomic.js";
import { assertInside } from "../core/paths.js";

/**
 * The one write path of the files slipway edits (stacks, inventories): under the file's lock, read the file
 * as it is now, let `edit` return the new text — validating what it produces, and throwing to write
 * nothing — then write it atomically. A second writer waits on the lock instead of interleaving.
 */
export function editLockedFile<T>(
  root: string,
  file: string,
  edit: (text: string) => { text: string; result: T },
): Promise<T> {
  // A manifest imported from outside the repository (`import: ../../x`) is read, never edited.
  assertInside(root, file, "this edit", {}, "edit that file by hand, or move it into the repository");
  return withFileLock(file, () => {
    const { text, result } = edit(readFileSync(file, "utf8"));
    writeFileAtomic(file, text);
    return result;
  });
}
