"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { JobRow } from "../../lib/api-types.ts";
import { ago } from "../../lib/live-status.ts";
import { priorityName } from "../../lib/jobs-data.ts";
import { formatCount, toDepthRows } from "../../lib/overview-data.ts";
import { JOB_PAGE, useJobList, useStats } from "../../lib/queries.ts";
import { Fresh } from "../freshness.tsx";
import { Empty, Panel } from "../panel.tsx";
import { Segmented, StatePill } from "../ui/bits.tsx";
import { useNow } from "../ui/use-now.ts";

export const QUEUE_NAMES = ["interactive", "default", "whales", "trickle", "system"] as const;
export const STATES = ["wait", "prioritized", "active", "delayed", "failed", "completed"] as const;

/**
 * A queue's jobs in one state, a page at a time by index (BullMQ ranges its own lists and sorted sets): the page
 * after a million costs what the first does. "Go to" jumps to any position.
 */
export function JobBrowser({ queue: q0, state: s0, start: start0 }: { queue: string; state: string; start: number }) {
  const router = useRouter();
  const [queue, setQueue] = useState(q0);
  const [state, setState] = useState(s0);
  const [start, setStart] = useState(start0);
  const stats = useStats();
  const list = useJobList(queue, state, start);
  const counts = stats.data ? toDepthRows(stats.data).find((r) => r.queue === queue) : undefined;
  const go = (q: string, st: string, at: number) => {
    setQueue(q); setState(st); setStart(at);
    router.replace(`/queues?queue=${q}&state=${st}${at ? `&start=${at}` : ""}`, { scroll: false });
  };
  const total = list.data?.total ?? 0;
  return (
    <Panel title="Jobs" actions={<Segmented label="Queue" value={queue} options={QUEUE_NAMES.map((n) => ({ value: n, label: n }))} onChange={(v) => go(v, state, 0)} />}>
      <div className="toolbar">
        <Segmented label="State" value={state} onChange={(v) => go(queue, v, 0)} options={STATES.map((s) => ({
          value: s, label: <>{s} <span className="num muted">{counts ? formatCount(counts[s]) : ""}</span></>,
        }))} />
        <JumpTo total={total} onJump={(i) => go(queue, state, i)} />
      </div>
      <Fresh query={list}>
        {list.data?.jobs.length ? <JobTable rows={list.data.jobs} /> : <Empty>No {state} jobs in {queue}.</Empty>}
        <div className="pager">
          <button type="button" className="btn btn-small" disabled={start === 0} onClick={() => go(queue, state, 0)}>First</button>
          <button type="button" className="btn btn-small" disabled={start === 0} onClick={() => go(queue, state, Math.max(0, start - JOB_PAGE))}>Previous</button>
          <span className="muted small num" data-testid="job-range">{total ? `${formatCount(start + 1)}–${formatCount(Math.min(total, start + JOB_PAGE))} of ${formatCount(total)}` : "0 of 0"}</span>
          <button type="button" className="btn btn-small" disabled={list.data?.next == null} onClick={() => go(queue, state, list.data?.next ?? start)}>Next</button>
        </div>
      </Fresh>
    </Panel>
  );
}

function JumpTo({ total, onJump }: { total: number; onJump: (index: number) => void }) {
  return (
    <form className="filters" aria-label="Go to position" onSubmit={(e) => {
      e.preventDefault();
      const n = Number(new FormData(e.currentTarget).get("at"));
      if (Number.isInteger(n) && n >= 1) onJump(Math.min(Math.max(0, total - 1), n - 1));
    }}>
      <input name="at" type="number" min={1} placeholder="position" aria-label="position" className="narrow" />
      <button type="submit" className="btn btn-small">Go to</button>
    </form>
  );
}

export function JobTable({ rows }: { rows: JobRow[] }) {
  const now = useNow(5_000);
  return (
    <table className="table" data-testid="jobs-table">
      <thead>
        <tr><th>Job</th><th>State</th><th>Account</th><th>Page</th><th>Priority</th><th className="r">Attempts</th><th className="r">Added</th><th>Error</th></tr>
      </thead>
      <tbody>
        {rows.map((j) => (
          <tr key={j.id} data-job={j.id}>
            <td className="mono small"><Link href={`/jobs/${encodeURIComponent(j.id)}`}>{j.id}</Link></td>
            <td><StatePill state={j.state} /></td>
            <td className="mono small">{j.account ? <Link href={`/accounts?account=${encodeURIComponent(j.account)}`}>{j.account}</Link> : "—"}</td>
            <td className="mono small">{j.page ?? "—"}</td>
            <td>{priorityName(j.priority)}</td>
            <td className="r num">{j.attemptsMade}</td>
            <td className="r num muted">{ago(now, j.timestamp)}</td>
            <td className="muted small details clip">{j.failedReason ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
