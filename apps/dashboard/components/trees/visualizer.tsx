"use client";
import { useState } from "react";
import type { NodeDoc, TreeDoc } from "@fanout/jobs/tree/tree";
import { formatCount } from "../../lib/overview-data.ts";
import { TREE_PAGE, useLeaves, useNodeFailures, useTreeNodes } from "../../lib/queries.ts";
import { Empty } from "../panel.tsx";
import { RequeueButton } from "./requeue-button.tsx";
import { StatePill } from "../ui/bits.tsx";

/**
 * The dependency tree: the sync at the root, its account nodes a page at a time (TREE_PAGE per request), and under an
 * expanded node its pages, a page of pages at a time (HSCAN). Nothing is fetched before it is opened, so a
 * 100,000-node tree opens as fast as a small one. Nodes with failed pages are marked and list their errors.
 */
export function TreeVisualizer({ doc }: { doc: TreeDoc }) {
  const [cursor, setCursor] = useState(0);
  const nodes = useTreeNodes(doc.treeId, cursor);
  const rows = nodes.data?.nodes ?? [];
  const total = doc.nodes?.total ?? rows.length;
  return (
    <div className="tree" data-testid="tree-visualizer">
      <div className={`tree-root ${doc.counts.failed ? "is-failed" : ""}`}>
        <span className="tree-glyph" aria-hidden>◆</span>
        <span className="mono">{doc.treeId}</span> <StatePill state={doc.state} />
        <span className="muted small">{formatCount(total)} account{total === 1 ? "" : "s"}</span>
      </div>
      <ul className="tree-children">
        {rows.map((n) => <NodeItem key={n.node} treeId={doc.treeId} n={n} />)}
      </ul>
      {rows.length === 0 ? <Empty>{nodes.isPending ? "Loading…" : "No nodes."}</Empty> : null}
      {total > TREE_PAGE ? (
        <div className="pager">
          <button type="button" className="btn btn-small" disabled={cursor === 0} onClick={() => setCursor(Math.max(0, cursor - TREE_PAGE))}>Previous</button>
          <span className="muted small num">accounts {formatCount(cursor + 1)}–{formatCount(cursor + rows.length)} of {formatCount(total)}</span>
          <button type="button" className="btn btn-small" disabled={nodes.data?.next == null} onClick={() => setCursor(nodes.data?.next ?? cursor)}>Next</button>
        </div>
      ) : null}
    </div>
  );
}

function NodeItem({ treeId, n }: { treeId: string; n: NodeDoc }) {
  const [open, setOpen] = useState(false);
  const failed = n.counts.failed;
  return (
    <li className={`tree-node ${failed ? "is-failed" : ""}`} data-node={n.node} data-state={n.state}>
      <div className="tree-row">
        <button type="button" className="tree-toggle" aria-expanded={open} aria-label={`${open ? "collapse" : "expand"} ${n.node}`} onClick={() => setOpen(!open)}>{open ? "▾" : "▸"}</button>
        <span className="mono tree-name" title={n.node}>{n.node}</span>
        <span><StatePill state={n.state} /></span>
        <LeafBar counts={n.counts} />
        <span className="tree-counts small">
          <span>stored <b className="num">{formatCount(n.counts.done)}</b></span>
          {(["pending", "running", "delayed", "parked"] as const).map((k) => (n.counts[k] ? <span key={k}>{k} <b className="num">{formatCount(n.counts[k])}</b></span> : null))}
          {failed ? <span className="text-bad">failed <b className="num">{formatCount(failed)}</b></span> : null}
          <span className="muted">followers {n.total === null ? "?" : formatCount(n.total)}</span>
        </span>
        <span className="tree-action">{failed ? <RequeueButton treeId={treeId} failed={failed} node={n.node} /> : null}</span>
      </div>
      {n.anomaly ? <div className="tree-note small text-warn">{n.anomaly}</div> : null}
      {failed ? <NodeFailures treeId={treeId} node={n.node} /> : null}
      {open ? <Leaves treeId={treeId} node={n.node} /> : null}
    </li>
  );
}

/** The node's known pages by state, as one stacked bar (pages are discovered as paging proceeds). */
function LeafBar({ counts }: { counts: NodeDoc["counts"] }) {
  const parts = [["done", counts.done], ["running", counts.running], ["pending", counts.pending], ["delayed", counts.delayed + counts.parked], ["failed", counts.failed]] as const;
  const total = parts.reduce((n, [, v]) => n + v, 0);
  return (
    <span className="leafbar" title={parts.map(([k, v]) => `${k} ${v}`).join(" · ")} aria-hidden>
      {parts.map(([k, v]) => (v ? <i key={k} className={`leafbar-${k}`} style={{ width: `${(v / Math.max(1, total)) * 100}%` }} /> : null))}
    </span>
  );
}

function NodeFailures({ treeId, node }: { treeId: string; node: string }) {
  const q = useNodeFailures(treeId, node, true);
  if (!q.data?.failures.length) return null;
  return (
    <ul className="tree-errors" data-testid="node-failures">
      {q.data.failures.slice(0, 5).map((f) => (
        <li key={f.page}><span className="mono">{f.page}</span> <span className="pill pill-bad">{f.kind}</span> <span className="small">{f.error}</span></li>
      ))}
      {q.data.failures.length > 5 ? <li className="muted small">… and more (see Failed pages)</li> : null}
    </ul>
  );
}

/** A node's pages as chips, one HSCAN page at a time; the cursor stack lets "Back" return. */
function Leaves({ treeId, node }: { treeId: string; node: string }) {
  const [stack, setStack] = useState<string[]>(["0"]);
  const cursor = stack[stack.length - 1] ?? "0";
  const q = useLeaves(treeId, node, cursor);
  const leaves = q.data?.leaves ?? [];
  return (
    <div className="tree-leaves" data-testid="tree-leaves">
      {leaves.length ? (
        <div className="chips">
          {leaves.map((l) => (
            <span key={l.page} className={`chip chip-${l.state}`} title={l.error ? `${l.kind}: ${l.error}` : l.state} data-page={l.page} data-state={l.state}>{l.page}</span>
          ))}
        </div>
      ) : <span className="muted small">{q.isPending ? "Loading pages…" : "No pages."}</span>}
      {stack.length > 1 || q.data?.next ? (
        <div className="row small">
          <button type="button" className="btn btn-tiny" disabled={stack.length < 2} onClick={() => setStack(stack.slice(0, -1))}>Back</button>
          <button type="button" className="btn btn-tiny" disabled={!q.data?.next} onClick={() => setStack([...stack, q.data?.next ?? "0"])}>More pages</button>
        </div>
      ) : null}
    </div>
  );
}
