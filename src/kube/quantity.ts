// Kubernetes resource quantities (`250m`, `1.5Gi`, `2e3`, `128974848`) as numbers, the way
// k8s.io/apimachinery/pkg/api/resource reads them. @kubernetes/client-node 1.4 has a `quantityToScalar`, but
// it is not exported from the package root and throws on decimals with a binary suffix (`1.5Gi`), which the
// API server accepts; so slipway reads them here. Numbers (not bigints): node and pod sizes stay far below
// 2^53 bytes, and CPU is kept in cores with millicore precision.

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** A quantity's value (cores for CPU, bytes for memory), or undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ""]!;
}

/** CPU for people: `250m`, `1.5`, `4`. */
export function formatCpu(cores: number): string {
  if (cores !== 0 && cores < 1) return `${Math.round(cores * 1000)}m`;
  return String(Math.round(cores * 100) / 100);
}

/** Bytes for people, in binary units as kubectl shows memory: `512Mi`, `7.5Gi`. */
export function formatBytes(bytes: number): string {
  const units = ["", "Ki", "Mi", "Gi", "Ti", "Pi"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Math.round(v * 10) / 10}${units[i]}`;
}
