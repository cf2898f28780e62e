import type { Limit } from "../config/schema.ts";
import type { RequestFacts, Ticket } from "./windows.ts";

interface Log { times: number[]; head: number; lastStart: number; lastReset: number }

const EPS = 1e-6;

/** The audit's own idea of which limits a request falls under; written apart from the limiter on purpose. */
function auditKeys(limits: readonly Limit[], facts: RequestFacts): { index: number; key: string; limit: Limit }[] {
  const out: { index: number; key: string; limit: Limit }[] = [];
  limits.forEach((limit, index) => {
    if (limit.paging === true && !facts.paging) return;
    const key = limit.scope === "token" ? `t:${facts.token}` : limit.scope === "ip" ? `i:${facts.ip}` : "app";
    out.push({ index, key, limit });
  });
  return out;
}

function firstAtOrAfter(times: readonly number[], from: number, value: number): number {
  let lo = from;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * simnet's own bug counter (`overLimit`). It keeps its own log of every admission per (limit, key) and, for each 200
 * served on a limited endpoint, checks from that log and the config alone that the request was admitted to every
 * limit it falls under, that its window has the configured length (aligned where the network aligns them), that
 * anchored windows start on a call and never overlap the previous one, and that no more than `max` calls were
 * admitted into that window.
 */
export class LimitAudit {
  private readonly logs = new Map<string, Log>();

  constructor(private readonly aligned: boolean) {}

  /** Records each charge at admission time. */
  admitted(tickets: readonly Ticket[], now: number): void {
    for (const t of tickets) {
      const id = `${t.index}|${t.key}`;
      let log = this.logs.get(id);
      if (!log) {
        log = { times: [], head: 0, lastStart: Number.NEGATIVE_INFINITY, lastReset: Number.NEGATIVE_INFINITY };
        this.logs.set(id, log);
      }
      log.times.push(now);
      // Checks always concern the current window, so admissions before its start are never needed again.
      this.prune(log, firstAtOrAfter(log.times, log.head, t.start));
    }
  }

  /** Number of limits a 200 served at `now` with these tickets breaks (0 when all is well). */
  violations(limits: readonly Limit[], facts: RequestFacts, timeScale: number, tickets: readonly Ticket[] | null, now: number): number {
    let bad = 0;
    for (const { index, key, limit } of auditKeys(limits, facts)) {
      const ticket = tickets?.find((t) => t.index === index && t.key === key);
      const log = this.logs.get(`${index}|${key}`);
      if (!ticket || !log) {
        bad++;
        continue;
      }
      if (!this.windowOk(ticket, log, limit.windowMs * timeScale, now)) {
        bad++;
        continue;
      }
      const first = firstAtOrAfter(log.times, log.head, ticket.start);
      if (log.times.length - first > limit.max) bad++;
      this.prune(log, first);
    }
    return bad;
  }

  clear(): void {
    this.logs.clear();
  }

  private windowOk(t: Ticket, log: Log, windowMs: number, now: number): boolean {
    if (Math.abs(t.resetAt - t.start - windowMs) > EPS * Math.max(1, windowMs)) return false;
    if (now < t.start || now >= t.resetAt) return false;
    if (this.aligned) {
      const expected = Math.floor(now / windowMs) * windowMs;
      if (Math.abs(expected - t.start) > EPS * Math.max(1, windowMs)) return false;
    } else if (t.start !== log.lastStart) {
      // A new anchored window opens at a call, and not before the previous one has ended.
      if (t.start < log.lastReset) return false;
      const first = log.times[firstAtOrAfter(log.times, log.head, t.start)];
      if (first !== t.start) return false;
    }
    if (t.start !== log.lastStart) {
      log.lastStart = t.start;
      log.lastReset = t.resetAt;
    }
    return true;
  }

  private prune(log: Log, first: number): void {
    log.head = first;
    if (log.head > 1024 && log.head * 2 > log.times.length) {
      log.times.splice(0, log.head);
      log.head = 0;
    }
  }
}
