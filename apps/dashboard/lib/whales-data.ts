import type { NodeDoc } from "@fanout/jobs/tree/tree";

/**
 * A whale's progress and ETA. Progress is the account's node in its latest sync: pages stored against the pages its
 * follower total needs (total ÷ page size). The ETA is the pages left at the rate the limiter allows that account
 * now, so it moves when limits or the adaptive rate do.
 */
export interface Progress {
  done: number; total: number | null; fraction: number | null; state: string;
  /** Pages still to fetch; null when unknown, or when the sync stopped (settled partial or failed: nothing more will run). */
  left: number | null;
}

const STOPPED = new Set(["partial", "failed"]);

export function whaleProgress(node: Pick<NodeDoc, "pages" | "total" | "state"> | null, pageSize: number): Progress | null {
  if (!node) return null;
  const total = node.total !== null && pageSize > 0 ? Math.max(1, Math.ceil(node.total / pageSize)) : null;
  if (node.state === "done") return { done: node.pages, total: total ?? node.pages, left: 0, fraction: 1, state: node.state };
  const done = total === null ? node.pages : Math.min(node.pages, total);
  const left = total === null || STOPPED.has(node.state) ? null : Math.max(0, total - done);
  return { done, total, left, fraction: total === null ? null : done / total, state: node.state };
}

/** ms to finish `left` pages at `perSecond`; null when either is unknown or nothing is allowed. */
export function etaMs(left: number | null, perSecond: number): number | null {
  if (left === null || !(perSecond > 0)) return null;
  return (left / perSecond) * 1_000;
}
