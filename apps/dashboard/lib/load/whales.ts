import type { WhaleRow, WhalesDoc } from "../api-types.ts";
import { allowedRate } from "../limits-data.ts";
import { etaMs, whaleProgress } from "../whales-data.ts";
import { services } from "../services.ts";

/**
 * Whales with their progress and ETA. Per whale: its latest tree (1 ZREVRANGE) and its node there (1 HGETALL); per
 * network with whales: its gauges (1 + 1 pipelined round trip), for the rate the limiter allows now.
 */
export async function loadWhales(): Promise<WhalesDoc> {
  const s = services();
  const { engine } = s;
  const at = engine.clock.now();
  const list = await engine.whales.list();
  const networks = [...new Set(list.map((w) => w.account.slice(0, w.account.indexOf(":"))))].filter((n) => engine.networks.has(n));
  const gauges = new Map(await Promise.all(networks.map(async (n) => [n, await s.limits.networkGauges(engine, n, 10)] as const)));
  const whales = await Promise.all(list.map(async (w): Promise<WhaleRow> => {
    const network = w.account.slice(0, w.account.indexOf(":"));
    const [latest] = await s.queries.treesOfAccount(engine, w.account, 1);
    const node = latest ? await engine.tree.node(latest.treeId, w.account) : null;
    const progress = whaleProgress(node, engine.networks.get(network)?.pageSize ?? 0);
    const g = gauges.get(network);
    const rate = g ? allowedRate(g) : { perSecond: 0, source: "none" as const, detail: "unknown network" };
    return { ...w, network, queue: "whales", treeId: latest?.treeId ?? null, progress, rate, etaMs: etaMs(progress?.left ?? null, rate.perSecond) };
  }));
  return { at, threshold: engine.whales.threshold, whales };
}
