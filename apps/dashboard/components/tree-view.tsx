"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { TreeDoc } from "@fanout/jobs/tree/tree";
import { fetchJson } from "../lib/fetch-json.ts";
import { formatClock, formatCount } from "../lib/overview-data.ts";
import { TREE_PAGE, useTree, useTreeNodes } from "../lib/queries.ts";
import { qk } from "../lib/query-keys.ts";
import { roleAllows } from "../lib/roles.ts";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";
import { useConsoleSession } from "./providers.tsx";

const STATE_TONE: Record<string, string> = { done: "pill-ok", running: "pill-ok", pending: "pill-muted", partial: "pill-warn", failed: "pill-bad", unknown: "pill-muted", committing: "pill-ok" };

export function TreeSearch({ id }: { id: string }) {
  const router = useRouter();
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get("id") ?? "").trim();
    router.push(v ? `/trees?id=${encodeURIComponent(v)}` : "/trees");
  }
  return (
    <form className="filters" onSubmit={submit} aria-label="Find a tree">
      <input name="id" defaultValue={id} placeholder="tree id" aria-label="tree id" maxLength={128} className="wide" />
      <button type="submit" className="btn btn-small">Find</button>
    </form>
  );
}

export function TreeDetail({ id }: { id: string }) {
  const tree = useTree(id);
  const doc = tree.data;
  return (
    <Fresh query={tree}>
      {doc ? (doc.state === "unknown" ? <Panel title={<>Tree <span className="mono id">{id}</span></>}><Empty>No tree {id}: it does not exist, or it expired.</Empty></Panel> : (
        <>
          <Panel title={<>Tree <span className="mono id">{doc.treeId}</span></>} actions={<RequeueButton doc={doc} />}><TreeSummary doc={doc} /></Panel>
          <div className="grid-2">
            <Panel title="Accounts (nodes)"><NodePages id={id} /></Panel>
            <Panel title={`Failed pages (first ${doc.failed.length})`}><FailedTable doc={doc} /></Panel>
          </div>
        </>
      )) : null}
    </Fresh>
  );
}

function TreeSummary({ doc }: { doc: TreeDoc }) {
  const c = doc.counts;
  return (
    <div className="tree-summary" data-testid="tree-summary">
      <span className={`pill ${STATE_TONE[doc.state] ?? "pill-muted"}`} data-testid="tree-state">{doc.state}{doc.cancelled ? " (cancelled)" : ""}</span>
      {(["pending", "running", "delayed", "parked", "done", "failed"] as const).map((k) => (
        <span key={k} className="kv"><span className="muted">{k}</span> <b className="num">{formatCount(c[k] ?? 0)}</b></span>
      ))}
      {doc.nodes ? <span className="kv"><span className="muted">accounts</span> <b className="num">{formatCount(doc.nodes.done)}/{formatCount(doc.nodes.total)}</b></span> : null}
      {doc.createdAt ? <span className="kv muted">started {formatClock(doc.createdAt)}</span> : null}
      {doc.settledAt ? <span className="kv muted">settled {formatClock(doc.settledAt)}</span> : null}
    </div>
  );
}

function NodePages({ id }: { id: string }) {
  const [cursor, setCursor] = useState(0);
  const nodes = useTreeNodes(id, cursor);
  const rows = nodes.data?.nodes ?? [];
  return (
    <>
      {rows.length ? (
        <table className="table">
          <thead><tr><th>Account</th><th>State</th><th className="r">Pages</th><th className="r">Done</th><th className="r">Failed</th><th className="r">Total</th></tr></thead>
          <tbody>
            {rows.map((n) => (
              <tr key={n.node}>
                <td className="mono">{n.node}</td>
                <td><span className={`pill ${STATE_TONE[n.state] ?? "pill-muted"}`}>{n.state}</span>{n.anomaly ? <span className="muted small"> {n.anomaly}</span> : null}</td>
                <td className="r num">{formatCount(n.pages)}</td>
                <td className="r num">{formatCount(n.counts.done)}</td>
                <td className={`r num ${n.counts.failed ? "text-bad" : ""}`}>{formatCount(n.counts.failed)}</td>
                <td className="r num muted">{n.total === null ? "—" : formatCount(n.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <Empty>{nodes.isPending ? "Loading…" : "No nodes."}</Empty>}
      <div className="pager">
        <button type="button" className="btn btn-small" disabled={cursor === 0} onClick={() => setCursor(Math.max(0, cursor - TREE_PAGE))}>Previous</button>
        <span className="muted small num">{cursor + 1}–{cursor + rows.length}</span>
        <button type="button" className="btn btn-small" disabled={nodes.data?.next == null} onClick={() => setCursor(nodes.data?.next ?? cursor)}>Next</button>
      </div>
    </>
  );
}

function FailedTable({ doc }: { doc: TreeDoc }) {
  if (!doc.failed.length) return <Empty>No failed pages.</Empty>;
  return (
    <table className="table" data-testid="failed-table">
      <thead><tr><th>Account</th><th>Page</th><th>Kind</th><th>Error</th></tr></thead>
      <tbody>
        {doc.failed.map((f) => (
          <tr key={`${f.node}|${f.page}`}>
            <td className="mono">{f.node}</td><td className="mono">{f.page}</td>
            <td><span className="pill pill-bad">{f.kind}</span></td><td className="muted details">{f.error}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RequeueButton({ doc }: { doc: TreeDoc }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const [note, setNote] = useState<string | null>(null);
  const requeue = useMutation({
    mutationFn: () => fetchJson<{ treeId: string; requeued: number }>(`/api/trees/${encodeURIComponent(doc.treeId)}/requeue`, { method: "POST", csrf: session.csrf }),
    onSuccess: (r) => setNote(`${r.requeued} page${r.requeued === 1 ? "" : "s"} requeued`),
    onError: (e) => setNote(e.message),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.trees.doc(doc.treeId) }),
  });
  const failed = doc.counts.failed;
  return (
    <div className="row">
      {note ? <span className="small muted" role="status">{note}</span> : null}
      <button type="button" className="btn btn-small" disabled={!failed || !roleAllows(session.role, "operator") || requeue.isPending}
        onClick={() => { if (window.confirm(`Requeue the ${failed} failed page${failed === 1 ? "" : "s"} of ${doc.treeId}?`)) requeue.mutate(); }}>
        Requeue failed ({formatCount(failed)})
      </button>
    </div>
  );
}
