import { connectAccount } from "@fanout/jobs/ops";
import { startSync } from "@fanout/jobs/sync";
import type { Engine } from "@fanout/jobs/engine";
import type { simnetAdmin } from "./simnet-client.ts";

/**
 * Seeds a demo worth looking at: every simnet account of every network connected, a flaky network (facebook: 5% 5xx),
 * the 1,000,000-follower whale on Twitter, and a sync of everything.
 */
export async function runDemo(engine: Engine, simnet: ReturnType<typeof simnetAdmin>): Promise<{ treeIds: string[]; accounts: number; lines: string[] }> {
  await simnet.patchConfig({ networks: { facebook: { errorRate: 0.05 } } });
  const accounts = await simnet.accounts();
  for (const a of accounts) {
    if (!engine.networks.has(a.network)) continue;
    await connectAccount(engine, `${a.network}:${a.id}`, a.token, a.refreshToken ?? null, { name: "demo", via: "cli" });
  }
  const small = accounts.filter((a) => a.id !== "whale" && engine.networks.has(a.network)).map((a) => `${a.network}:${a.id}`);
  const trees = [await startSync(engine, small, { queue: "interactive" })];
  const whale = accounts.find((a) => a.network === "twitter" && a.id === "whale");
  if (whale) trees.push(await startSync(engine, ["twitter:whale"], { queue: "whales" }));
  const treeIds = trees.map((t) => t.treeId);
  return {
    treeIds, accounts: accounts.length,
    lines: [`demo: connected ${accounts.length} simnet accounts; facebook made flaky (5% 5xx)`, ...treeIds.map((t) => `demo: started sync ${t}`)],
  };
}
