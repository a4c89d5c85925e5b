// fast-check generators shared by the YAML and secrets property tests.
import fc from "fast-check";

/** Keys any YAML map may hold; "<<" (a merge key) and reserved names are left out. */
export const yamlKey = (reserved: string[] = []) =>
  fc.string({ minLength: 1 }).filter((k) => k !== "<<" && !reserved.includes(k));

/** A YAML value: scalars, lists and maps, nested a few levels. */
export function yamlValue(
  opts: { nulls?: boolean; infinities?: boolean; reserved?: string[]; maxKeys?: number } = {},
) {
  const scalars = [
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: opts.infinities === false }),
    fc.boolean(),
  ];
  const scalar = opts.nulls === false ? fc.oneof(...scalars) : fc.oneof(...scalars, fc.constant(null));
  return fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: "small" },
      scalar,
      fc.array(tie("v"), { maxLength: 3 }),
      fc.dictionary(yamlKey(opts.reserved), tie("v"), { maxKeys: opts.maxKeys ?? 3, noNullPrototype: true }),
    ),
  })).v;
}
