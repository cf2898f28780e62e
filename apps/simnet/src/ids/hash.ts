import { createHash, createHmac } from "node:crypto";

/** murmur3's finaliser: a cheap, well-mixed 32-bit hash step for the hot paths (ids, cursors). */
export function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Mixes two 32-bit words into one. */
export function mix2(a: number, b: number): number {
  return mix32(Math.imul(a, 0x9e3779b1) ^ mix32(b + 0x7f4a7c15));
}

/** Mixes an unsigned integer below 2^53 (e.g. an ordinal) with a key. */
export function mixNumber(key: number, value: number): number {
  const hi = Math.floor(value / 0x1_0000_0000);
  return mix2(mix2(key, value >>> 0), hi);
}

/** Eight 32-bit words derived from the seed and a label: keys for one account's permutations. */
export function deriveWords(seed: number, label: string): Uint32Array {
  const digest = createHash("sha256").update(`simnet:${seed}:${label}`).digest();
  const words = new Uint32Array(8);
  for (let i = 0; i < 8; i++) words[i] = digest.readUInt32BE(i * 4);
  return words;
}

/** Secret bytes for a token: keyed by the seed, so nobody can compute a token from the account id alone. */
export function tokenBytes(seed: number, label: string): Buffer {
  return createHmac("sha256", `simnet-token-key:${seed}`).update(label).digest();
}
