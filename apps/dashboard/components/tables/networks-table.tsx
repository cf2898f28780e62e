"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson } from "../../lib/fetch-json.ts";
import { formatCount, type NetworkRow } from "../../lib/overview-data.ts";
import { roleAllows } from "../../lib/roles.ts";
import { useConsoleSession } from "../providers.tsx";
import { StatePill } from "../ui/bits.tsx";

/** Per network: jobs flowing or paused, the breaker, errors in the last hour by kind; with `actions`, pause/resume. */
export function NetworksTable({ rows, actions = false, selected }: { rows: NetworkRow[]; actions?: boolean; selected?: string }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const canAct = roleAllows(session.role, "operator");
  const pause = useMutation({
    mutationFn: (v: { network: string; paused: boolean }) =>
      fetchJson(`/api/networks/${encodeURIComponent(v.network)}/pause`, { method: "POST", body: { paused: v.paused }, csrf: session.csrf }),
    onSettled: () => qc.invalidateQueries(),
  });
  return (
    <>
      <table className="table" data-testid="networks-table">
        <thead>
          <tr><th>Network</th><th>Jobs</th><th>Breaker</th><th className="r">Errors (1 h)</th><th>By kind</th>{actions ? <th className="r">Action</th> : null}</tr>
        </thead>
        <tbody>
          {rows.map((n) => (
            <tr key={n.network} data-network={n.network} className={selected === n.network ? "row-selected" : undefined}>
              <td className="mono"><Link href={`/networks?network=${n.network}`}>{n.network}</Link></td>
              <td><StatePill state={n.paused ? "paused" : "flowing"} /></td>
              <td><StatePill state={n.breaker} /></td>
              <td className={`r num ${n.errors ? "text-bad" : ""}`}>{formatCount(n.errors)}</td>
              <td>
                <div className="kinds">
                  {n.byKind.length ? n.byKind.map(([k, v]) => <span key={k} className="kind">{k} <b className="num">{formatCount(v)}</b></span>) : <span className="muted">none</span>}
                </div>
              </td>
              {actions ? (
                <td className="r">
                  <button type="button" className="btn btn-small" disabled={!canAct || pause.isPending} title={canAct ? undefined : "viewers cannot act"}
                    onClick={() => pause.mutate({ network: n.network, paused: !n.paused })}>
                    {n.paused ? "Resume network" : "Pause network"}
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
