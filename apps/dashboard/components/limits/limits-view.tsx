"use client";
import Link from "next/link";
import { useState } from "react";
import type { LimitsDoc } from "../../lib/api-types.ts";
import { countdown, formatDuration, formatRate } from "../../lib/format.ts";
import { describeWindow, gaugeView, splitIdle, type GaugeView } from "../../lib/limits-data.ts";
import { formatCount } from "../../lib/overview-data.ts";
import { useLimits } from "../../lib/queries.ts";
import { roleAllows } from "../../lib/roles.ts";
import { paletteAt } from "../charts/theme.ts";
import { TimeSeriesChart } from "../charts/lazy.tsx";
import { Fresh } from "../freshness.tsx";
import { Empty, Panel } from "../panel.tsx";
import { useConsoleSession } from "../providers.tsx";
import { KV, ProgressBar } from "../ui/bits.tsx";
import { useNow } from "../ui/use-now.ts";
import { ClearKey, OverrideForm } from "./limit-admin.tsx";

/** Network tabs as links: each network's limits are their own page state (?network=). */
export function NetworkTabs({ networks, current, base }: { networks: string[]; current: string; base: string }) {
  return (
    <nav className="segmented" aria-label="Network">
      {networks.map((n) => <Link key={n} href={`${base}?network=${n}`} className={n === current ? "seg seg-on" : "seg"} aria-current={n === current ? "page" : undefined}>{n}</Link>)}
    </nav>
  );
}

/** A network's limits: one gauge per live key with a live countdown to its reset, the adaptive controller, history. */
export function LimitsView({ network }: { network: string }) {
  const q = useLimits(network);
  const now = useNow(500);
  const d = q.data;
  const session = useConsoleSession();
  const admin = roleAllows(session.role, "admin");
  // The server's clock stamped the data: countdowns run on it, shifted by the time since it answered.
  const serverNow = d ? d.at + Math.max(0, now - q.dataUpdatedAt) : now;
  return (
    <Fresh query={q}>
      {d ? (
        <>
          <div className="grid-2 grid-wide-left">
            <Panel title={`Limit keys (${d.gauges.keys.length})`} actions={<span className="muted small">the fleet&apos;s shared counters · updated every 2 s</span>}>
              {d.gauges.keys.length ? <GaugeTable views={d.gauges.keys.map((g) => gaugeView(g, serverNow))} network={network} admin={admin} />
                : <Empty>No call counted against a published limit yet{d.gauges.published.length ? "" : ": this network publishes none (adaptive)"}.</Empty>}
            </Panel>
            <Panel title="In force"><InForce doc={d} /></Panel>
          </div>
          <div className="grid-2">
            <Panel title="Calls counted per key · 30 min">
              {d.history.keys.length ? (
                <TimeSeriesChart testId="limit-history" kind="line" data={d.history.rows} series={d.history.keys.map((k, i) => ({ key: k, label: k, color: paletteAt(i) }))} />
              ) : <div className="chart chart-empty"><Empty>{d.gauges.published.length ? "No key counted a call in the last 30 min." : "This network publishes no limit: see the adaptive rate."}</Empty></div>}
            </Panel>
            <Panel title="Adaptive rate vs discovered ceiling · 30 min" actions={<span className="muted small">429s in 30 min: <b className="num">{formatCount(d.history.throttles)}</b></span>}>
              {!d.gauges.adaptive.active && !d.history.throttles && d.history.rows.every((r) => !r.rate && !r.ceiling) ? (
                <div className="chart chart-empty"><Empty>Standby: {network} publishes its limits, and no 429 has come back. The controller takes over if one does while calls remain.</Empty></div>
              ) : d.history.rows.length ? (
                <TimeSeriesChart testId="adaptive-history" kind="line" data={d.history.rows} format={(v) => `${v}/s`} series={[
                  { key: "rate", label: "rate /s", color: "#3fb950" }, { key: "ceiling", label: "ceiling /s", color: "#f85149", dashed: true },
                ]} />
              ) : <div className="chart chart-empty"><Empty>No history yet.</Empty></div>}
            </Panel>
          </div>
          {admin ? <Panel title="Override (admins)"><OverrideForm network={network} doc={d} /></Panel> : null}
        </>
      ) : null}
    </Fresh>
  );
}

