import type { Limit } from "../config/schema.ts";

/** What one request presents to the published limits. */
export interface RequestFacts { token: string; ip: string; paging: boolean }

/** One admitted charge: which window it went into. The audit checks these against its own count. */
export interface Ticket { index: number; key: string; start: number; resetAt: number; max: number; count: number }

/** What the rate-limit headers show: the limit nearest exhaustion. */
export interface RateView { max: number; remaining: number; resetAt: number }

export type Admission = { ok: true; tickets: Ticket[]; view: RateView | null } | { ok: false; view: RateView };

interface Window { start: number; resetAt: number; count: number }

function keyOf(limit: Limit, facts: RequestFacts): string | undefined {
  if (limit.paging === true && !facts.paging) return undefined;
  switch (limit.scope) {
    case "token": return `t:${facts.token}`;
    case "app": return "app";
    case "ip": return `i:${facts.ip}`;
  }
}

function nearest(views: RateView[]): RateView | null {
  let best: RateView | null = null;
  for (const v of views) {
    if (!best || v.remaining < best.remaining || (v.remaining === best.remaining && v.resetAt > best.resetAt)) best = v;
  }
  return best;
}

/**
 * Fixed windows per (limit, key). Anchored windows (Twitter) open at the key's first call; aligned ones (Mastodon)
 * sit on multiples of the window length. A request is admitted only if every applicable limit admits it, and then
 * charged to all of them at once.
 */
export class FixedWindows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly aligned: boolean) {}

  admit(limits: readonly Limit[], facts: RequestFacts, timeScale: number, now: number): Admission {
    const found: { index: number; key: string; limit: Limit; w: Window }[] = [];
    // Windows are looked up without being stored: an anchored window opens only at a call that is charged.
    for (let index = 0; index < limits.length; index++) {
      const limit = limits[index];
      const key = limit ? keyOf(limit, facts) : undefined;
      if (!limit || key === undefined) continue;
      found.push({ index, key, limit, w: this.window(index, key, limit.windowMs * timeScale, now) });
    }
    const exhausted = found.filter((f) => f.w.count >= f.limit.max);
    if (exhausted.length > 0) {
      // The client must wait for the latest reset among the exhausted limits.
      const latest = exhausted.reduce((a, b) => (b.w.resetAt > a.w.resetAt ? b : a));
      return { ok: false, view: { max: latest.limit.max, remaining: 0, resetAt: latest.w.resetAt } };
    }
    const tickets: Ticket[] = [];
    for (const f of found) {
      f.w.count++;
      this.windows.set(`${f.index}|${f.key}`, f.w);
      tickets.push({ index: f.index, key: f.key, start: f.w.start, resetAt: f.w.resetAt, max: f.limit.max, count: f.w.count });
    }
    const views = found.map((f) => ({ max: f.limit.max, remaining: f.limit.max - f.w.count, resetAt: f.w.resetAt }));
    return { ok: true, tickets, view: nearest(views) };
  }

  /** The headers' view without charging (a usage-capped call still shows what remains). */
  peek(limits: readonly Limit[], facts: RequestFacts, timeScale: number, now: number): RateView | null {
    const views: RateView[] = [];
    for (let index = 0; index < limits.length; index++) {
      const limit = limits[index];
      const key = limit ? keyOf(limit, facts) : undefined;
      if (!limit || key === undefined) continue;
      const w = this.window(index, key, limit.windowMs * timeScale, now);
      views.push({ max: limit.max, remaining: Math.max(0, limit.max - w.count), resetAt: w.resetAt });
    }
    return nearest(views);
  }

  clear(): void {
    this.windows.clear();
  }

  /** The key's current window, or a fresh one (not yet stored) when it has none or the old one has ended. */
  private window(index: number, key: string, windowMs: number, now: number): Window {
    const w = this.windows.get(`${index}|${key}`);
    if (w && now < w.resetAt) return w;
    const start = this.aligned ? Math.floor(now / windowMs) * windowMs : now;
    return { start, resetAt: start + windowMs, count: 0 };
  }
}
