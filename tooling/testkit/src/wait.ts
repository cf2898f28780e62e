export interface WaitOptions { timeoutMs?: number; intervalMs?: number; what?: string }

/** Polls `probe` until `done(value)` holds, or throws with the last value once the deadline passes. */
export async function waitFor<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, opts: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const interval = opts.intervalMs ?? 25;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`waitFor ${opts.what ?? "condition"} timed out after ${opts.timeoutMs ?? 10_000} ms; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
