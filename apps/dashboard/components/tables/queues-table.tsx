"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "../../lib/fetch-json.ts";
import { formatCount, type DepthRow } from "../../lib/overview-data.ts";
import { qk } from "../../lib/query-keys.ts";
import { roleAllows } from "../../lib/roles.ts";
import { useConsoleSession } from "../providers.tsx";

export function QueuesTable({ rows, actions = false }: { rows: DepthRow[]; actions?: boolean }) {
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
            <th className="r">Delayed</th><th className="r">Failed</th><th className="r">Completed</th>{actions ? <th className="r">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.queue} data-queue={r.queue}>
              <td className="mono">{r.queue}</td>
              <td>{r.paused ? <span className="pill pill-warn">paused</span> : <span className="pill pill-ok">running</span>}</td>
              <td className="r num">{formatCount(r.wait)}</td>
              <td className="r num">{formatCount(r.prioritized)}</td>
              <td className="r num">{formatCount(r.active)}</td>
              <td className="r num">{formatCount(r.delayed)}</td>
              <td className={`r num ${r.failed ? "text-bad" : ""}`}>{formatCount(r.failed)}</td>
              <td className="r num muted">{formatCount(r.completed)}</td>
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
