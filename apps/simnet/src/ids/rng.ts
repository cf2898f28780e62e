import { createHash } from "node:crypto";

/** A seeded uniform source in [0, 1): every random fault and id choice is reproducible from SIMNET_SEED. */
export type Rng = () => number;

/** sfc32: small, fast and good enough for fault injection; state derived from a label's sha256. */
export function createRng(seed: number, label: string): Rng {
  const d = createHash("sha256").update(`simnet-rng:${seed}:${label}`).digest();
  let a = d.readUInt32BE(0);
  let b = d.readUInt32BE(4);
  let c = d.readUInt32BE(8);
  let n = d.readUInt32BE(12);
  return () => {
    const t = (((a + b) | 0) + n) | 0;
    n = (n + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
}

/** True with probability `rate`; draws nothing when the rate is 0 or 1, so unused faults cost no randomness. */
export function chance(rng: Rng, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return rng() < rate;
}

/** An integer in [min, max]. */
export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

const Z99 = 2.3263478740408408; // standard normal 99th percentile

/**
 * A log-normal delay fitted to two quantiles: median = p50, 99th percentile = p99. Real latency has a long right
 * tail, which is what makes client timeouts and hedging matter.
 */
export function logNormalDelay(rng: Rng, p50: number, p99: number): number {
  if (p50 <= 0 && p99 <= 0) return 0;
  const median = Math.max(p50, 0.01);
  const sigma = p99 > median ? Math.log(p99 / median) / Z99 : 0;
  if (sigma === 0) return median;
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  // A cap keeps one freak draw from outliving every client timeout by hours.
  return Math.min(median * Math.exp(sigma * z), Math.max(p99 * 20, 1));
}
