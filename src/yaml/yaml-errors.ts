// The errors of the positioned parse, each at its line and column with a hint.
import type { Document, LineCounter, YAMLError } from "yaml";
import { SlipwayError } from "../core/errors.js";

/**
 * Atmos's YAML functions slipway does not evaluate, with why: each is an error at its place, never its
 * argument text passed on as a value.
 */
const NOT_SUPPORTED: readonly [RegExp, string][] = [
  [
    /^!store(\.get)?$/,
    "is not supported, because slipway has no store backends (SSM, Redis, Artifactory, Vault…): read another component's outputs with !terraform.output, or a SOPS secret with !secret",
  ],
  [
    /^!aws\.\w+$/,
    "is not supported, because slipway makes no cloud API calls while resolving stacks: pass the value as a var, or use !exec with your CLI",
  ],
  [/^!git\.\w+$/, "is not supported: slipway implements !git.branch, !git.sha and !repo-root"],
  [
    /^!(cel|emulator|version|tags|labels(\.keys|\.values)?)$/,
    "is an Atmos function slipway does not implement",
  ],
];

/**
 * A tag slipway does not know is an error at its place — never its argument text as a string (which
 * would reach a varfile as `api_key: API_KEY`).
 */
function unknownTagError(warning: YAMLError, file: string, lc: LineCounter, tags: string[]): SlipwayError {
  const pos = lc.linePos(warning.pos[0]);
  const tag = /Unresolved tag: (\S+)/.exec(warning.message)?.[1] ?? "tag";
  const supported = tags.join(", ");
  const why = NOT_SUPPORTED.find(([re]) => re.test(tag))?.[1];
  return new SlipwayError({
    code: "yaml",
    message: why ? `YAML tag ${tag} ${why}` : `unknown YAML tag ${tag}`,
    file,
    line: pos.line,
    col: pos.col,
    hint: `slipway's tags: ${supported}; remove the tag or quote the value to keep it as text`,
  });
}

/** The document's first problem as a SlipwayError at its place: an unknown tag, or invalid YAML. */
export function throwFirstError(doc: Document, file: string, lc: LineCounter, tags: string[]): void {
  const unresolved = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  const err: YAMLError | undefined = doc.errors[0];
  if (unresolved && (!err || unresolved.pos[0] < err.pos[0]))
    throw unknownTagError(unresolved, file, lc, tags);
  if (!err) return;
  const pos = lc.linePos(err.pos[0]);
  throw new SlipwayError({
    code: "yaml",
    message:
      err.code === "MULTIPLE_DOCS"
        ? "invalid YAML: a stack file holds one YAML document, and this one holds several (a `---` line)"
        : `invalid YAML: ${err.message.split("\n")[0]}`,
    file,
    line: pos.line,
    col: pos.col,
    hint: YAML_HINTS[err.code] ?? "check indentation and quoting near this place",
  });
}

const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: "a key may appear once per mapping: remove or rename one of them",
  MULTIPLE_DOCS: "remove the `---` and merge the documents, or put the second in a file of its own",
  BAD_INDENT: "indent nested keys consistently with spaces (not tabs)",
  TAB_AS_INDENT: "YAML indentation must use spaces, not tabs",
  MISSING_CHAR: "a quote or bracket is not closed",
  TAG_RESOLVE_FAILED: "check the tag's argument: the !include path or the !env variable name",
  BLOCK_AS_IMPLICIT_KEY: "quote values that contain ': ' or start with '{' (templates: '{{ … }}')",
  MULTILINE_IMPLICIT_KEY: "quote values that contain ': ' or start with '{' (templates: '{{ … }}')",
};
