"use client";
import { useState } from "react";
import type { Stats } from "@fanout/jobs/ops";
import { appendTrend, toDepthRows, toNetworkRows, totals, type TrendPoint } from "../lib/overview-data.ts";
import { useHealth, useStats } from "../lib/queries.ts";
import { DepthChart } from "./charts/depth-chart.tsx";
import { TrendChart } from "./charts/trend-chart.tsx";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";
import { StatCard } from "./stat-card.tsx";
import { NetworksTable } from "./tables/networks-table.tsx";
import { QueuesTable } from "./tables/queues-table.tsx";
import { WorkersTable } from "./tables/workers-table.tsx";

const HOUR = 3_600_000;

export function Overview() {
  const stats = useStats();
  const health = useHealth();
  const trend = useTrend(stats.data);
  const data = stats.data;
  const t = data ? totals(data) : null;
  return (
    <Fresh query={stats}>
      {data && t ? (
        <>
          <div className="stats-row" data-testid="overview-stats">
            <StatCard label="Waiting" value={t.waiting} />
            <StatCard label="Active" value={t.active} tone={t.active ? "ok" : undefined} />
            <StatCard label="Delayed" value={t.delayed} tone={t.delayed ? "warn" : undefined} />
            <StatCard label="Failed (kept)" value={t.failed} tone={t.failed ? "bad" : undefined} />
            <StatCard label="Workers online" value={t.workers} tone={t.workers ? "ok" : "warn"} hint={t.workers ? undefined : "none in the last minute"} />
            <StatCard label="Paused queues" value={t.pausedQueues} tone={t.pausedQueues ? "warn" : undefined} />
            <StatCard label="Redis" value={health.data?.ok ? `${health.data.latencyMs ?? "?"} ms` : "down"} tone={health.data?.ok ? "ok" : "bad"} hint="PING round trip" />
          </div>
          <div className="grid-2">
            <Panel title="Queue depth by state"><DepthChart rows={toDepthRows(data)} /></Panel>
            <Panel title="Depth trend" actions={<span className="muted small">since this page opened · history arrives with the metrics store</span>}>
              {trend.length > 1 ? <TrendChart points={trend} /> : <div className="chart chart-empty"><Empty>Collecting points (every 3 s)…</Empty></div>}
            </Panel>
          </div>
          <Panel title="Queues"><QueuesTable rows={toDepthRows(data)} /></Panel>
          <div className="grid-2">
            <Panel title="Networks"><NetworksTable rows={toNetworkRows(data)} /></Panel>
            <Panel title="Workers"><WorkersTable workers={data.workers} nowMs={data.at} /></Panel>
          </div>
        </>
      ) : null}
    </Fresh>
  );
}

/** Adds a point per new snapshot, during render (no effect): the data's own timestamp is the clock. */
function useTrend(data: Stats | undefined): TrendPoint[] {
  const [state, setState] = useState<{ at: number; points: TrendPoint[] }>({ at: 0, points: [] });
  if (data && data.at !== state.at) {
    const next = { at: data.at, points: appendTrend(state.points, data, data.at, HOUR) };
    setState(next);
    return next.points;
  }
  return state.points;
}
