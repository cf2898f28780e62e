import { Cluster, type Redis } from "ioredis";

/**
 * Every key under `prefix:` whose name or value mentions `needle` (strings, hash fields and values, set, sorted-set
 * and list members, stream fields), except keys `skip` accepts: what a purge left behind. Reads each value whole, so
 * it is for test data, not a production keyspace.
 */
export async function tracesOf(client: Redis | Cluster, prefix: string, needle: string, skip: (key: string) => boolean = () => false): Promise<string[]> {
  const nodes: Redis[] = client instanceof Cluster ? client.nodes("master") : [client];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
      cursor = next;
      for (const k of keys) {
        if (skip(k)) continue;
        if (k.includes(needle)) { found.push(k); continue; }
        const type = await client.type(k);
        const values: string[] = type === "string" ? [(await client.get(k)) ?? ""]
          : type === "hash" ? Object.entries(await client.hgetall(k)).flat()
          : type === "set" ? await client.smembers(k)
          : type === "zset" ? await client.zrange(k, 0, -1)
          : type === "list" ? await client.lrange(k, 0, -1)
          : type === "stream" ? (await client.xrange(k, "-", "+")).flatMap(([, fields]) => fields)
          : [];
        if (values.some((v) => v.includes(needle))) found.push(`${k} (${type})`);
      }
    } while (cursor !== "0");
  }
  return found.sort();
}
