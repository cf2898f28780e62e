import type { FanoutConfig } from "@fanout/jobs/config";
import { connectAccount, followersOf, requeueTree, treeDoc, waitForTree } from "@fanout/jobs/ops";
import { startSync } from "@fanout/jobs/sync";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { NETWORKS, startSimnet, type NetworkName, type SimAccount } from "../lib/simnet.ts";
import { waitUntil } from "../lib/stats.ts";
import { withFanout } from "../lib/sync-run.ts";

/**
 * Correctness (issue 6): 200 accounts (sizes 0 to 50,000, every network) synced through simnet with faults on — 5%
 * 5xx, 1% hangs, 1% malformed bodies, overlapping and short pages, one endless-paging LinkedIn account, one token
 * revoked mid-run and then reconnected — then what failed is requeued, and every stored set is compared with
 * simnet's truth (count and sha256). The endless-paging account must report its anomaly instead.
 */
export const name = "correctness";
export const title = "200 accounts under faults: every stored set equals simnet's truth";

const SIZES = [0, 1, 37, 120, 999, 1_000, 2_500, 5_000, 12_345, 50_000];

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const total = ctx.quick ? 28 : 200;
  const sim = await startSimnet();
  try {
    const created: { network: NetworkName; account: SimAccount }[] = [];
    for (let i = 0; i < total; i++) {
      const network = NETWORKS[i % NETWORKS.length] ?? "twitter";
      const followers = SIZES[Math.floor(i / NETWORKS.length) % SIZES.length] ?? 100;
      const [account] = await sim.createAccounts(network, 1, ctx.quick ? Math.min(followers, 5_000) : followers, `c${i}x`);
      if (account) created.push({ network, account });
    }
    const endless = created.find((c) => c.network === "linkedin" && c.account.followers > 0);
    const revoked = created.find((c) => c.network === "facebook" && c.account.followers >= 1_000);
    const faults = { errorRate: 0.05, hangRate: 0.01, malformedRate: 0.01, overlapRate: 0.05, shortPageRate: 0.05, latencyMs: { p50: 5, p99: 50 } };
    await sim.patch({
      timeScale: 0.001,
      networks: {
        ...Object.fromEntries(NETWORKS.map((n) => [n, faults])),
        linkedin: { ...faults, endlessPaging: endless ? [endless.account.id] : [] },
      },
    });
    const config: FanoutConfig = {
      backoffBaseMs: 200,
      tuning: {
        ...Object.fromEntries(NETWORKS.map((n) => [n, { timeoutMs: 2_000 }])),
        twitter: { timeoutMs: 2_000, limits: [{ scope: "token", max: 15, windowMs: 900, endpoint: "followers" }, { scope: "token", max: 900, windowMs: 900, endpoint: "profile" }] },
        // Scaled like simnet's (timeScale 0.001): at the published 300 paging calls per 15 min, a 50,000-follower
        // account (625 pages) waited two real 15-min windows and the sync outlived its 30-min deadline.
        mastodon: { timeoutMs: 2_000, limits: [{ scope: "token", max: 300, windowMs: 300, aligned: true }, { scope: "token", max: 300, windowMs: 900, aligned: true, paging: true }] },
      },
    };
    return await withFanout(ctx, { tag: "correctness", simnetUrl: sim.url, config, workers: 2, connect: created }, async ({ engine }) => {
      const accounts = created.map((c) => `${c.network}:${c.account.id}`);
      const t0 = performance.now();
      const { treeId } = await startSync(engine, accounts);
      if (revoked) {
        await waitUntil(() => treeDoc(engine, treeId), (d) => d.counts.done > 50, 120_000, "progress");
        await sim.admin("POST", `/_simnet/accounts/facebook/${revoked.account.id}/revoke`);
        await waitUntil(() => treeDoc(engine, treeId), (d) => d.counts.parked > 0 || d.settledAt !== undefined, 120_000, "a parked page");
        const fresh = await sim.admin<{ token: string }>("POST", `/_simnet/accounts/facebook/${revoked.account.id}/token`);
        await connectAccount(engine, `facebook:${revoked.account.id}`, fresh.token);
      }
      let doc = await waitForTree(engine, treeId, { timeoutMs: 1_800_000 });
      const firstPass = { state: doc.state, failed: doc.counts.failed };
      let rounds = 0;
      while (doc.counts.failed > 0 && rounds < 3) { // faults off for the requeue, as an operator would after an incident
        await sim.patch({ networks: Object.fromEntries(NETWORKS.map((n) => [n, { errorRate: 0, hangRate: 0, malformedRate: 0 }])) });
        await requeueTree(engine, treeId);
        doc = await waitForTree(engine, treeId, { timeoutMs: 900_000 });
        rounds++;
      }
      const wallS = (performance.now() - t0) / 1000;
      let equal = 0;
      const mismatches: string[] = [];
      for (const a of accounts) {
        const [network, id] = a.split(":") as [string, string];
        if (endless && id === endless.account.id) continue;
        const truth = await sim.admin<{ count: number; sha256: string }>("GET", `/_simnet/truth/${network}/${id}`);
        const mine = await followersOf(engine, a);
        if (mine.count === truth.count && mine.sha256 === truth.sha256) equal++;
        else {
          // What the tree knew of it: a mismatch on a node it called done is the bug to chase.
          const nd = await engine.tree.node(treeId, a);
          const gaps = nd?.total0 ? await engine.tree.gaps(treeId, a, nd.total0) : [];
          const missing = gaps.reduce((n, [x, y]) => n + y - x, 0);
          mismatches.push(`${a}: ${mine.count} vs ${truth.count}; node ${JSON.stringify(nd)}; coverage gaps ${gaps.length} (${missing} positions) ${JSON.stringify(gaps.slice(0, 10))}; whale ${JSON.stringify(await engine.whales.isWhale(a))}`);
        }
      }
      const anomaly = endless ? (await engine.tree.node(treeId, `linkedin:${endless.account.id}`))?.anomaly ?? null : null;
      const compared = accounts.length - (endless ? 1 : 0);
      return {
        rows: [
          { figure: `accounts whose stored set equals simnet's truth (of ${compared}, after ${rounds} requeue round(s))`, fanout: equal, baseline: compared, vs: "accounts compared", unit: "", target: { on: "ratio", op: ">=", value: 1 }, digits: 0 },
          { figure: "endless-paging account reported as an anomaly", fanout: anomaly ? 1 : 0, unit: "", target: { on: "fanout", op: ">=", value: 1 }, digits: 0, note: anomaly ?? "no anomaly recorded" },
          { figure: "wall time, sync + requeue", fanout: Math.round(wallS), unit: "s", digits: 0 },
        ],
        config: { accounts: total, sizes: SIZES, faults, fanout: config, endless: endless?.account.id, revoked: revoked?.account.id },
        samples: { firstPass, finalState: doc.state, counts: doc.counts, mismatches: mismatches.slice(0, 50), anomaly },
      };
    });
  } finally {
    await sim.stop();
  }
}
