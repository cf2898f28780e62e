"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fetchJson } from "../lib/fetch-json.ts";
import { countdown, formatDateTime } from "../lib/format.ts";
import { describeWindow } from "../lib/limits-data.ts";
import { useSchedules } from "../lib/queries.ts";
import { qk } from "../lib/query-keys.ts";
import { roleAllows } from "../lib/roles.ts";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";
import { useConsoleSession } from "./providers.tsx";
import { ConfirmButton } from "./ui/confirm.tsx";
import { useNow } from "./ui/use-now.ts";

/** Code-defined schedules (fanout.config.ts and the built-in trickle tick) with their next run; run one now. */
export function SchedulesView() {
  const q = useSchedules();
  const session = useConsoleSession();
  const qc = useQueryClient();
  const now = useNow();
  const [note, setNote] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (name: string) => fetchJson<{ name: string; jobId: string }>(`/api/schedules/${encodeURIComponent(name)}/run`, { method: "POST", csrf: session.csrf }),
    onSuccess: (r) => setNote(`${r.name} queued (job ${r.jobId})`),
    onError: (e) => setNote(e.message),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.schedules() }),
  });
  const canAct = roleAllows(session.role, "operator");
  return (
    <Panel title="Schedules" actions={note ? <span className="small" role="status">{note}</span> : <span className="muted small">defined in code, reconciled by every worker at start</span>}>
      <Fresh query={q}>
        {q.data?.schedules.length ? (
          <table className="table" data-testid="schedules-table">
            <thead><tr><th>Name</th><th>Action</th><th>When</th><th className="r">Next run</th><th className="r">In</th><th className="r" /></tr></thead>
            <tbody>{q.data.schedules.map((s) => (
              <tr key={s.name} data-schedule={s.name}>
                <td className="mono">{s.name}</td>
                <td>{s.action}</td>
                <td className="mono">{s.every !== null ? `every ${describeWindow(s.every)}` : `cron ${s.cron ?? ""}`}</td>
                <td className="r num">{s.next ? formatDateTime(s.next) : <span className="muted">not scheduled (no worker started yet)</span>}</td>
                <td className="r num">{s.next ? countdown(s.next, now) : "—"}</td>
                <td className="r">
                  <ConfirmButton label="Run now" title={`Run ${s.name} now`} disabled={!canAct || run.isPending}
                    prepare={() => ({ message: <p>Queue one run of <span className="mono">{s.name}</span> ({s.action}) now? Its regular runs are unchanged.</p> })}
                    onConfirm={() => run.mutate(s.name)} />
                </td>
              </tr>
            ))}</tbody>
          </table>
        ) : <Empty>No schedules.</Empty>}
      </Fresh>
    </Panel>
  );
}
