"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { fetchJson } from "../lib/fetch-json.ts";
import { formatClock, formatCount } from "../lib/overview-data.ts";
import { useWhales } from "../lib/queries.ts";
import { qk } from "../lib/query-keys.ts";
import { roleAllows } from "../lib/roles.ts";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";
import { useConsoleSession } from "./providers.tsx";

interface MoveResult { account: string; whale: boolean; moved: number }

export function WhalesView() {
  const whales = useWhales();
  const session = useConsoleSession();
  const canAct = roleAllows(session.role, "operator");
  const qc = useQueryClient();
  const [result, setResult] = useState<string | null>(null);
  const move = useMutation({
    mutationFn: (v: { account: string; whale: boolean }) => fetchJson<MoveResult>("/api/whales", { method: "POST", body: v, csrf: session.csrf }),
    onSuccess: (r) => setResult(`${r.account} ${r.whale ? "moved to" : "moved out of"} the whale queue; ${r.moved} waiting job${r.moved === 1 ? "" : "s"} moved.`),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: qk.whales() }), qc.invalidateQueries({ queryKey: qk.stats() })]),
  });
  function submit(e: FormEvent<HTMLFormElement>, whale: boolean) {
    e.preventDefault();
    const account = String(new FormData(e.currentTarget).get("account") ?? "").trim();
    setResult(null);
    if (account && window.confirm(`${whale ? "Move" : "Move back"} ${account} and its waiting jobs ${whale ? "to" : "out of"} the whale queue?`)) move.mutate({ account, whale });
  }
  return (
    <div className="grid-2 grid-wide-left">
      <Panel title="Whales" actions={whales.data ? <span className="muted small">auto-flagged above {formatCount(whales.data.threshold)} followers</span> : null}>
        <Fresh query={whales}>
          {whales.data?.whales.length ? (
            <table className="table" data-testid="whales-table">
              <thead><tr><th>Account</th><th className="r">Size</th><th>Why</th><th className="r">Since</th><th className="r" /></tr></thead>
              <tbody>
                {whales.data.whales.map((w) => (
                  <tr key={w.account}>
                    <td className="mono">{w.account}</td>
                    <td className="r num">{w.size === null ? "—" : formatCount(w.size)}</td>
                    <td>{w.reason}{w.manual ? <span className="pill pill-muted tag">manual</span> : null}</td>
                    <td className="r num muted">{formatClock(w.at)}</td>
                    <td className="r">
                      <button type="button" className="btn btn-small" disabled={!canAct || move.isPending}
                        onClick={() => { if (window.confirm(`Move ${w.account} out of the whale queue?`)) move.mutate({ account: w.account, whale: false }); }}>
                        Move back
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <Empty>No whales: no account is in the whale queue.</Empty>}
        </Fresh>
      </Panel>
      <Panel title="Move an account">
        <form className="form" onSubmit={(e) => submit(e, (e.nativeEvent as SubmitEvent).submitter?.getAttribute("value") === "on")} aria-label="Move an account">
          <label><span>Account</span><input name="account" placeholder="twitter:12345" required maxLength={300} /></label>
          <div className="row">
            <button type="submit" value="on" className="btn btn-primary" disabled={!canAct || move.isPending}>To the whale queue</button>
            <button type="submit" value="off" className="btn" disabled={!canAct || move.isPending}>Back to default</button>
          </div>
          {move.isError ? <p className="form-error" role="alert">{move.error.message}</p> : null}
          {result ? <p className="form-ok" role="status">{result}</p> : null}
          <p className="muted small">Its waiting jobs move with it. Progress and ETA per whale arrive with the limiter read API.</p>
        </form>
      </Panel>
    </div>
  );
}
