"use client";
import { useEffect, useState } from "react";
import { useHealth, POLL } from "../../lib/queries.ts";
import { ago, LIVE_LABEL, liveStatus } from "../../lib/live-status.ts";

/** Polls /api/health; says "stale" or "disconnected" when answers stop, rather than leaving numbers frozen. */
export function LiveIndicator() {
  const health = useHealth();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  const status = liveStatus({
    nowMs: now, lastAnswerAt: health.dataUpdatedAt, redisUp: health.data ? health.data.ok : null,
    unreachable: health.isError, staleAfterMs: POLL.health * 3,
  });
  const detail = status === "redis-down"
    ? `Redis down: ${health.data?.error ?? ""}`
    : status === "live" ? `Redis up · ${health.data?.latencyMs ?? "?"} ms` : `last answer ${ago(now, health.dataUpdatedAt)}`;
  return (
    <div className={`live live-${status}`} role="status" aria-live="polite" data-testid="live-status" data-status={status} title={detail}>
      <span className="live-dot" aria-hidden />
      <span className="live-label">{LIVE_LABEL[status]}</span>
      <span className="live-detail">{detail}</span>
    </div>
  );
}
