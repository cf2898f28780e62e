/**
 * What the top bar says about the data on screen. Numbers are never shown as live when the last good answer is old:
 * after `staleAfterMs` without one the console says "stale", and says why.
 */
export type Live = "connecting" | "live" | "stale" | "redis-down" | "disconnected";

export interface LiveInput {
  nowMs: number;
  /** When the last health answer arrived (0: none yet), and whether it said Redis is up. */
  lastAnswerAt: number;
  redisUp: boolean | null;
  /** The console itself could not be reached on the last poll. */
  unreachable: boolean;
  staleAfterMs: number;
}

export function liveStatus(i: LiveInput): Live {
  if (i.unreachable) return i.nowMs - i.lastAnswerAt > i.staleAfterMs ? "disconnected" : "stale";
  if (i.lastAnswerAt === 0) return "connecting";
  if (i.nowMs - i.lastAnswerAt > i.staleAfterMs) return "stale";
  if (i.redisUp === false) return "redis-down";
  return "live";
}

export const LIVE_LABEL: Record<Live, string> = {
  connecting: "connecting…",
  live: "live",
  stale: "stale",
  "redis-down": "Redis down",
  disconnected: "disconnected",
};

/** "3 s ago", "4 min ago": how old the numbers on screen are. */
export function ago(nowMs: number, thenMs: number): string {
  if (!thenMs) return "never";
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1_000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.round(m / 60)} h ago`;
}
