"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson } from "../../lib/fetch-json.ts";
import { formatDuration } from "../../lib/format.ts";
import { formatCount, type DepthRow } from "../../lib/overview-data.ts";
import { qk } from "../../lib/query-keys.ts";
import { roleAllows } from "../../lib/roles.ts";
import { useConsoleSession } from "../providers.tsx";

/** Per queue: counts by state, wait p95 (when known), a link to its jobs, and (with `actions`) pause/resume. */
export function QueuesTable({ rows, actions = false, waitP95 }: { rows: DepthRow[]; actions?: boolean; waitP95?: Record<string, number> }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const canAct = roleAllows(session.role, "operator");
  const pause = useMutation({
    mutationFn: (v: { queue: string; paused: boolean }) =>
      fetchJson<{ target: string; paused: boolean }>(`/api/queues/${encodeURIComponent(v.queue)}/pause`, { method: "POST", body: { paused: v.paused }, csrf: session.csrf }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.stats() }),
  });
  return (
    <>
      <table className="table" data-testid="queues-table">
        <thead>
          <tr>
            <th>Queue</th><th>State</th><th className="r">Waiting</th><th className="r">Prioritized</th><th className="r">Active</th>
            <th className="r">Delayed</th><th className="r">Failed</th><th className="r">Completed</th>
            {waitP95 ? <th className="r">Wait p95 · 5 min</th> : null}
            {actions ? <th className="r">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.queue} data-queue={r.queue}>
              <td className="mono"><Link href={`/queues?queue=${r.queue}`}>{r.queue}</Link></td>
              <td>{r.paused ? <span className="pill pill-warn">paused</span> : <span className="pill pill-ok">running</span>}</td>
              <td className="r num">{formatCount(r.wait)}</td>
              <td className="r num">{formatCount(r.prioritized)}</td>
              <td className="r num">{formatCount(r.active)}</td>
              <td className="r num">{formatCount(r.delayed)}</td>
              <td className={`r num ${r.failed ? "text-bad" : ""}`}>{formatCount(r.failed)}</td>
              <td className="r num muted">{formatCount(r.completed)}</td>
              {waitP95 ? <td className="r num">{waitP95[r.queue] === undefined ? <span className="muted">—</span> : formatDuration(waitP95[r.queue] ?? 0)}</td> : null}
              {actions ? (
                <td className="r">
                  <button type="button" className="btn btn-small" disabled={!canAct || pause.isPending}
                    title={canAct ? undefined : "viewers cannot act"} onClick={() => pause.mutate({ queue: r.queue, paused: !r.paused })}>
                    {r.paused ? "Resume" : "Pause"}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {pause.isError ? <p className="form-error" role="alert">{pause.error.message}</p> : null}
    </>
  );
}
