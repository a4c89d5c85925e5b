import { closest, distance } from "fastest-levenshtein";

/**
 * The candidate a mistyped name most likely meant, when one is close enough to suggest (edit distance at
 * most a third of the name, and at least 2): the one rule every "did you mean" of slipway uses.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** "did you mean …" for the closest names. */
export function suggest(name: string, candidates: string[], what: string): string {
  if (candidates.length === 0) return `there are no ${what}`;
  const near = candidates
    .map((c) => ({ c, d: distance(name, c) }))
    .filter((x) => x.d <= Math.max(3, Math.floor(name.length / 2)) || x.c.includes(name))
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.c);
  return near.length
    ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?`
    : `closest: "${closest(name, candidates)}"`;
}
