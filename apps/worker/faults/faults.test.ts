import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "@fanout/testkit/wait";
import { connectAccount, followersOf, treeDoc, waitForTree } from "@fanout/jobs/ops";
import { startSync } from "@fanout/jobs/sync";
import { startFleet, type Fleet } from "./fleet.ts";

const NETS = ["twitter", "facebook", "linkedin", "mastodon"];
/** simnet's timeScale shrinks Twitter's 15-minute window to 0.9 s; Fanout's limiter is told the same. */
const SCALED = { tuning: { twitter: { limits: [{ scope: "token", max: 15, windowMs: 900 }] } } };
const FAST = { timeScale: 0.001, networks: Object.fromEntries(NETS.map((n) => [n, { latencyMs: { p50: 5, p99: 40 } }])) };

/** Creates `n` simnet accounts spread over the networks, connects them, and returns their names. */
async function accounts(f: Fleet, n: number, followers: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const network = NETS[i % NETS.length] ?? "twitter";
    const a = await f.simnet.admin<{ id: string; token: string; refreshToken?: string }>("POST", "/_simnet/accounts", { network, followers: followers + i * 37 });
    await connectAccount(f.engine, `${network}:${a.id}`, a.token, a.refreshToken ?? null);
    out.push(`${network}:${a.id}`);
  }
  return out;
}

async function expectTruth(f: Fleet, list: string[]): Promise<void> {
  for (const a of list) {
    const [n, id] = a.split(":") as [string, string];
    const truth = await f.simnet.admin<{ sha256: string }>("GET", `/_simnet/truth/${n}/${id}`);
    expect(`${a} ${(await followersOf(f.engine, a)).sha256}`).toBe(`${a} ${truth.sha256}`);
  }
}

describe("faults (worker processes, a Redis of our own with AOF)", () => {
  let fleet: Fleet | null = null;
  afterEach(async () => {
    await fleet?.stop();
    fleet = null;
  });

  it("SIGKILL of a random worker every 10 s (a replacement starts each time): every sync ends done and exact", async () => {
    const f = (fleet = await startFleet({ workers: 3, config: SCALED }));
    await f.simnet.admin("PATCH", "/_simnet/config", FAST);
    const list = await accounts(f, 100, 3_000);
    const { treeId } = await startSync(f.engine, list);
    let kills = 0;
    for (;;) {
      const settled = await waitFor(() => treeDoc(f.engine, treeId), (d) => d.settledAt !== undefined, { timeoutMs: 10_000 }).then(() => true, () => false);
      if (settled) break;
      f.killRandomWorker();
      kills++;
      await f.spawnWorker();
      expect(kills).toBeLessThan(60);
    }
    const doc = await treeDoc(f.engine, treeId);
    expect(doc).toMatchObject({ state: "done", counts: { failed: 0 } });
    expect(kills).toBeGreaterThan(0);
    await expectTruth(f, list);
  });

  it("Redis restarted mid-sync (AOF): workers reconnect on their own and the syncs finish exactly", async () => {
    const f = (fleet = await startFleet({ workers: 2, config: SCALED }));
    await f.simnet.admin("PATCH", "/_simnet/config", FAST);
    const list = await accounts(f, 12, 20_000);
    const { treeId } = await startSync(f.engine, list);
    await waitFor(() => treeDoc(f.engine, treeId), (d) => d.counts.done > 20, { timeoutMs: 60_000, what: "progress" });
    await f.restartRedis("SIGTERM"); // a clean restart: the AOF holds every acknowledged write
    const doc = await waitForTree(f.engine, treeId, { timeoutMs: 240_000 });
    expect(doc.state).toBe("done");
    for (const w of f.workers) expect(w.exitCode).toBeNull();
    await expectTruth(f, list);
  });

  it("Redis unreachable for 30 s: workers stay up and resume without a restart", async () => {
    const f = (fleet = await startFleet({ workers: 2, config: SCALED }));
    await f.simnet.admin("PATCH", "/_simnet/config", FAST);
    const list = await accounts(f, 8, 20_000);
    const { treeId } = await startSync(f.engine, list);
    await waitFor(() => treeDoc(f.engine, treeId), (d) => d.counts.done > 10, { timeoutMs: 60_000, what: "progress" });
    f.redis.proc.kill("SIGSTOP"); // frozen: connections stay open, nothing answers
    const frozenAt = Date.now();
    await waitFor(() => Date.now() - frozenAt, (ms) => ms >= 30_000, { timeoutMs: 40_000, intervalMs: 1_000, what: "30 s of silence" });
    for (const w of f.workers) expect(w.exitCode).toBeNull();
    f.redis.proc.kill("SIGCONT");
    const doc = await waitForTree(f.engine, treeId, { timeoutMs: 240_000 });
    expect(doc.state).toBe("done");
    for (const w of f.workers) expect(w.exitCode).toBeNull();
    await expectTruth(f, list);
  });

  it("a network that hangs every socket, one that answers HTML 200, one down for a minute: others unaffected, no worker stuck", async () => {
    const f = (fleet = await startFleet({ workers: 2, config: { tuning: Object.fromEntries(NETS.map((n) => [n, { timeoutMs: 1_000, ...(n === "twitter" ? SCALED.tuning.twitter : {}) }])) } }));
    await f.simnet.admin("PATCH", "/_simnet/config", {
      ...FAST,
      networks: {
        ...FAST.networks,
        facebook: { latencyMs: { p50: 5, p99: 40 }, hangRate: 1 },
        linkedin: { latencyMs: { p50: 5, p99: 40 }, malformedRate: 1 },
        mastodon: { latencyMs: { p50: 5, p99: 40 }, outage: { startMs: 0, durationMs: 60_000 } },
      },
    });
    const list = await accounts(f, 16, 5_000);
    const healthy = list.filter((a) => a.startsWith("twitter:"));
    const { treeId: okTree } = await startSync(f.engine, healthy);
    const { treeId: badTree } = await startSync(f.engine, list.filter((a) => !a.startsWith("twitter:")));
    expect((await waitForTree(f.engine, okTree, { timeoutMs: 120_000 })).state).toBe("done");
    await expectTruth(f, healthy);
    // Heal the networks: the broken ones' jobs were held (breaker) and finish without being failed by the outage.
    await f.simnet.admin("PATCH", "/_simnet/config", { networks: { facebook: { hangRate: 0 }, linkedin: { malformedRate: 0 }, mastodon: { outage: null } } });
    const doc = await waitForTree(f.engine, badTree, { timeoutMs: 240_000 });
    expect(doc.state).toBe("done");
    await expectTruth(f, list);
  });
});
