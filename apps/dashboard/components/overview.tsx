"use client";
import { useState } from "react";
import type { OverviewDoc, Range } from "../lib/api-types.ts";
import { formatDuration } from "../lib/format.ts";
import { fleetHealth, type Verdict } from "../lib/health.ts";
import { toDepthRows, toNetworkRows, totals } from "../lib/overview-data.ts";
import { useHealth, useOverview, useStats } from "../lib/queries.ts";
import { KIND_COLORS, paletteAt, STATE_COLORS } from "./charts/theme.ts";
import { TimeSeriesChart } from "./charts/lazy.tsx";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";
import { StatCard } from "./stat-card.tsx";
import { NetworksTable } from "./tables/networks-table.tsx";
import { QueuesTable } from "./tables/queues-table.tsx";
import { WorkersTable } from "./tables/workers-table.tsx";
import { Segmented } from "./ui/bits.tsx";

const RANGES = [{ value: "1h", label: "1 h" }, { value: "24h", label: "24 h" }] as const;

/** The fleet at a glance: a verdict, the numbers behind it, then the history from the engine's metrics store. */
export function Overview() {
  const [range, setRange] = useState<Range>("1h");
  const stats = useStats();
  const health = useHealth();
  const history = useOverview(range);
  const data = stats.data;
  const doc = history.data;
  const t = data ? totals(data) : null;
  const verdict = data && doc ? fleetHealth({ stats: data, waitP95: doc.wait.latest, recent: doc.recent, apiErrors: doc.recent.apiErrors }) : null;
  return (
    <Fresh query={stats}>
      {data && t ? (
        <>
          {verdict ? <HealthBanner verdict={verdict} /> : null}
          <div className="stats-row stats-8" data-testid="overview-stats">
            <StatCard label="Waiting" value={t.waiting} />
            <StatCard label="Active" value={t.active} tone={t.active ? "ok" : undefined} />
            <StatCard label="Delayed" value={t.delayed} tone={t.delayed ? "warn" : undefined} hint="limits, backoff, parked" />
            <StatCard label="Failed (kept)" value={t.failed} tone={t.failed ? "bad" : undefined} />
            <StatCard label="Done · 5 min" value={doc?.recent.completed ?? "—"} tone={doc?.recent.completed ? "ok" : undefined} hint="jobs completed" />
            <StatCard label="Failed · 5 min" value={doc?.recent.failed ?? "—"} tone={doc?.recent.failed ? "bad" : undefined} hint={`${doc?.recent.apiErrors ?? 0} API errors`} />
            <StatCard label="Workers online" value={t.workers} tone={t.workers ? "ok" : "bad"} hint={t.workers ? "heartbeat < 1 min" : "none in the last minute"} />
            <StatCard label="Redis" value={health.data?.ok ? `${health.data.latencyMs ?? "?"} ms` : "down"} tone={health.data?.ok ? "ok" : "bad"} hint="PING round trip" />
          </div>
          <Panel title="History" actions={<><span className="muted small">{history.isPlaceholderData ? `loading ${range}…` : "from the fleet's metrics store · 5 s samples"}</span><Segmented label="Range" value={range} options={RANGES} onChange={setRange} /></>}>
            {doc ? <div data-testid="history" data-range={history.isPlaceholderData ? "" : doc.range}><HistoryCharts doc={doc} /></div> : <Empty>Loading history…</Empty>}
          </Panel>
          <Panel title="Queues"><QueuesTable rows={toDepthRows(data)} waitP95={doc?.wait.latest} /></Panel>
          <div className="grid-2">
            <Panel title="Networks"><NetworksTable rows={toNetworkRows(data)} /></Panel>
            <Panel title="Workers"><WorkersTable workers={data.workers} nowMs={data.at} compact /></Panel>
          </div>
        </>
      ) : null}
    </Fresh>
  );
}

function HealthBanner({ verdict }: { verdict: Verdict }) {
  return (
    <section className={`health health-${verdict.level}`} data-testid="fleet-health" data-level={verdict.level} role="status">
      <span className="health-dot" aria-hidden />
      <b>{verdict.headline}</b>
      <div className="health-findings">
        {verdict.findings.map((f) => <span key={f.text} className={`pill ${f.level === "bad" ? "pill-bad" : "pill-warn"}`}>{f.text}</span>)}
      </div>
    </section>
  );
}

function HistoryCharts({ doc }: { doc: OverviewDoc }) {
  const from = doc.at - (doc.range === "1h" ? 3_600_000 : 86_400_000);
  const anyDepth = doc.depth.length > 1;
  return (
    <div className="grid-2 charts-grid">
      <div>
        <h3>Queue depth by state</h3>
        {anyDepth ? (
          <TimeSeriesChart testId="depth-history" kind="area" data={doc.depth} fromMs={from} toMs={doc.at} series={[
            { key: "waiting", label: "waiting", color: STATE_COLORS.wait },
            { key: "active", label: "active", color: STATE_COLORS.active },
            { key: "delayed", label: "delayed", color: STATE_COLORS.delayed },
            { key: "failed", label: "failed", color: STATE_COLORS.failed },
          ]} />
        ) : <div className="chart chart-empty"><Empty>No samples yet: a worker writes one every 5 s.</Empty></div>}
      </div>
      <div>
        <h3>Throughput per minute</h3>
        <TimeSeriesChart testId="throughput-chart" kind="bar" data={doc.throughput} fromMs={from} toMs={doc.at} series={[
          { key: "completed", label: "completed", color: STATE_COLORS.active },
          { key: "failed", label: "failed for good", color: STATE_COLORS.failed },
        ]} />
      </div>
      <div>
        <h3>Wait p95 by queue <span className="muted small">(time from enqueue to start)</span></h3>
        {doc.wait.rows.length ? (
          <TimeSeriesChart testId="wait-chart" kind="line" data={doc.wait.rows} fromMs={from} toMs={doc.at} format={formatDuration}
            series={doc.wait.queues.map((q, i) => ({ key: q, label: q, color: paletteAt(i) }))} />
        ) : <div className="chart chart-empty"><Empty>No job started in this range.</Empty></div>}
      </div>
      <div>
        <h3>API errors per minute by kind</h3>
        {doc.errors.some((r) => r.total > 0) ? (
          <TimeSeriesChart testId="errors-chart" kind="bar" data={doc.errors} fromMs={from} toMs={doc.at}
            series={Object.entries(KIND_COLORS).map(([k, color]) => ({ key: k, label: k, color }))} />
        ) : <div className="chart chart-empty"><Empty>No API error in this range.</Empty></div>}
      </div>
    </div>
  );
}
