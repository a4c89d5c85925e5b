import { distance } from "fastest-levenshtein";

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
