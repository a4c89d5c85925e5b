/** `500ms`, `20s`, `5m`, `1h` (and combinations like `1m30s`) in milliseconds; undefined when malformed. */
export function parseDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  for (const m of s.trim().matchAll(re)) {
    total += Number(m[1]) * units[m[2]!]!;
    consumed += m[0].length;
  }
  return consumed === s.trim().length && consumed > 0 ? total : undefined;
}
