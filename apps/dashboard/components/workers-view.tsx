"use client";
import { totals } from "../lib/overview-data.ts";
import { useStats } from "../lib/queries.ts";
import { Fresh } from "./freshness.tsx";
import { Panel } from "./panel.tsx";
import { StatCard } from "./stat-card.tsx";
import { WorkersTable } from "./tables/workers-table.tsx";

/** Worker processes by their heartbeats, and what the fleet runs right now (from the queues themselves). */
export function WorkersView() {
  const stats = useStats();
  const d = stats.data;
  const t = d ? totals(d) : null;
  const served = d ? new Set(d.workers.flatMap((w) => w.queues)) : new Set<string>();
  const unserved = d ? Object.keys(d.queues).filter((q) => !served.has(q)) : [];
  return (
    <Fresh query={stats}>
      {d && t ? (
        <>
          <div className="stats-row stats-4">
            <StatCard label="Workers online" value={t.workers} tone={t.workers ? "ok" : "bad"} hint="heartbeat in the last minute" />
            <StatCard label="Jobs active" value={t.active} tone={t.active ? "ok" : undefined} hint="all queues, now" />
            <StatCard label="Jobs waiting" value={t.waiting} hint="waiting + prioritized" />
            <StatCard label="Queues without a worker" value={unserved.length} tone={unserved.length ? "bad" : "ok"} hint={unserved.length ? unserved.join(", ") : "every queue is served"} />
          </div>
          <Panel title="Worker processes" actions={<span className="muted small">each serves its queues and exposes Prometheus /metrics on 127.0.0.1:PORT</span>}>
            <WorkersTable workers={d.workers} nowMs={d.at} />
          </Panel>
        </>
      ) : null}
    </Fresh>
  );
}
