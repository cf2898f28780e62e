"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import type { TreeDoc } from "@fanout/jobs/tree/tree";
import { formatDateTime } from "../lib/format.ts";
import { formatClock, formatCount } from "../lib/overview-data.ts";
import { useAccountTrees, useTree } from "../lib/queries.ts";
import { Fresh } from "./freshness.tsx";
import { Empty, Panel } from "./panel.tsx";
import { RequeueButton } from "./trees/requeue-button.tsx";
import { TreeVisualizer } from "./trees/visualizer.tsx";
import { StatePill } from "./ui/bits.tsx";

/** One box: a tree id, or an account (NETWORK:ID) for its latest syncs. */
export function TreeSearch({ value }: { value: string }) {
  const router = useRouter();
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get("q") ?? "").trim();
    router.push(!v ? "/trees" : v.includes(":") ? `/trees?account=${encodeURIComponent(v)}` : `/trees?id=${encodeURIComponent(v)}`);
  }
  return (
    <form className="filters" onSubmit={submit} aria-label="Find a tree">
      <input name="q" defaultValue={value} placeholder="tree id, or network:account" aria-label="tree id or account" maxLength={300} className="wide" />
      <button type="submit" className="btn btn-small">Find</button>
    </form>
  );
}

/** An account's latest syncs, newest first. */
export function AccountTrees({ account }: { account: string }) {
  const q = useAccountTrees(account);
  return (
    <Panel title={<>Syncs of <span className="mono id">{account}</span></>}>
      <Fresh query={q}>
        {q.data?.trees.length ? (
          <table className="table" data-testid="account-trees">
            <thead><tr><th>Tree</th><th>State</th><th className="r">Pending</th><th className="r">Running</th><th className="r">Done</th><th className="r">Failed</th><th className="r">Parked</th><th className="r">Started</th></tr></thead>
            <tbody>{q.data.trees.map((t) => (
              <tr key={t.treeId}>
                <td className="mono"><Link href={`/trees?id=${encodeURIComponent(t.treeId)}`}>{t.treeId}</Link></td><td><StatePill state={t.state} /></td>
                <td className="r num">{formatCount(t.counts.pending)}</td><td className="r num">{formatCount(t.counts.running)}</td>
                <td className="r num">{formatCount(t.counts.done)}</td><td className={`r num ${t.counts.failed ? "text-bad" : ""}`}>{formatCount(t.counts.failed)}</td>
                <td className="r num">{formatCount(t.counts.parked)}</td><td className="r num muted">{formatDateTime(t.at)}</td>
              </tr>
            ))}</tbody>
          </table>
        ) : <Empty>No sync of {account} is kept (none ran, or they expired).</Empty>}
      </Fresh>
    </Panel>
  );
}

export function TreeDetail({ id }: { id: string }) {
  const tree = useTree(id);
  const doc = tree.data;
  return (
    <Fresh query={tree}>
      {doc ? (doc.state === "unknown" ? <Panel title={<>Tree <span className="mono id">{id}</span></>}><Empty>No tree {id}: it does not exist, or it expired.</Empty></Panel> : (
        <>
          <Panel title={<>Tree <span className="mono id">{doc.treeId}</span></>} actions={<RequeueButton treeId={doc.treeId} failed={doc.counts.failed} />}><TreeSummary doc={doc} /></Panel>
          <Panel title="Dependency tree" actions={<span className="muted small">sync → accounts → pages · expands on demand, a page at a time</span>}>
            <TreeVisualizer doc={doc} />
          </Panel>
          <Panel title={`Failed pages${doc.failed.length ? ` (first ${doc.failed.length})` : ""}`}><FailedTable doc={doc} /></Panel>
        </>
      )) : null}
    </Fresh>
  );
}

function TreeSummary({ doc }: { doc: TreeDoc }) {
  const c = doc.counts;
  return (
    <div className="tree-summary" data-testid="tree-summary">
      <StatePill state={doc.state} testId="tree-state" />
      {doc.cancelled ? <span className="pill pill-warn">cancelled</span> : null}
      {(["pending", "running", "delayed", "parked", "done", "failed"] as const).map((k) => (
        <span key={k} className="kv" data-count={k}><span className="muted">{k}</span> <b className={`num ${k === "failed" && c[k] ? "text-bad" : ""}`}>{formatCount(c[k] ?? 0)}</b></span>
      ))}
      {doc.nodes ? <span className="kv"><span className="muted">accounts done</span> <b className="num">{formatCount(doc.nodes.done)}/{formatCount(doc.nodes.total)}</b></span> : null}
      {doc.priority ? <span className="kv"><span className="muted">priority</span> <b>{doc.priority}</b></span> : null}
      {doc.createdAt ? <span className="kv muted">started {formatClock(doc.createdAt)}</span> : null}
      {doc.settledAt ? <span className="kv muted">settled {formatClock(doc.settledAt)}</span> : null}
    </div>
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
            <td className="mono small">{f.node}</td><td className="mono">{f.page}</td>
            <td><span className="pill pill-bad">{f.kind}</span></td><td className="muted details small">{f.error}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
