import { randomBytes } from "node:crypto";

/*
 * Shamir's secret sharing over GF(2^8) with the AES polynomial, byte by byte, as HashiCorp Vault's
 * shamir package does (sops uses it for key_groups): each share is the y-values followed by one byte
 * holding its x-coordinate.
 */

function mul(a: number, b: number): number {
  let p = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) p ^= a;
    const hi = a & 0x80;
    a = (a << 1) & 0xff;
    if (hi) a ^= 0x1b;
    b >>= 1;
  }
  return p;
}

function inv(a: number): number {
  // a^254 = a^-1 in GF(2^8)
  let r = 1;
  let base = a;
  let e = 254;
  while (e > 0) {
    if (e & 1) r = mul(r, base);
    base = mul(base, base);
    e >>= 1;
  }
  return r;
}

/** Splits `secret` into `parts` shares, any `threshold` of which rebuild it. */
export function split(secret: Uint8Array, parts: number, threshold: number): Uint8Array[] {
  if (threshold < 2 || parts < threshold || parts > 255)
    throw new Error(`cannot split into ${parts} parts with threshold ${threshold}`);
  // Distinct non-zero x-coordinates in random order.
  const xs = [...Array(255).keys()].map((i) => i + 1);
  const r = randomBytes(255);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = r[i]! % (i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  const shares = Array.from({ length: parts }, (_, i) => {
    const s = new Uint8Array(secret.length + 1);
    s[secret.length] = xs[i]!;
    return s;
  });
  for (let b = 0; b < secret.length; b++) {
    const coeffs = [secret[b]!, ...randomBytes(threshold - 1)];
    for (const share of shares) {
      const x = share[secret.length]!;
      let y = 0;
      for (let c = coeffs.length - 1; c >= 0; c--) y = mul(y, x) ^ coeffs[c]!;
      share[b] = y;
    }
  }
  return shares;
}

/** Rebuilds the secret from at least `threshold` shares (Lagrange interpolation at 0). */
export function combine(shares: Uint8Array[]): Uint8Array {
  if (shares.length < 2) throw new Error("at least two shares are needed");
  const len = shares[0]!.length - 1;
  const xs = shares.map((s) => s[len]!);
  if (new Set(xs).size !== xs.length) throw new Error("duplicate shares");
  const out = new Uint8Array(len);
  for (let b = 0; b < len; b++) {
    let acc = 0;
    for (let i = 0; i < shares.length; i++) {
      let basis = 1;
      for (let j = 0; j < shares.length; j++) {
        if (i === j) continue;
        basis = mul(basis, mul(xs[j]!, inv(xs[i]! ^ xs[j]!)));
      }
      acc ^= mul(shares[i]![b]!, basis);
    }
    out[b] = acc;
  }
  return out;
}
