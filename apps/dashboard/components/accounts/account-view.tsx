"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { AccountDoc } from "../../lib/api-types.ts";
import { fetchJson } from "../../lib/fetch-json.ts";
import { formatDateTime } from "../../lib/format.ts";
import { priorityName } from "../../lib/jobs-data.ts";
import { ago } from "../../lib/live-status.ts";
import { formatCount } from "../../lib/overview-data.ts";
import { useAccount } from "../../lib/queries.ts";
import { roleAllows } from "../../lib/roles.ts";
import { Fresh } from "../freshness.tsx";
import { Empty, Panel } from "../panel.tsx";
import { useConsoleSession } from "../providers.tsx";
import { KV, StatePill } from "../ui/bits.tsx";
import { ConfirmButton } from "../ui/confirm.tsx";
import { useNow } from "../ui/use-now.ts";

const WAITING = new Set(["waiting", "wait", "prioritized", "delayed", "paused", "waiting-children"]);

/** An account as operators act on it: connection, whale flag, its unfinished and failed jobs, its syncs. */
export function AccountView({ account }: { account: string }) {
  const q = useAccount(account);
  const d = q.data;
  const now = useNow(5_000);
  return (
    <Fresh query={q}>
      {d ? (!d.known ? <Panel title={account}><Empty>Fanout knows no account {account}: it was never connected or synced.</Empty></Panel> : (
        <>
          <Panel title={<>Account <span className="mono id">{d.account}</span></>} actions={<AccountActions doc={d} />}>
            <div className="job-head">
              <StatePill state={d.connected === false ? "disconnected" : d.connected ? "connected" : "unknown"} testId="account-connection" />
              {d.whale ? <span className="pill pill-purple" data-testid="account-whale">whale</span> : null}
              <KV items={[
                ["connected", d.connectedAt ? formatDateTime(d.connectedAt) : "—"],
                ...(d.connected === false ? [["disconnected", d.disconnectedAt ? formatDateTime(d.disconnectedAt) : "—"] as [string, string], ["reason", d.reason ?? "—"] as [string, string]] : []),
                ["queue", d.whale ? "whales (flagged)" : [...new Set(d.jobs.map((j) => j.queue))].join(", ") || "—"],
                ["unfinished jobs", formatCount(d.jobs.length) + (d.truncated ? "+" : "")],
              ]} />
            </div>
          </Panel>
          <Panel title={`Unfinished jobs (${formatCount(d.jobs.length)}${d.truncated ? "+, first 300 pages examined" : ""})`}>
            {d.jobs.length ? (
              <table className="table" data-testid="account-jobs">
                <thead><tr><th>Job</th><th>State</th><th>Queue</th><th>Priority</th><th>Page</th><th className="r">Attempts</th><th className="r">Added</th><th className="r">Runs</th></tr></thead>
                <tbody>
                  {d.jobs.map((j) => (
                    <tr key={j.id} data-job={j.id}>
                      <td className="mono small"><Link href={`/jobs/${encodeURIComponent(j.id)}`}>{j.id}</Link></td>
                      <td><StatePill state={j.leaf === "parked" ? "parked" : j.state} /></td>
                      <td className="mono">{j.queue}</td>
                      <td>{priorityName(j.priority)}</td>
                      <td className="mono small">{j.page}</td>
                      <td className="r num">{j.attemptsMade}</td>
                      <td className="r num muted">{ago(now, j.timestamp)}</td>
                      <td className="r num muted">{j.leaf === "parked" ? "on reconnect" : j.delayUntil && j.delayUntil > now ? formatDateTime(j.delayUntil) : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <Empty>No unfinished jobs.</Empty>}
          </Panel>
          <div className="grid-2">
            <Panel title={`Failed jobs (${d.failed.filter((f) => f.stillFailed).length} still failed)`}>
              {d.failed.length ? (
                <table className="table" data-testid="account-failed">
                  <thead><tr><th>Failed at</th><th>Kind</th><th>Now</th><th>Job</th></tr></thead>
                  <tbody>{d.failed.map((f) => (
                    <tr key={`${f.jobId}|${f.at}`} className={f.stillFailed ? undefined : "row-muted"}><td className="num nowrap">{formatDateTime(f.at)}</td><td><span className="pill pill-bad">{f.kind}</span></td>
                      <td>{f.stillFailed ? <span className="pill pill-bad">failed</span> : <span className="pill pill-muted">ran again</span>}</td>
                      <td className="mono small"><Link href={`/jobs/${encodeURIComponent(f.jobId)}`}>{f.jobId}</Link></td></tr>
                  ))}</tbody>
                </table>
              ) : <Empty>No failed jobs.</Empty>}
            </Panel>
            <Panel title="Latest syncs">
              {d.trees.length ? (
                <table className="table" data-testid="account-trees">
                  <thead><tr><th>Tree</th><th>State</th><th className="r">Done</th><th className="r">Failed</th><th className="r">Started</th></tr></thead>
                  <tbody>{d.trees.map((t) => (
                    <tr key={t.treeId}><td className="mono small"><Link href={`/trees?id=${encodeURIComponent(t.treeId)}`}>{t.treeId}</Link></td><td><StatePill state={t.state} /></td>
                      <td className="r num">{formatCount(t.counts.done)}</td><td className={`r num ${t.counts.failed ? "text-bad" : ""}`}>{formatCount(t.counts.failed)}</td>
                      <td className="r num muted">{formatDateTime(t.at)}</td></tr>
                  ))}</tbody>
                </table>
              ) : <Empty>No sync yet.</Empty>}
            </Panel>
          </div>
        </>
      )) : null}
    </Fresh>
  );
}

function AccountActions({ doc }: { doc: AccountDoc }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const [priority, setPriority] = useState<"high" | "normal" | "low">("high");
  const [note, setNote] = useState<string | null>(null);
  const waiting = doc.jobs.filter((j) => WAITING.has(j.state)).length;
  const done = { onError: (e: Error) => setNote(e.message), onSettled: () => qc.invalidateQueries() };
  const repri = useMutation({
    mutationFn: () => fetchJson<{ changed: number }>("/api/accounts/reprioritize", { method: "POST", body: { account: doc.account, priority }, csrf: session.csrf }),
    onSuccess: (r) => setNote(`${r.changed} waiting job${r.changed === 1 ? "" : "s"} now ${priority}`), ...done,
  });
  const whale = useMutation({
    mutationFn: (on: boolean) => fetchJson<{ moved: number; whale: boolean }>("/api/whales", { method: "POST", body: { account: doc.account, whale: on }, csrf: session.csrf }),
    onSuccess: (r) => setNote(`${r.whale ? "moved to" : "moved out of"} the whale queue; ${r.moved} waiting job${r.moved === 1 ? "" : "s"} moved`), ...done,
  });
  const disconnect = useMutation({
    mutationFn: (purge: boolean) => fetchJson<{ removed: number; purged: boolean }>("/api/accounts/disconnect", { method: "POST", body: { account: doc.account, purge }, csrf: session.csrf }),
    onSuccess: (r) => setNote(`disconnected; ${r.removed} waiting job${r.removed === 1 ? "" : "s"} removed${r.purged ? "; its data purged" : ""}`), ...done,
  });
  if (!roleAllows(session.role, "operator")) return <span className="muted small">viewers cannot act</span>;
  return (
    <div className="row">
      {note ? <span className="small" role="status" data-testid="account-result">{note}</span> : null}
      <select aria-label="priority" value={priority} onChange={(e) => setPriority(e.target.value as "high" | "normal" | "low")}>
        <option value="high">high</option><option value="normal">normal</option><option value="low">low</option>
      </select>
      <ConfirmButton label="Reprioritize waiting jobs" title="Reprioritize" disabled={repri.isPending} onConfirm={() => repri.mutate()}
        prepare={() => ({ message: <p>Give priority <b>{priority}</b> to the <b className="num">{waiting}</b> waiting job{waiting === 1 ? "" : "s"} of <span className="mono">{doc.account}</span> (counted now; jobs that start meanwhile keep theirs).</p> })} />
      <ConfirmButton label={doc.whale ? "Move back from whales" : "Move to whale queue"} title="Whale queue" disabled={whale.isPending} onConfirm={() => whale.mutate(!doc.whale)}
        prepare={() => ({ message: <p>Move <span className="mono">{doc.account}</span> and its <b className="num">{waiting}</b> waiting job{waiting === 1 ? "" : "s"} {doc.whale ? "back to the default queue" : "to the whale queue"}?</p> })} />
      {doc.connected ? (
        <ConfirmButton label="Disconnect" title="Disconnect" className="btn btn-small btn-danger" disabled={disconnect.isPending} testId="account-disconnect"
          onConfirm={() => disconnect.mutate(false)}
          prepare={() => ({ message: <p>Drop the token of <span className="mono">{doc.account}</span> and its <b className="num">{waiting}</b> waiting job{waiting === 1 ? "" : "s"}. Its stored followers stay readable.</p>, confirmLabel: "Disconnect" })} />
      ) : null}
      {roleAllows(session.role, "admin") ? (
        <ConfirmButton label="Purge…" title="Disconnect and purge" className="btn btn-small btn-danger" disabled={disconnect.isPending} testId="account-purge"
          onConfirm={() => disconnect.mutate(true)}
          prepare={() => ({ message: <p>Disconnect <span className="mono">{doc.account}</span> and delete everything Fanout holds of it: followers, change sets, sink rows, its jobs. Only the audit entry stays. This cannot be undone.</p>, confirmLabel: "Purge" })} />
      ) : null}
    </div>
  );
}
