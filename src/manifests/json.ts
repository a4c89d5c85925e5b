/** Reading parsed manifests, whose shape is not known in advance. */
export type Json = Record<string, unknown>;

/** `v` when it is a map, else an empty one. */
export const map = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

/** `v` when it is a list, else an empty one. */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
