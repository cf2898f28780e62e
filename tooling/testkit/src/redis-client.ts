import { Cluster, Redis } from "ioredis";
import { inject } from "vitest";
import type {} from "./global-setup.ts";

/** The suite's Redis as an env fragment for loadEnv: standalone, or a cluster under `npm run test:cluster`. */
export function testRedisEnv(): { REDIS_URL: string; REDIS_CLUSTER_NODES?: string } {
  const nodes = inject("redisClusterNodes");
  return { REDIS_URL: inject("redisUrl"), ...(nodes ? { REDIS_CLUSTER_NODES: nodes } : {}) };
}

/** A raw client to the suite's Redis (a Cluster client under the cluster run). */
export function testRedisClient(): Redis | Cluster {
  const nodes = inject("redisClusterNodes");
  if (nodes) {
    return new Cluster(nodes.split(",").map((hp) => ({ host: hp.split(":")[0] ?? "127.0.0.1", port: Number(hp.split(":")[1]) })), { redisOptions: { maxRetriesPerRequest: null } });
  }
  return new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
}

/** Deletes every key under `prefix:` (on every master of a cluster) — only a prefix the test owns. */
export async function wipePrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  await ready(client);
  const nodes: Redis[] = client instanceof Cluster ? client.nodes("master") : [client];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, found] = await node.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
      cursor = next;
      for (const k of found) await client.del(k); // one by one: keys of one batch may sit in different slots
    } while (cursor !== "0");
  }
}

/** A cluster client knows its masters only once it has loaded the slot map. */
export async function ready(client: Redis | Cluster): Promise<void> {
  if (client.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    client.once("ready", () => resolve());
    client.once("error", reject);
  });
}
