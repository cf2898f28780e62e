/** Small statistics over samples: percentiles, rolling windows, rate series. Pure functions. */

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] ?? NaN;
}

export function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/**
 * The most events any half-open window [t, t + windowMs) holds, over every placement of t (it suffices to start
 * windows at events). `times` need not be sorted. Returns the count and where that window starts.
 */
export function worstWindow(times: number[], windowMs: number): { count: number; at: number } {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let at = s[0] ?? 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    const start = s[i] ?? 0;
    if (j < i) j = i;
    while (j < s.length && (s[j] ?? 0) < start + windowMs) j++;
    if (j - i > best) { best = j - i; at = start; }
  }
  return { count: best, at };
}

/** Events per second in consecutive bins of `binMs`, from `t0` for `n` bins. */
export function rateSeries(times: number[], t0: number, binMs: number, n: number): number[] {
  const bins = new Array<number>(n).fill(0);
  for (const t of times) {
    const i = Math.floor((t - t0) / binMs);
    if (i >= 0 && i < n) bins[i] = (bins[i] ?? 0) + 1;
  }
  return bins.map((c) => (c * 1000) / binMs);
}

/** Count of events in [from, to). */
export function countBetween(times: number[], from: number, to: number): number {
  let n = 0;
  for (const t of times) if (t >= from && t < to) n++;
  return n;
}

export function fmt(n: number | undefined | null, digits = 1): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return "—";
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until `done`, or throws after `timeoutMs` with the last value. */
export async function waitUntil<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: string, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(v)}`);
    await sleep(intervalMs);
  }
}