function GaugeTable({ views, network, admin }: { views: GaugeView[]; network: string; admin: boolean }) {
  const [showIdle, setShowIdle] = useState(false);
  const { busy, idle } = splitIdle(views);
  const rows = showIdle ? [...busy, ...idle] : busy;
  return (
    <>
      <table className="table gauges" data-testid="gauges">
        <thead><tr><th>Key</th><th>Counts</th><th>Window</th><th className="w-gauge">Used / limit</th><th className="r">Remaining</th><th className="r">Resets</th>{admin ? <th /> : null}</tr></thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.key} data-testid="gauge" data-key={g.key} className={`gauge-${g.tone}`}>
              <td className="mono small" title={g.key}>{g.scope === "app" ? "app" : <>{g.scope} <b>{g.who}</b></>}</td>
              <td className="small muted">{g.applies}</td>
              <td className="num small">{describeWindow(g.windowMs)}</td>
              <td><ProgressBar fraction={g.fill} tone={g.tone} label={<span data-testid="gauge-used">{formatCount(g.used)} / {g.max === null ? "—" : formatCount(g.max)}</span>} /></td>
              <td className="r num" data-testid="gauge-remaining">{g.remaining === null ? "—" : formatCount(g.remaining)}</td>
              <td className="r num" data-testid="gauge-reset">{g.blockedForMs !== null ? <span className="text-bad">blocked {formatDuration(g.blockedForMs)}</span> : <>resets {countdown(g.resetInMs, 0)}</>}</td>
              {admin ? <td className="r"><ClearKey network={network} gaugeKey={g.key} /></td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {idle.length ? (
        <button type="button" className="btn btn-tiny idle-toggle" onClick={() => setShowIdle(!showIdle)}>
          {showIdle ? "Hide idle keys" : `Show ${idle.length} idle key${idle.length === 1 ? "" : "s"} (nothing counted in their window)`}
        </button>
      ) : null}
    </>
  );
}

function InForce({ doc }: { doc: LimitsDoc }) {
  const a = doc.gauges.adaptive;
  const o = doc.gauges.overrides;
  return (
    <div className="in-force" data-testid="in-force">
      <table className="table">
        <thead><tr><th>Scope</th><th className="r">Max</th><th>Window</th><th>Applies to</th></tr></thead>
        <tbody>
          {doc.gauges.published.length ? doc.gauges.published.map((f, i) => (
            <tr key={i}><td>{f.scope}</td><td className="r num">{formatCount(f.max)}</td><td>{describeWindow(f.windowMs)}{f.aligned ? " (aligned)" : ""}</td>
              <td className="muted small">{[f.endpoint ?? "all calls", f.paging ? "paging only" : ""].filter(Boolean).join(", ")}</td></tr>
          )) : <tr><td colSpan={4} className="muted">none published: the adaptive controller finds the limit</td></tr>}
        </tbody>
      </table>
      <KV items={[
        ["adaptive", a.active ? <span key="a" className="pill pill-warn">in charge</span> : <span key="a" className="pill pill-muted">standby</span>],
        ["rate now", `${formatRate(a.rate)} (ceiling ${formatRate(a.ceiling)})`],
        ["429s seen", formatCount(a.throttles)],
        ["one account's pages", `${formatRate(doc.allowed.perSecond)} · ${doc.allowed.detail}`],
        ["overrides", Object.keys(o).length ? Object.entries(o).map(([k, v]) => `${k}=${v}`).join("  ") : "none"],
      ]} />
    </div>
  );
}
