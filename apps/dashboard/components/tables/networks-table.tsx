import { formatCount, type NetworkRow } from "../../lib/overview-data.ts";

const BREAKER_TONE: Record<string, string> = { closed: "pill-ok", "half-open": "pill-warn", half_open: "pill-warn", open: "pill-bad" };

export function NetworksTable({ rows }: { rows: NetworkRow[] }) {
  return (
    <table className="table" data-testid="networks-table">
      <thead>
        <tr><th>Network</th><th>Jobs</th><th>Breaker</th><th className="r">Errors (1 h)</th><th>By kind</th></tr>
      </thead>
      <tbody>
        {rows.map((n) => (
          <tr key={n.network}>
            <td className="mono">{n.network}</td>
            <td>{n.paused ? <span className="pill pill-warn">paused</span> : <span className="pill pill-ok">flowing</span>}</td>
            <td><span className={`pill ${BREAKER_TONE[n.breaker] ?? "pill-muted"}`}>{n.breaker}</span></td>
            <td className={`r num ${n.errors ? "text-bad" : ""}`}>{formatCount(n.errors)}</td>
            <td>
              <div className="kinds">
                {n.byKind.length ? n.byKind.map(([k, v]) => <span key={k} className="kind">{k} <b className="num">{formatCount(v)}</b></span>) : <span className="muted">none</span>}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
