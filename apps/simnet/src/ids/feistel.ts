import { mix32 } from "./hash.ts";

const HALF = 0x100_0000; // 2^24
const MASK = 0xff_ffff;
const ROUNDS = 4;

/** A keyed bijection on [0, 2^48): distinct ordinals always give distinct ids, with no table in memory. */
export interface Permutation48 {
  forward(value: number): number;
  inverse(value: number): number;
}

export const DOMAIN_48 = HALF * HALF;

function round(key: number, half: number): number {
  return mix32(Math.imul(half, 0x9e3779b1) ^ key) & MASK;
}

export function createPermutation48(keys: ArrayLike<number>): Permutation48 {
  const k = [keys[0] ?? 1, keys[1] ?? 2, keys[2] ?? 3, keys[3] ?? 4];
  return {
    forward(value) {
      let l = Math.floor(value / HALF);
      let r = value - l * HALF;
      for (let i = 0; i < ROUNDS; i++) {
        const t = l ^ round(k[i] ?? 0, r);
        l = r;
        r = t;
      }
      return l * HALF + r;
    },
    inverse(value) {
      let l = Math.floor(value / HALF);
      let r = value - l * HALF;
      for (let i = ROUNDS - 1; i >= 0; i--) {
        const t = r ^ round(k[i] ?? 0, l);
        r = l;
        l = t;
      }
      return l * HALF + r;
    },
  };
}
