import type { z } from "zod";
import { SlipwayError, type ErrorCode } from "../core/errors.js";
import type { ParseOptions } from "../yaml/parse.js";
import { locate } from "../yaml/positions.js";

/** Checks parsed YAML against a schema; the first problem is a SlipwayError at its file, line and column. */
export function checkAgainst<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  text: string,
  opts: ParseOptions,
  err: { code: ErrorCode; hint: string },
): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path as (string | number)[];
  throw new SlipwayError({
    code: err.code,
    message: `${path.join(".") || "file"}: ${issue.message}`,
    file: opts.file,
    ...locate(text, path, opts),
    hint: err.hint,
  });
}
