import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, testRedisClient } from "@fanout/testkit/redis-client";
import { waitForTree } from "../src/ops.ts";
import { startSync } from "../src/sync.ts";
import { startHarness, type Harness } from "./harness.ts";

/** Redis Cluster's key slot: CRC16-XMODEM of the hash tag (or the whole key) mod 16384. */
function slot(key: string): number {
  const open = key.indexOf("{");
  const close = open >= 0 ? key.indexOf("}", open + 1) : -1;
  const tagged = open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tagged)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16_384;
}

/**
 * Keys spread over the cluster: every queue, limiter, tree and account has its own hash tag (never one tag for
 * everything). Under `npm run test:cluster` this counts keys per real master; on a standalone Redis it checks that
 * the slots of one run's keys cover all three ranges a 3-master cluster would own.
 */
describe("hash tags spread the work over a cluster's slots", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.worker({ concurrency: 10 });
    await h.simnet.admin("PATCH", "/_simnet/config", { timeScale: 0.001, networks: Object.fromEntries(["twitter", "facebook", "linkedin", "mastodon"].map((n) => [n, { latencyMs: { p50: 0, p99: 0 } }])) });
    for (const n of ["twitter", "facebook", "linkedin", "mastodon"]) for (const id of ["small", "medium"]) await h.connect(n, id);
  });
  afterAll(() => h.stop());

  it("puts one sync's keys on every master", async () => {
    const accounts = ["twitter", "facebook", "linkedin", "mastodon"].flatMap((n) => [`${n}:small`, `${n}:medium`]);
    const { treeId } = await startSync(h.engine, accounts);
    const doc = await waitForTree(h.engine, treeId, { timeoutMs: 50_000 });
    expect(doc.state, JSON.stringify((await h.engine.tree.children(treeId, 0, 20)).nodes.filter((n) => n.state !== "done"))).toBe("done");
    const client = testRedisClient();
    await ready(client);
    try {
      const masters = client instanceof Cluster ? client.nodes("master") : [client];
      const perMaster: number[] = [];
      const all: string[] = [];
      for (const node of masters) {
        let n = 0;
        let cursor = "0";
        do {
          const [next, found] = await node.scan(cursor, "MATCH", `${h.prefix}:*`, "COUNT", 1_000);
          cursor = next;
          n += found.length;
          all.push(...found);
        } while (cursor !== "0");
        perMaster.push(n);
      }
      if (client instanceof Cluster) {
        expect(perMaster).toHaveLength(3);
        for (const n of perMaster) expect(n).toBeGreaterThan(0);
      }
      const tags = new Set(all.map((k) => /\{([^}]+)\}/.exec(k)?.[1] ?? ""));
      expect(tags.size).toBeGreaterThan(10); // queues, limiters, trees, accounts, ops: never one tag
      const thirds = new Set(all.map((k) => Math.floor(slot(k) / (16_384 / 3))));
      expect([...thirds].sort()).toEqual([0, 1, 2]);
    } finally {
      await client.quit();
    }
  });
});
