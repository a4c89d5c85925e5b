// `npm run bench` (secrets): encrypt and decrypt a YAML file of 10,000 values (~1 MB) with slipway's SOPS
// codec, against a floor measured in the same run: the same number of AES-256-GCM operations on the same
// plaintexts with node:crypto alone. Prints figures; asserts nothing.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { newIdentity } from "../dist/secrets/keys.js";
import { decryptDocument, encryptDocument, readDocument, writeDocument } from "../dist/secrets/sops-file.js";

const VALUES = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 11);

// 100 services × 100 settings, values of mixed types and lengths.
const lines = [];
const plains = [];
for (let s = 0; s < 100; s++) {
  lines.push(`service_${s}:`);
  for (let k = 0; k < 100; k++) {
    const i = s * 100 + k;
    const v =
      i % 5 === 0 ? String(i) : i % 7 === 0 ? "true" : `secret-value-${i}-${"x".repeat(70 + (i % 50))}`;
    lines.push(`  key_${k}: ${v}`);
    plains.push([`service_${s}:key_${k}:`, Buffer.from(v === "true" ? "True" : v)]);
  }
}
const text = lines.join("\n") + "\n";
const { identity, recipient } = await newIdentity();
const ids = { keys: [identity], searched: [] };

const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  await fn();
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return med(ms);
}

let encrypted = "";
const enc = await time(async () => {
  encrypted = writeDocument(await encryptDocument(readDocument(text, "yaml"), { groups: [[recipient]] }));
});
const dec = await time(async () => {
  const { plain } = await decryptDocument(readDocument(encrypted, "yaml"), ids);
  writeDocument(plain);
});

const key = randomBytes(32);
const sealed = [];
const floorEnc = await time(async () => {
  sealed.length = 0;
  for (const [aad, p] of plains) {
    const iv = randomBytes(32);
    const c = createCipheriv("aes-256-gcm", key, iv);
    c.setAAD(Buffer.from(aad));
    sealed.push([aad, iv, Buffer.concat([c.update(p), c.final()]), c.getAuthTag()]);
  }
});
const floorDec = await time(async () => {
  for (const [aad, iv, data, tag] of sealed) {
    const d = createDecipheriv("aes-256-gcm", key, iv);
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(tag);
    Buffer.concat([d.update(data), d.final()]);
  }
});

const mb = Buffer.byteLength(text) / 1e6;
console.log(
  `\nsecrets: YAML file of ${VALUES} values, ${mb.toFixed(2)} MB plaintext, ${(encrypted.length / 1e6).toFixed(2)} MB encrypted (median of ${RUNS})`,
);
const row = (label, ms, floor) =>
  console.log(
    `${label.padEnd(46)} ${ms.toFixed(0).padStart(5)} ms  ${(mb / (ms / 1000)).toFixed(1).padStart(5)} MB/s  floor ${floor.toFixed(0).padStart(4)} ms  ${(ms / floor).toFixed(2)}×  ${ms / floor <= 3 ? "meets" : "MISSES"} ≤ 3×`,
  );
row("encrypt (parse, encrypt, MAC, wrap key, write)", enc, floorEnc);
row("decrypt (parse, unwrap, decrypt, verify, write)", dec, floorDec);
