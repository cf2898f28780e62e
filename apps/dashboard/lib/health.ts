import type { Stats } from "@fanout/jobs/ops";
import { formatDuration } from "./format.ts";
import { totals } from "./overview-data.ts";

/**
 * The overview's one-line answer to "is the fleet healthy?": the worst finding decides the colour, every finding is
 * listed. Thresholds are an operator's, not a statistician's: they say when to look, not what is wrong.
 */
export type Level = "ok" | "warn" | "bad";
export interface Finding { level: Level; text: string }
export interface Verdict { level: Level; headline: string; findings: Finding[] }

export interface HealthInput {
  stats: Stats;
  /** Wait p95 per queue over the last minutes (ms). */
  waitP95: Record<string, number>;
  /** Jobs failed for good in the last 5 minutes, and completed. */
  recent: { completed: number; failed: number };
  /** API errors in the last 5 minutes. */
  apiErrors: number;
}

/** Queues whose waits an operator cares about (trickle is background refresh, system runs schedule ticks). */
const WAIT_WARN_MS: Record<string, number> = { interactive: 10_000, default: 60_000, whales: 600_000 };

export function fleetHealth(i: HealthInput): Verdict {
  const t = totals(i.stats);
  const f: Finding[] = [];
  if (t.workers === 0) f.push({ level: "bad", text: t.waiting + t.delayed > 0 ? `no worker online: ${t.waiting + t.delayed} jobs wait` : "no worker online" });
  for (const [net, n] of Object.entries(i.stats.networks)) {
    if (n.breaker === "open") f.push({ level: "bad", text: `${net} circuit breaker open` });
    else if (n.breaker !== "closed") f.push({ level: "warn", text: `${net} circuit breaker ${n.breaker}` });
    if (n.paused) f.push({ level: "warn", text: `${net} paused` });
  }
  for (const [q, c] of Object.entries(i.stats.queues)) if (c.paused) f.push({ level: "warn", text: `queue ${q} paused` });
  if (i.recent.failed > 0) f.push({ level: "warn", text: `${i.recent.failed} job${i.recent.failed === 1 ? "" : "s"} failed for good in the last 5 min` });
  for (const [q, ms] of Object.entries(i.waitP95)) {
    const limit = WAIT_WARN_MS[q];
    if (limit !== undefined && ms > limit) f.push({ level: "warn", text: `${q} wait p95 ${formatDuration(ms)}` });
  }
  const level: Level = f.some((x) => x.level === "bad") ? "bad" : f.length ? "warn" : "ok";
  const headline = level === "ok"
    ? `Healthy: ${t.workers} worker${t.workers === 1 ? "" : "s"} online, ${i.recent.completed} jobs done in 5 min, ${i.apiErrors} API errors`
    : level === "bad" ? "Needs attention now" : "Degraded";
  return { level, headline, findings: f };
}
