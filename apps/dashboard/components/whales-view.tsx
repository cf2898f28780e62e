"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { WhaleRow } from "../lib/api-types.ts";
import { fetchJson } from "../lib/fetch-json.ts";
import { formatDateTime, formatDuration, formatPct, formatRate } from "../lib/format.ts";
import { formatCount } from "../lib/overview-data.ts";
import { useWhales } from "../lib/queries.ts";
import { roleAllows } from "../lib/roles.ts";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";
import { useConsoleSession } from "./providers.tsx";
import { ProgressBar, StatePill } from "./ui/bits.tsx";
import { ConfirmButton } from "./ui/confirm.tsx";

interface MoveResult { account: string; whale: boolean; moved: number }

/** Whales: size, progress of their current sync, ETA at the rate the limiter allows now, why flagged; move in/out. */
export function WhalesView() {
  const whales = useWhales();
  const session = useConsoleSession();
  const canAct = roleAllows(session.role, "operator");
  const qc = useQueryClient();
  const [result, setResult] = useState<string | null>(null);
  const move = useMutation({
    mutationFn: (v: { account: string; whale: boolean }) => fetchJson<MoveResult>("/api/whales", { method: "POST", body: v, csrf: session.csrf }),
    onSuccess: (r) => setResult(`${r.account} ${r.whale ? "moved to" : "moved out of"} the whale queue; ${r.moved} waiting job${r.moved === 1 ? "" : "s"} moved.`),
    onError: () => setResult(null),
    onSettled: () => qc.invalidateQueries(),
  });
  const [account, setAccount] = useState("");
  const threshold = whales.data?.threshold;
  return (
    <>
      <Panel title={`Whales (${whales.data?.whales.length ?? 0})`} actions={threshold !== undefined ? <span className="muted small" data-testid="whale-threshold">auto-flagged above <b className="num">{formatCount(threshold)}</b> followers</span> : null}>
        <Fresh query={whales}>
          {whales.data?.whales.length ? (
            <table className="table" data-testid="whales-table">
              <thead>
                <tr><th>Account</th><th className="r">Followers</th><th className="w-progress">Progress (pages)</th><th className="r">ETA</th><th>Allowed rate</th><th>Why</th><th>Queue</th><th className="r">Since</th><th className="r" /></tr>
              </thead>
              <tbody>{whales.data.whales.map((w) => <WhaleTr key={w.account} w={w} canAct={canAct} busy={move.isPending} onBack={() => move.mutate({ account: w.account, whale: false })} />)}</tbody>
            </table>
          ) : <Empty>No whales: no account is in the whale queue.</Empty>}
        </Fresh>
      </Panel>
      <Panel title="Move an account">
        <form className="filters" aria-label="Move an account" onSubmit={(e: FormEvent) => e.preventDefault()}>
          <label className="inline">Account<input name="account" placeholder="twitter:12345" required maxLength={300} value={account} onChange={(e) => setAccount(e.target.value.trim())} /></label>
          <ConfirmButton label="To the whale queue" title="Move to the whale queue" className="btn btn-small btn-primary" disabled={!canAct || !account || move.isPending}
            prepare={() => ({ message: <p>Move <span className="mono">{account}</span> and its waiting jobs to the whale queue? Its next pages go there too, until it is moved back.</p> })}
            onConfirm={() => { setResult(null); move.mutate({ account, whale: true }); }} />
          <ConfirmButton label="Back to default" title="Move back" disabled={!canAct || !account || move.isPending}
            prepare={() => ({ message: <p>Move <span className="mono">{account}</span> and its waiting jobs back to the default queue?</p> })}
            onConfirm={() => { setResult(null); move.mutate({ account, whale: false }); }} />
          <span className="muted small">Its waiting jobs move with it (ids are kept, so nothing runs twice).</span>
        </form>
        {move.isError ? <p className="form-error" role="alert">{move.error.message}</p> : null}
        {result ? <p className="form-ok" role="status">{result}</p> : null}
      </Panel>
    </>
  );
}

function WhaleTr({ w, canAct, busy, onBack }: { w: WhaleRow; canAct: boolean; busy: boolean; onBack: () => void }) {
  const p = w.progress;
  return (
    <tr data-account={w.account}>
      <td className="mono nowrap"><Link href={`/accounts?account=${encodeURIComponent(w.account)}`}>{w.account}</Link></td>
      <td className="r num">{w.size === null ? "—" : formatCount(w.size)}</td>
      <td>
        {p ? <ProgressBar fraction={p.fraction} label={<span data-testid="whale-progress">{formatCount(p.done)} / {p.total === null ? "?" : formatCount(p.total)} · {formatPct(p.fraction)}</span>} /> : <span className="muted">no sync yet</span>}
        {p && w.treeId ? <div className="small muted"><StatePill state={p.state} /> <Link href={`/trees?id=${encodeURIComponent(w.treeId)}`} className="mono">{w.treeId}</Link></div> : null}
      </td>
      <td className="r num" data-testid="whale-eta">{p?.left === 0 ? "done" : p && (p.state === "partial" || p.state === "failed") ? "stopped" : w.etaMs === null ? "—" : formatDuration(w.etaMs)}</td>
      <td className="small"><b className="num">{formatRate(w.rate.perSecond)}</b> <span className="muted">{w.rate.detail}</span></td>
      <td className="small">{w.reason}{w.manual ? <span className="pill pill-muted tag">manual</span> : <span className="pill pill-purple tag">auto</span>}</td>
      <td className="mono">{w.queue}</td>
      <td className="r num muted">{formatDateTime(w.at).slice(11)}</td>
      <td className="r">
        <ConfirmButton label="Move back" title="Move back" disabled={!canAct || busy} onConfirm={onBack}
          prepare={() => ({ message: <p>Move <span className="mono">{w.account}</span> and its waiting jobs out of the whale queue?</p> })} />
      </td>
    </tr>
  );
}
