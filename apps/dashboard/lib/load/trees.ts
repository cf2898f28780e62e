import type { AccountTreesDoc, LeavesDoc, NodeFailuresDoc } from "../api-types.ts";
import { services } from "../services.ts";

/** An account's latest syncs with their states: 1 ZREVRANGE, then one pipelined read per tree (≤ 20). */
export async function loadAccountTrees(account: string): Promise<AccountTreesDoc> {
  const s = services();
  const trees = await s.queries.treesOfAccount(s.engine, account, 20);
  const docs = await Promise.all(trees.map((t) => s.engine.tree.read(t.treeId, 1)));
  return { account, trees: trees.map((t, i) => ({ ...t, state: docs[i]?.state ?? "unknown", counts: docs[i]?.counts ?? { pending: 0, running: 0, done: 0, failed: 0, parked: 0, delayed: 0 } })) };
}

/**
 * One page of a node's pages (HSCAN COUNT limit) with the errors of the failed ones (1 HMGET): a node of 100,000
 * pages opens as fast as one of ten.
 */
export async function loadLeaves(treeId: string, node: string, cursor: string, limit: number): Promise<LeavesDoc> {
  const s = services();
  const page = await s.engine.tree.leaves(treeId, node, cursor, limit);
  const failures = await s.queries.leafFailures(s.engine, treeId, node, page.leaves.filter((l) => l.state === "failed").map((l) => l.page));
  const byPage = new Map(failures.map((f) => [f.page, f]));
  return {
    node, next: page.next,
    leaves: page.leaves.map((l) => {
      const f = byPage.get(l.page);
      return f ? { ...l, error: f.error, kind: f.kind } : l;
    }),
  };
}

/** A node's failed pages with their errors (≤ 20), for a failed branch the visualizer highlights. */
export async function loadNodeFailures(treeId: string, node: string): Promise<NodeFailuresDoc> {
  const s = services();
  const failures = await s.queries.failedOfNode(s.engine, treeId, node, 20);
  return { node, failures: failures.map(({ page, error, kind, at }) => ({ page, error, kind, at })) };
}
