import { relative } from "node:path";

/** Where a problem sits in a file; lines and columns are 1-based. */
export interface SourcePlace {
  file?: string;
  line?: number;
  col?: number;
}

/** Something worth telling the user that does not stop the run, with its place when it has one. */
export interface Warning extends SourcePlace {
  message: string;
}

/**
 * `file:line:col` — the one form editors and CI annotate; the column only with a line, "" without a file.
 * With `cwd` the file is shown relative to it.
 */
export function formatPlace(place: SourcePlace, cwd?: string): string {
  if (!place.file) return "";
  const file = cwd ? relative(cwd, place.file) || place.file : place.file;
  return [file, place.line, place.line ? place.col : undefined].filter((p) => p !== undefined).join(":");
}

/** `file:line:col: <text>`, or the text alone when there is no place. */
export function placed(place: SourcePlace, text: string, cwd?: string): string {
  const where = formatPlace(place, cwd);
  return where ? `${where}: ${text}` : text;
}
