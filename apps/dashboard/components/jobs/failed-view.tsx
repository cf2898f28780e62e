"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { FailedFilterInput, RequeueFailedResult } from "../../lib/api-types.ts";
import { ERROR_KINDS } from "../../lib/errors-data.ts";
import { fetchJson } from "../../lib/fetch-json.ts";
import { formatDateTime } from "../../lib/format.ts";
import { formatCount } from "../../lib/overview-data.ts";
import { useFailed } from "../../lib/queries.ts";
import { roleAllows } from "../../lib/roles.ts";
import { Fresh } from "../freshness.tsx";
import { Empty, Panel } from "../panel.tsx";
import { useConsoleSession } from "../providers.tsx";
import { ConfirmButton } from "../ui/confirm.tsx";

const SINCE: Record<string, number | undefined> = { "": undefined, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

export function describeFilter(f: FailedFilterInput): string {
  const parts = Object.entries(f).filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => (k.endsWith("Ms") ? `${k.slice(0, -2)} ${formatDateTime(Number(v))}` : `${k} ${String(v)}`));
  return parts.length ? parts.join(", ") : "all failed jobs";
}

/** Failed jobs by network, kind, account and time, from the failed index (newest first), and the bulk requeue. */
export function FailedView({ networks, initial }: { networks: string[]; initial: FailedFilterInput }) {
  const [filter, setFilter] = useState<FailedFilterInput>(initial);
  const [cursors, setCursors] = useState<string[]>([""]);
  const cursor = cursors[cursors.length - 1] ?? "";
  const failed = useFailed(filter, cursor);
  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    const since = SINCE[get("since")];
    const next: FailedFilterInput = {};
    if (get("network")) next.network = get("network");
    if (get("kind")) next.kind = get("kind");
    if (get("account")) next.account = get("account");
    if (since) next.fromMs = Date.now() - since;
    setFilter(next);
    setCursors([""]);
  }
  return (
    <Panel title="Failed jobs" actions={<BulkRequeue filter={filter} />}>
      <form className="filters filter-bar" onSubmit={apply} aria-label="Filter failed jobs">
        <select name="network" aria-label="network" defaultValue={initial.network ?? ""}>
          <option value="">any network</option>{networks.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        <select name="kind" aria-label="error kind" defaultValue={initial.kind ?? ""}>
          <option value="">any kind</option>{ERROR_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        <input name="account" placeholder="network:account" aria-label="account" defaultValue={initial.account ?? ""} maxLength={300} />
        <select name="since" aria-label="since" defaultValue="">
          <option value="">any time</option><option value="1h">last hour</option><option value="24h">last 24 h</option><option value="7d">last 7 days</option>
        </select>
        <button type="submit" className="btn btn-small">Filter</button>
        <span className="muted small push-right">showing: {describeFilter(filter)}</span>
      </form>
      <Fresh query={failed}>
        {failed.data?.entries.length ? (
          <table className="table" data-testid="failed-table">
            <thead><tr><th>Failed at</th><th>Account</th><th>Network</th><th>Kind</th><th>Now</th><th>Queue</th><th>Job</th></tr></thead>
            <tbody>
              {failed.data.entries.map((e) => (
                <tr key={`${e.queue}|${e.jobId}|${e.at}`} className={e.stillFailed ? undefined : "row-muted"}>
                  <td className="num nowrap">{formatDateTime(e.at)}</td>
                  <td className="mono small"><Link href={`/accounts?account=${encodeURIComponent(e.account)}`}>{e.account}</Link></td>
                  <td className="mono">{e.network}</td>
                  <td><span className="pill pill-bad">{e.kind}</span></td>
                  <td>{e.stillFailed ? <span className="pill pill-bad">failed</span> : <span className="pill pill-muted" title="retried or requeued since">ran again</span>}</td>
                  <td className="mono">{e.queue}</td>
                  <td className="mono small"><Link href={`/jobs/${encodeURIComponent(e.jobId)}`}>{e.jobId}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <Empty>No failed job matches.</Empty>}
        <div className="pager">
          <span className="muted small">{failed.data ? `${formatCount(failed.data.scanned)} index entries read` : ""}</span>
          <button type="button" className="btn btn-small" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>
          <button type="button" className="btn btn-small" disabled={!failed.data?.next} onClick={() => setCursors([...cursors, failed.data?.next ?? ""])}>Older</button>
        </div>
      </Fresh>
    </Panel>
  );
}

/** Counts first (a dry run on the server), says that count in the confirmation, then requeues exactly that many. */
function BulkRequeue({ filter }: { filter: FailedFilterInput }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const [note, setNote] = useState<string | null>(null);
  const url = "/api/failed/requeue";
  const run = useMutation({
    mutationFn: (expect: number) => fetchJson<RequeueFailedResult>(url, { method: "POST", body: { filter, dryRun: false, expect }, csrf: session.csrf }),
    onSuccess: (r) => setNote(`${formatCount(r.requeued)} of ${formatCount(r.matched)} matching jobs requeued`),
    onError: (e) => setNote(e.message),
    onSettled: () => qc.invalidateQueries(),
  });
  if (!roleAllows(session.role, "operator")) return <span className="muted small">viewers cannot requeue</span>;
  return (
    <div className="row">
      {note ? <span className="small" role="status" data-testid="bulk-result">{note}</span> : null}
      <ConfirmButton label="Requeue all matching…" title="Requeue failed jobs" className="btn btn-small btn-primary" testId="bulk-requeue" disabled={run.isPending}
        prepare={async () => {
          setNote(null);
          const dry = await fetchJson<RequeueFailedResult>(url, { method: "POST", body: { filter, dryRun: true }, csrf: session.csrf });
          return {
            data: dry.matched, confirmLabel: `Requeue up to ${formatCount(dry.matched)} jobs`,
            message: <p data-testid="bulk-count">This will requeue up to <b className="num">{formatCount(dry.matched)}</b> failed job{dry.matched === 1 ? "" : "s"} matching {describeFilter(filter)} (entries that ran again since are skipped). Each goes back to its tree as pending and runs again with fresh attempts.</p>,
          };
        }}
        onConfirm={(p) => run.mutate(Number(p.data))} />
    </div>
  );
}
