import { formatPlace, type SourcePlace } from "./place.js";

export type { SourcePlace } from "./place.js";

/** The kinds of failure slipway reports; the CLI maps them to exit codes. */
export type ErrorCode =
  | "usage"
  | "config"
  | "yaml"
  | "import"
  | "import-cycle"
  | "inheritance"
  | "schema"
  | "template"
  | "yaml-function"
  | "unknown-stack"
  | "unknown-component"
  | "conflict"
  | "validation"
  | "cluster"
  | "io";

export interface SlipwayErrorInit extends SourcePlace {
  code: ErrorCode;
  message: string;
  hint?: string;
  cause?: unknown;
}

/** A user-facing error with a place and a hint: thrown by the library, printed by the CLI. */
export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly hint?: string;

  constructor(init: SlipwayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "SlipwayError";
    this.code = init.code;
    this.file = init.file;
    this.line = init.line;
    this.col = init.col;
    this.hint = init.hint;
  }

  /** `file:line:col: message` — the form editors and CI annotate. */
  get where(): string {
    return formatPlace(this);
  }
}
