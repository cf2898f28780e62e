import { treeDoc } from "@fanout/jobs/ops";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { commandStats, diffCommands, perUnit, round, totalCommands, wipePrefix } from "../lib/redis.ts";
import { percentile } from "../lib/stats.ts";
import type { Row } from "../lib/summary.ts";
import { buildTree } from "../lib/tree-build.ts";
import { benchEngine } from "../lib/workers.ts";

/**
 * Tree reads (issues 6 and 11): `treeDoc` (what `fanout tree` and the console print) and `engine.tree.children` (one
 * page of a tree's account nodes) on a 100-node and a 100,000-node tree, built directly with engine.tree.create and
 * leaf operations (some nodes done, the same 50 failed pages in both). Redis commands per call from INFO
 * commandstats, and p50/p95 latency; calls on the two trees alternate, so machine noise hits both alike.
 */
export const name = "tree-read";
export const title = "treeDoc / children cost on a 100-node vs a 100,000-node tree";

const FAILED = 50;
const PAGE = 50;

interface OpStats { p50: number; p95: number; mean: number; commandsPerCall: number; commands: Record<string, number> }

/** Runs `ops` (one per tree) alternately `iters` times each, after a warm-up; commandstats per op measured apart. */
async function measure(ctx: BenchContext, ops: (() => Promise<unknown>)[], iters: number): Promise<OpStats[]> {
  for (let i = 0; i < 20; i++) for (const op of ops) await op();
  const lat = ops.map(() => [] as number[]);
  for (let i = 0; i < iters; i++) {
    for (let k = 0; k < ops.length; k++) {
      const t = performance.now();
      await ops[k]?.();
      lat[k]?.push(performance.now() - t);
    }
  }
  const out: OpStats[] = [];
  for (let k = 0; k < ops.length; k++) {
    const before = await commandStats(ctx.redis);
    for (let i = 0; i < 100; i++) await ops[k]?.();
    const d = diffCommands(before, await commandStats(ctx.redis));
    const l = lat[k] ?? [];
    out.push({ p50: percentile(l, 50), p95: percentile(l, 95), mean: l.reduce((a, b) => a + b, 0) / l.length, commandsPerCall: totalCommands(d) / 100, commands: perUnit(d, 100) });
  }
  return out;
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const prefix = "bench-tree";
  const engine = await benchEngine(ctx, prefix, "http://127.0.0.1:9", {});
  try {
    const small = "tbenchsmall";
    const big = "tbenchbig";
    const bigN = 100_000;
    const t0 = performance.now();
    await buildTree(engine, small, 100, FAILED);
    await buildTree(engine, big, bigN, FAILED);
    ctx.log(`built a 100-node and a ${bigN.toLocaleString("en-US")}-node tree in ${round((performance.now() - t0) / 1000)} s`);
    const iters = ctx.quick ? 300 : 2_000;
    const [docSmall, docBig] = await measure(ctx, [() => treeDoc(engine, small), () => treeDoc(engine, big)], iters);
    const [chSmall, chBig] = await measure(ctx, [() => engine.tree.children(small, 0, PAGE), () => engine.tree.children(big, bigN / 2, PAGE)], iters);
    if (!docSmall || !docBig || !chSmall || !chBig) throw new Error("missing measurements");
    const check = await treeDoc(engine, big);
    ctx.log(`treeDoc: ${docSmall.commandsPerCall} vs ${docBig.commandsPerCall} commands, p95 ${round(docSmall.p95, 3)} vs ${round(docBig.p95, 3)} ms; children: ${chSmall.commandsPerCall} vs ${chBig.commandsPerCall} commands, p95 ${round(chSmall.p95, 3)} vs ${round(chBig.p95, 3)} ms`);
    const rows: Row[] = [
      { figure: "treeDoc: Redis commands per call (100,000 nodes vs 100)", fanout: docBig.commandsPerCall, baseline: docSmall.commandsPerCall, vs: "100-node tree", digits: 2, target: { on: "ratio", op: "<=", value: 1 } },
      { figure: "treeDoc: p50 latency", fanout: round(docBig.p50, 3), baseline: round(docSmall.p50, 3), vs: "100-node tree", unit: "ms", digits: 3 },
      { figure: "treeDoc: p95 latency", fanout: round(docBig.p95, 3), baseline: round(docSmall.p95, 3), vs: "100-node tree", unit: "ms", digits: 3, target: { on: "ratio", op: "<=", value: 1.5 } },
      { figure: `tree.children (page of ${PAGE}, middle of the tree): Redis commands per call`, fanout: chBig.commandsPerCall, baseline: chSmall.commandsPerCall, vs: "100-node tree", digits: 2, target: { on: "ratio", op: "<=", value: 1 } },
      { figure: "tree.children: p50 latency", fanout: round(chBig.p50, 3), baseline: round(chSmall.p50, 3), vs: "100-node tree", unit: "ms", digits: 3 },
      { figure: "tree.children: p95 latency", fanout: round(chBig.p95, 3), baseline: round(chSmall.p95, 3), vs: "100-node tree", unit: "ms", digits: 3, target: { on: "ratio", op: "<=", value: 1.5 } },
    ];
    return {
      rows,
      config: { nodes: [100, bigN], failedPages: FAILED, doneNodes: "every 10th", childrenPage: PAGE, childrenCursor: { small: 0, big: bigN / 2 }, iterations: iters, order: "alternating" },
      samples: { treeDoc: { small: docSmall, big: docBig }, children: { small: chSmall, big: chBig }, bigTree: { state: check.state, counts: check.counts, nodes: check.nodes, failed: check.failed.length } },
      notes: [`commands per call — treeDoc: ${JSON.stringify(docBig.commands)}; children: ${JSON.stringify(chBig.commands)}`],
    };
  } finally {
    await engine.close();
    await wipePrefix(ctx.redis, prefix);
  }
}
