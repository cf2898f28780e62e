import type { BenchEngine } from "./workers.ts";

/**
 * A sync tree of any size written directly with engine.tree APIs (no simnet, no workers): every node pending with
 * one leaf `s0`, every 10th done, and the same `failed` pages failed whatever the size, so a big and a small tree
 * differ only in node count. Used by tree-read and console.
 */
export async function buildTree(engine: BenchEngine, treeId: string, nodes: number, failed = 50): Promise<void> {
  const ids = Array.from({ length: nodes }, (_, i) => `twitter:acct${i}`);
  for (let i = 0; i < nodes; i += 20_000) {
    // create() takes the whole node list; build big trees in one call per 20,000 so one MULTI stays bounded.
    const slice = ids.slice(i, i + 20_000).map((node) => ({ node, firstLeaf: "s0" }));
    if (i === 0) await engine.tree.create(treeId, slice, { accounts: "[]", priority: "normal" });
    else await appendNodes(engine, treeId, slice, i);
  }
  const done = ids.filter((_, i) => i % 10 === 1);
  for (let i = 0; i < done.length; i += 500) {
    await Promise.all(done.slice(i, i + 500).map(async (node) => {
      await engine.tree.setState(treeId, node, "s0", "running");
      await engine.tree.done(treeId, node, "s0", { ids: [], successors: ["p0"], total: 1_000 });
    }));
  }
  await Promise.all(ids.filter((_, i) => i % 10 === 2).slice(0, failed).map((node) =>
    engine.tree.fail(treeId, node, "s0", { error: "HTTP 500 (bench)", kind: "transient" })));
}

/** More nodes for a tree create() started: the same keys create() writes, so reads see one tree. */
async function appendNodes(engine: BenchEngine, treeId: string, nodes: { node: string; firstLeaf: string }[], offset: number): Promise<void> {
  const { keys, redis } = engine;
  const m = redis.multi();
  m.hincrby(keys.treeCounts(treeId), "pending", nodes.length);
  for (const f of ["nodesTotal", "nodesOpen"]) m.hincrby(keys.treeCounts(treeId), f, nodes.length);
  nodes.forEach(({ node, firstLeaf }, i) => {
    m.zadd(keys.treeNodes(treeId), offset + i, node);
    m.hset(keys.treeNode(treeId, node), { pending: 1, running: 0, done: 0, failed: 0, parked: 0, delayed: 0, state: "pending", pages: 0 });
    m.hset(keys.treeLeaves(treeId, node), firstLeaf, "pending");
  });
  await m.exec();
}
