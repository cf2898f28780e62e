/**
 * The webhook retry schedule: exponential from `baseMs`, capped at `capMs`, for as many retries as fit in `spanMs`
 * (the last delay is cut so the delays add up to exactly the span). With the defaults (15 s doubling, capped at 3 h,
 * 24 h): 15 s, 30 s, 1 min, 2 min, 4 min, 8 min, 16 min, 32 min, 1 h 4 min, 2 h 8 min, then 3 h until 24 h — 17
 * retries, 18 attempts. BullMQ runs it: `attempts` plus a custom backoff type the worker resolves with `webhookBackoff`.
 */
export const WEBHOOK_BACKOFF = "webhook";

export interface ScheduleParams { baseMs: number; capMs: number; spanMs: number }

export function webhookSchedule({ baseMs, capMs, spanMs }: ScheduleParams): number[] {
  const delays: number[] = [];
  let total = 0;
  for (let k = 0; total < spanMs && delays.length < 1_000; k++) {
    const d = Math.min(capMs, baseMs * 2 ** k);
    const cut = Math.min(d, spanMs - total);
    delays.push(cut);
    total += cut;
  }
  return delays;
}

/** The delay before retry `attemptsMade` (1-based), with ±10 % jitter so a fleet of failed deliveries does not align. */
export function webhookBackoff(attemptsMade: number, params: ScheduleParams, random = Math.random): number {
  const delays = webhookSchedule(params);
  const d = delays[Math.min(Math.max(attemptsMade, 1), delays.length) - 1] ?? params.baseMs;
  return Math.max(1, Math.round(d * (0.9 + 0.2 * random())));
}

export function scheduleOf(w: { backoffBaseMs: number; backoffCapMs: number; retrySpanMs: number }): ScheduleParams {
  return { baseMs: w.backoffBaseMs, capMs: w.backoffCapMs, spanMs: w.retrySpanMs };
}
