"use client";
import { useState, type FormEvent } from "react";
import { formatDateTime } from "../lib/format.ts";
import { affected } from "../lib/jobs-data.ts";
import { formatCount } from "../lib/overview-data.ts";
import { useAudit } from "../lib/queries.ts";
import type { AuditFilter } from "../lib/query-keys.ts";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";

/** Actions the jobs package and the console record (the filter takes any name; these are suggestions). */
const ACTIONS = ["sign-in", "pause", "resume", "requeue-tree", "requeue-node", "requeue-failed", "whale-on", "whale-off", "reprioritize", "cancel-tree",
  "job-retry", "job-promote", "job-remove", "job-reprioritize", "connect", "disconnect", "limit-override", "limit-clear", "limit-reset", "schedule-run",
  "operator-add", "operator-change", "operator-remove"];

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
        <input name="action" placeholder="action (e.g. pause)" aria-label="action" maxLength={64} list="audit-actions" />
        <datalist id="audit-actions">{ACTIONS.map((a) => <option key={a} value={a} />)}</datalist>
        <button type="submit" className="btn btn-small">Filter</button>
      </form>
    }>
      <Fresh query={audit}>
        {entries.length ? (
          <table className="table" data-testid="audit-table">
            <thead><tr><th>When</th><th>Who</th><th>Via</th><th>Action</th><th className="r">Jobs</th><th>Details</th></tr></thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <td className="num nowrap">{formatDateTime(e.at)}</td>
                  <td>{e.who}</td>
                  <td><span className="pill pill-muted">{e.via}</span></td>
                  <td className="mono">{e.action}</td>
                  <td className="r num" data-testid="audit-affected">{affected(e.details) === null ? "" : formatCount(affected(e.details) ?? 0)}</td>
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
