/** A template failed to parse or execute; `line` is 1-based within the template text. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}
