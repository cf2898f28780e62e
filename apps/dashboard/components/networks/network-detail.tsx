"use client";
import { useState } from "react";
import type { NetworkDoc, Range } from "../../lib/api-types.ts";
import { ERROR_KINDS, toKindRows, topCodes, totalsByKind } from "../../lib/errors-data.ts";
import { countdown, formatDateTime, formatPct } from "../../lib/format.ts";
import { formatCount } from "../../lib/overview-data.ts";
import { useNetwork } from "../../lib/queries.ts";
import { KIND_COLORS } from "../charts/theme.ts";
import { TimeSeriesChart } from "../charts/lazy.tsx";
import { Fresh } from "../freshness.tsx";
import { Empty, Panel } from "../panel.tsx";
import { KV, Segmented, StatePill } from "../ui/bits.tsx";
import { useNow } from "../ui/use-now.ts";

const RANGES = [{ value: "1h", label: "1 h" }, { value: "24h", label: "24 h" }] as const;

/** One network's errors: by kind over time (stacked), the top codes, recent samples; its circuit breaker. */
export function NetworkDetail({ network }: { network: string }) {
  const [range, setRange] = useState<Range>("1h");
  const q = useNetwork(network, range);
  const d = q.data;
  return (
    <Fresh query={q}>
      {d ? (
        <>
          <div className="grid-2 grid-wide-left">
            <Panel title={<>Errors by kind · <span className="mono id">{network}</span></>} actions={<Segmented label="Range" value={range} options={RANGES} onChange={setRange} />}>
              <KindTotals doc={d} />
              {d.buckets.some((b) => Object.keys(b.counts).length) ? (
                <TimeSeriesChart testId="error-breakdown" kind="bar" height={240} legend={false} data={toKindRows(d.buckets)} fromMs={d.at - (range === "1h" ? 3_600_000 : 86_400_000)} toMs={d.at}
                  series={ERROR_KINDS.map((k) => ({ key: k, label: k, color: KIND_COLORS[k] ?? "#8b96a5" }))} />
              ) : <div className="chart chart-empty"><Empty>No errors in this range.</Empty></div>}
            </Panel>
            <Panel title="Circuit breaker"><Breaker doc={d} /></Panel>
          </div>
          <div className="grid-2">
            <Panel title="Top error codes">
              {topCodes(d.buckets).length ? (
                <table className="table" data-testid="top-codes">
                  <thead><tr><th>Kind</th><th>Code</th><th className="r">Count</th><th className="r">Share</th></tr></thead>
                  <tbody>{topCodes(d.buckets).map((c) => (
                    <tr key={`${c.kind}|${c.code}`}><td><span className="pill pill-kind" style={{ borderColor: KIND_COLORS[c.kind], color: KIND_COLORS[c.kind] }}>{c.kind}</span></td>
                      <td className="mono">{c.code}</td><td className="r num">{formatCount(c.count)}</td><td className="r num muted">{formatPct(c.share)}</td></tr>
                  ))}</tbody>
                </table>
              ) : <Empty>No errors.</Empty>}
            </Panel>
            <Panel title={`Latest samples (${d.samples.length})`}>
              {d.samples.length ? (
                <table className="table" data-testid="error-samples">
                  <thead><tr><th>When</th><th>Kind</th><th>Code</th><th>Account</th><th>Message</th></tr></thead>
                  <tbody>{d.samples.slice(0, 12).map((s, i) => (
                    <tr key={`${s.at}-${i}`}><td className="num nowrap">{formatDateTime(s.at).slice(11)}</td><td className="mono small">{s.kind}</td>
                      <td className="mono small">{s.code}{s.status ? ` · ${s.status}` : ""}</td><td className="mono small">{s.account}</td><td className="muted small details clip">{s.message}</td></tr>
                  ))}</tbody>
                </table>
              ) : <Empty>No samples.</Empty>}
            </Panel>
          </div>
        </>
      ) : null}
    </Fresh>
  );
}

function KindTotals({ doc }: { doc: NetworkDoc }) {
  const t = totalsByKind(doc.buckets);
  return (
    <div className="kinds kind-totals" data-testid="kind-totals">
      {ERROR_KINDS.map((k) => (
        <span key={k} className="kind" data-kind={k}><i className="swatch" style={{ background: KIND_COLORS[k] }} />{k} <b className="num">{formatCount(t[k] ?? 0)}</b></span>
      ))}
    </div>
  );
}

function Breaker({ doc }: { doc: NetworkDoc }) {
  const now = useNow();
  const b = doc.breaker;
  return (
    <div className="breaker" data-testid="breaker">
      <div className="row"><StatePill state={b.state} testId="breaker-state" /><StatePill state={doc.paused ? "paused" : "flowing"} /></div>
      <KV items={[
        ["opened", b.openedAt ? formatDateTime(b.openedAt) : "never"],
        ["times opened", formatCount(b.opens)],
        ["next probe", b.state === "closed" ? "—" : countdown(b.retryAt, now)],
      ]} />
      <p className="muted small">It opens when failures come from several accounts at once (an outage), never for one broken account; while open, calls wait instead of spending attempts.</p>
    </div>
  );
}
