import type { RequestFacts, Ticket } from "../limits/windows.ts";
import type { Reply } from "../http/reply.ts";
import type { Call } from "./call.ts";

export interface Charged { headers: Record<string, string>; tickets: Ticket[] | null }

export function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  return { status: reply.status, headers: { ...headers, ...reply.headers }, body: reply.body };
}

/**
 * The usage cap, then every published limit that applies, charged together. Returns the rate-limit headers and
 * tickets of an admitted call, or the refusal to send.
 */
export function charge(call: Call, facts: RequestFacts, limited: boolean): Charged | Reply {
  const { adapter, rt, cfg, stats, now } = call;
  const limits = cfg.limits ?? [];
  const timeScale = call.ctx.config.current.timeScale;
  if (cfg.usageCap && ++rt.usageCalls > cfg.usageCap.max) {
    stats.rateLimited++;
    // The cap is a separate, monthly bucket: the per-window headers still show what remains.
    const view = limited ? rt.windows.peek(limits, facts, timeScale, now) : null;
    return withHeaders(adapter.throttle("usageCap"), view ? adapter.rateHeaders(view) : {});
  }
  if (!limited) return { headers: {}, tickets: null };
  const admission = rt.windows.admit(limits, facts, timeScale, now);
  if (!admission.ok) {
    stats.rateLimited++;
    return withHeaders(adapter.throttle("published"), adapter.rateHeaders(admission.view));
  }
  rt.audit.admitted(admission.tickets, now);
  return { headers: admission.view ? adapter.rateHeaders(admission.view) : {}, tickets: admission.tickets };
}

/** The bug counter: a 200 must fit inside every limit it falls under, by the audit's own bookkeeping. */
export function auditServed(call: Call, facts: RequestFacts, limited: boolean, tickets: Ticket[] | null): void {
  const { rt, cfg, stats, now } = call;
  if (limited) stats.overLimit += rt.audit.violations(cfg.limits ?? [], facts, call.ctx.config.current.timeScale, tickets, now);
  if (rt.hiddenServed?.arrive(now) === true) stats.overLimit++;
}
