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
