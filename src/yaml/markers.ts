/** Values produced by slipway's YAML tags that the merge understands. */

/** `!unset`: remove the key from the merged result. */
export class Unset {
  static readonly instance = new Unset();
  private constructor() {}
  toJSON(): null {
    return null;
  }
}

/** `!append [..]`: add these items to the inherited list instead of replacing it. */
export class Append {
  constructor(readonly items: unknown[]) {}
  toJSON(): unknown[] {
    return this.items;
  }
}

/** True for a plain YAML mapping (not a list, not a marker, not null). */
export function isMap(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/**
 * An Atmos YAML function evaluated after the component is resolved (`!exec`, `!terraform.output`, …): it
 * merges like a scalar, its argument is rendered with the component's templates, and the engine's last step
 * replaces it by its value. Unevaluated (`--process-functions=false`) it prints as Atmos prints it, the text.
 */
export class YamlFunction {
  constructor(
    readonly tag: string,
    readonly arg: string,
  ) {}
  toJSON(): string {
    if (this.tag === "!literal") return this.arg;
    return this.arg ? `${this.tag} ${this.arg}` : this.tag;
  }
}

/** The tags parsed into a YamlFunction (the Atmos functions slipway evaluates after resolution). */
export const DEFERRED_TAGS = [
  "!exec",
  "!template",
  "!literal",
  "!terraform.output",
  "!terraform.state",
  "!secret",
  "!repo-root",
  "!cwd",
  "!random",
  "!git.branch",
  "!git.sha",
] as const;

/**
 * The value of a `!secret`: never in output (it prints as `<MASKED>`, as Atmos masks it), decrypted only
 * when a run needs it, by `reveal`.
 */
export class SecretValue {
  constructor(
    readonly name: string,
    readonly reveal: () => Promise<unknown>,
  ) {}
  toJSON(): string {
    return "<MASKED>";
  }
}
