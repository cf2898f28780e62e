"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { JobActionResult, JobDetailDoc } from "../../lib/api-types.ts";
import { fetchJson } from "../../lib/fetch-json.ts";
import { formatDateTime } from "../../lib/format.ts";
import { priorityName } from "../../lib/jobs-data.ts";
import { useJob } from "../../lib/queries.ts";
import { qk } from "../../lib/query-keys.ts";
import { roleAllows } from "../../lib/roles.ts";
import { Fresh } from "../freshness.tsx";
import { Empty, Panel } from "../panel.tsx";
import { useConsoleSession } from "../providers.tsx";
import { KV, StatePill } from "../ui/bits.tsx";
import { ConfirmButton } from "../ui/confirm.tsx";

/** One job: what it is, where it stands, why it failed, what it logged, and the actions its state allows. */
export function JobDetail({ id }: { id: string }) {
  const job = useJob(id);
  const d = job.data;
  return (
    <Fresh query={job}>
      {d ? (
        <>
          <Panel title={<>Job <span className="mono id">{d.id}</span></>} actions={<JobActions job={d} />}>
            <div className="job-head">
              <StatePill state={d.state} testId="job-state" />
              <KV items={[
                ["queue", <span key="q" className="mono">{d.queue}</span>],
                ["account", d.account ? <Link key="a" href={`/accounts?account=${encodeURIComponent(d.account)}`} className="mono">{d.account}</Link> : "—"],
                ["tree", d.treeId ? <Link key="t" href={`/trees?id=${encodeURIComponent(d.treeId)}`} className="mono">{d.treeId}</Link> : "—"],
                ["page", <span key="p" className="mono">{d.page ?? "—"}</span>],
                ["priority", priorityName(d.priority)],
                ["attempts", `${d.attemptsMade} made · ${d.attemptsStarted} started`],
                ["added", formatDateTime(d.timestamp)],
                ["started", d.processedOn ? formatDateTime(d.processedOn) : "—"],
                ["finished", d.finishedOn ? formatDateTime(d.finishedOn) : "—"],
                ...(d.delayUntil ? [["delayed until", formatDateTime(d.delayUntil)] as [string, string]] : []),
              ]} />
            </div>
          </Panel>
          <div className="grid-2">
            <Panel title="Payload">
              <table className="table kv-table" data-testid="job-payload">
                <tbody>{d.payload.fields.map(([k, v]) => <tr key={k}><td className="muted">{k}</td><td className="mono">{v === null ? "null" : String(v)}</td></tr>)}</tbody>
              </table>
              {d.payload.hidden ? <p className="muted small">{d.payload.hidden} field{d.payload.hidden === 1 ? "" : "s"} not shown (unknown to the console).</p> : null}
            </Panel>
            <Panel title="Error">
              {d.failedReason ? (
                <>
                  <p className="error-line" data-testid="job-error">{d.failedReason}</p>
                  {d.stacktrace.length ? <pre className="pre">{d.stacktrace[d.stacktrace.length - 1]}</pre> : null}
                </>
              ) : <Empty>No error.</Empty>}
            </Panel>
          </div>
          <Panel title={`Logs (${d.logs.length})`}>{d.logs.length ? <pre className="pre">{d.logs.join("\n")}</pre> : <Empty>No log lines.</Empty>}</Panel>
        </>
      ) : null}
    </Fresh>
  );
}

function JobActions({ job }: { job: JobDetailDoc }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const [note, setNote] = useState<string | null>(null);
  const [priority, setPriority] = useState<"high" | "normal" | "low">("high");
  const act = useMutation({
    mutationFn: (body: { action: string; priority?: string }) => fetchJson<JobActionResult>(`/api/jobs/${encodeURIComponent(job.id)}`, { method: "POST", body, csrf: session.csrf }),
    onSuccess: (r) => setNote(`${r.action}: now ${r.state}`),
    onError: (e) => setNote(e.message),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.jobs.all() }),
  });
  if (!roleAllows(session.role, "operator")) return <span className="muted small">viewers cannot act</span>;
  const s = job.state;
  const waiting = s === "waiting" || s === "wait" || s === "prioritized" || s === "delayed";
  const ask = (what: string) => () => ({ message: <>{what} job <span className="mono">{job.id}</span>?</> });
  return (
    <div className="row">
      {note ? <span className="small muted" role="status">{note}</span> : null}
      <ConfirmButton label="Retry" title="Retry this job" disabled={s !== "failed" || act.isPending} prepare={ask("Retry the failed")} onConfirm={() => act.mutate({ action: "retry" })} />
      <ConfirmButton label="Promote" title="Run it now" disabled={s !== "delayed" || act.isPending} prepare={ask("Run the delayed")} onConfirm={() => act.mutate({ action: "promote" })} />
      <select aria-label="new priority" value={priority} onChange={(e) => setPriority(e.target.value as "high" | "normal" | "low")} disabled={!waiting}>
        <option value="high">high</option><option value="normal">normal</option><option value="low">low</option>
      </select>
      <ConfirmButton label="Reprioritize" title="Change its priority" disabled={!waiting || act.isPending} prepare={ask(`Give priority ${priority} to`)}
        onConfirm={() => act.mutate({ action: "reprioritize", priority })} />
      <ConfirmButton label="Remove" title="Remove this job" className="btn btn-small btn-danger" disabled={s === "active" || act.isPending}
        prepare={ask("Remove (delete) the")} onConfirm={() => act.mutate({ action: "remove" })} />
    </div>
  );
}
