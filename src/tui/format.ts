// Small formatters the views share: ages, Kubernetes quantities (CPU, memory), field access on objects.
import { parseQuantity } from "../kube/quantity.js";

/** `42s`, `5m`, `3h`, `12d` — the age of a timestamp, as kubectl prints it (coarse). */
export function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return "-";
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (Number.isNaN(s)) return "-";
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** A Kubernetes quantity (`250m`, `1.5Gi`, `2e3`) as a number, read by the health model's parser; NaN when it is not one. */
export function quantity(q: unknown): number {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return Number.NaN;
  return parseQuantity(q) ?? Number.NaN;
}

/** CPU cores as `250m` or `4`. */
export function cpu(cores: number): string {
  if (!Number.isFinite(cores)) return "-";
  return cores < 10 && !Number.isInteger(cores) ? `${Math.round(cores * 1000)}m` : String(Math.round(cores));
}

/** Bytes as `512Mi`, `3.8Gi`. */
export function mem(bytes: number): string {
  if (!Number.isFinite(bytes)) return "-";
  const units: [string, number][] = [
    ["Ti", 1024 ** 4],
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ];
  for (const [u, n] of units)
    if (bytes >= n) return `${(bytes / n).toFixed(bytes / n < 10 ? 1 : 0).replace(/\.0$/, "")}${u}`;
  return String(bytes);
}

/** A field of an object by path, unknown when any step is missing. */
export function field(obj: unknown, ...path: (string | number)[]): unknown {
  let v: unknown = obj;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** A list field (empty when missing or not a list). */
export const list = (obj: unknown, ...path: (string | number)[]): Record<string, unknown>[] => {
  const v = field(obj, ...path);
  return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
};
