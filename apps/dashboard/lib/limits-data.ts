import type { KeyGauge, LimitSample, NetworkGauges } from "@fanout/jobs/limiter/gauges";
import type { LimitFactor } from "@fanout/jobs/networks/types";

/** Rate-limit gauges, their history and the rate the limiter allows: plain functions, the clock passed in. */

/** Keys in use (something counted, or blocked) first, by fill; idle keys after. */
export function splitIdle(views: readonly GaugeView[]): { busy: GaugeView[]; idle: GaugeView[] } {
  const busy = views.filter((v) => v.used > 0 || v.blockedForMs !== null).sort((a, b) => (b.fill ?? 0) - (a.fill ?? 0) || b.used - a.used);
  return { busy, idle: views.filter((v) => !busy.includes(v)) };
}

export interface GaugeView {
  key: string; scope: string; who: string; windowMs: number;
  /** What the key counts beyond its scope: an endpoint, paging requests only. */
  applies: string; used: number; max: number | null; remaining: number | null;
  /** Share of the window used (null: no published max for this key). */
  fill: number | null;
  tone: "ok" | "warn" | "bad";
  /** ms until the oldest counted call leaves the window (null: nothing counted). */
  resetInMs: number | null;
  blockedForMs: number | null;
}

export function gaugeView(g: KeyGauge, nowMs: number): GaugeView {
  const fill = g.max ? Math.min(1, g.used / g.max) : null;
  const blockedForMs = g.blockedUntil !== null && g.blockedUntil > nowMs ? g.blockedUntil - nowMs : null;
  const tone = blockedForMs !== null || (fill !== null && fill >= 1) ? "bad" : fill !== null && fill >= 0.8 ? "warn" : "ok";
  const rest = g.key.split(".").slice(g.scope === "app" ? 2 : 3);
  return {
    key: g.key, scope: g.scope, who: g.who, windowMs: g.windowMs, applies: rest.join(" · ") || "all calls", used: g.used, max: g.max, remaining: g.remaining, fill, tone,
    resetInMs: g.resetAt === null ? null : Math.max(0, g.resetAt - nowMs), blockedForMs,
  };
}

export type HistoryRow = { at: number } & Record<string, number>;

/**
 * The used count of the `top` busiest keys over time (busiest: the highest use seen in the history), one row per
 * sample, plus the adaptive controller's rate, ceiling and 429s as their own columns.
 */
export function limitHistoryRows(samples: readonly LimitSample[], top = 4): { rows: HistoryRow[]; keys: string[] } {
  const peak = new Map<string, number>();
  for (const s of samples) for (const k of s.keys) peak.set(k.key, Math.max(peak.get(k.key) ?? 0, k.used));
  const keys = [...peak.entries()].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top).map(([k]) => k);
  const rows = samples.map((s) => {
    const row: HistoryRow = { at: s.at, rate: round2(s.adaptive.rate), ceiling: round2(s.adaptive.ceiling), throttles: s.adaptive.throttles };
    for (const k of keys) row[k] = s.keys.find((x) => x.key === k)?.used ?? 0;
    return row;
  });
  return { rows, keys };
}

/** 429s counted by the adaptive controller within the history (its counter only grows: last minus first). */
export function throttlesIn(samples: readonly LimitSample[]): number {
  const first = samples[0];
  const last = samples[samples.length - 1];
  return first && last ? Math.max(0, last.adaptive.throttles - first.adaptive.throttles) : 0;
}

export interface AllowedRate { perSecond: number; source: "published" | "adaptive" | "none"; detail: string }

/**
 * The rate the limiter lets one account's follower pages through: every published factor that applies to a
 * follower-page call with a cursor (endpoint `followers` or none; paging ones too) caps it at max / window, and
 * while the adaptive controller is in charge its current rate does too. The lowest cap wins.
 */
export function allowedRate(g: Pick<NetworkGauges, "published" | "adaptive">): AllowedRate {
  const caps: AllowedRate[] = g.published
    .filter((f: LimitFactor) => !f.endpoint || f.endpoint === "followers")
    .map((f) => ({ perSecond: (f.max / f.windowMs) * 1_000, source: "published" as const, detail: `${f.max} per ${describeWindow(f.windowMs)} (${f.scope}${f.paging ? ", paging" : ""})` }));
  if (g.adaptive.active) caps.push({ perSecond: g.adaptive.rate, source: "adaptive", detail: `adaptive rate (ceiling ${round2(g.adaptive.ceiling)}/s)` });
  const best = caps.sort((a, b) => a.perSecond - b.perSecond)[0];
  return best ?? { perSecond: 0, source: "none", detail: "no limit known" };
}

export function describeWindow(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
