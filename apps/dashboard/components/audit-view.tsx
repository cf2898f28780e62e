"use client";
import { useState, type FormEvent } from "react";
import { formatClock } from "../lib/overview-data.ts";
import { useAudit } from "../lib/queries.ts";
import type { AuditFilter } from "../lib/query-keys.ts";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";

/** The audit log, newest first; filters by operator and action; older pages on demand. Read-only by design. */
export function AuditView() {
  const [filter, setFilter] = useState<AuditFilter>({});
  const audit = useAudit(filter);
  const entries = audit.data?.pages.flatMap((p) => p.entries) ?? [];
  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const who = String(f.get("who") ?? "").trim();
    const action = String(f.get("action") ?? "").trim();
    setFilter({ ...(who ? { who } : {}), ...(action ? { action } : {}) });
  }
  return (
    <Panel title="Audit log" actions={
      <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
        <input name="who" placeholder="operator" aria-label="operator" maxLength={64} />
        <input name="action" placeholder="action (e.g. pause)" aria-label="action" maxLength={64} />
        <button type="submit" className="btn btn-small">Filter</button>
      </form>
    }>
      <Fresh query={audit}>
        {entries.length ? (
          <table className="table" data-testid="audit-table">
            <thead><tr><th>When</th><th>Who</th><th>Via</th><th>Action</th><th>Details</th></tr></thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td className="num nowrap">{new Date(e.at).toISOString().slice(0, 10)} {formatClock(e.at)}</td>
                  <td>{e.who}</td>
                  <td><span className="pill pill-muted">{e.via}</span></td>
                  <td className="mono">{e.action}</td>
                  <td className="mono muted details">{Object.entries(e.details).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join("  ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <Empty>No audit entries{filter.who || filter.action ? " match this filter" : " yet"}.</Empty>}
        {audit.hasNextPage ? (
          <button type="button" className="btn btn-small" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
            {audit.isFetchingNextPage ? "Loading…" : "Older entries"}
          </button>
        ) : null}
      </Fresh>
    </Panel>
  );
}
