import type { Redis } from "ioredis";

/** Redis-side measurements: INFO commandstats deltas (commands per unit of work) and the server's own CPU. */
export type CommandCounts = Record<string, number>;

export async function commandStats(redis: Redis): Promise<CommandCounts> {
  return (await commandTable(redis)).calls;
}

/**
 * INFO commandstats in one read: calls per command, and the microseconds Redis spent in each (`usec`; a script's
 * time includes the commands it ran).
 */
export async function commandTable(redis: Redis): Promise<{ calls: CommandCounts; usec: CommandCounts }> {
  const text = await redis.info("commandstats");
  const calls: CommandCounts = {};
  const usec: CommandCounts = {};
  for (const line of text.split("\n")) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (m?.[1] && m[2] && m[3]) {
      calls[m[1]] = Number(m[2]);
      usec[m[1]] = Number(m[3]);
    }
  }
  return { calls, usec };
}

/** after − before, without the INFO calls the measurement itself made. */
export function diffCommands(before: CommandCounts, after: CommandCounts): CommandCounts {
  const out: CommandCounts = {};
  for (const [k, v] of Object.entries(after)) {
    if (k === "info") continue;
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

export function totalCommands(c: CommandCounts): number {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

/** The busiest commands first, each divided by `per` (e.g. pages). */
export function perUnit(c: CommandCounts, per: number, top = 12): Record<string, number> {
  return Object.fromEntries(Object.entries(c).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, round(v / per, 2)]));
}

export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const text = await redis.info("cpu");
  const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, "m").exec(text)?.[1] ?? 0);
  return get("used_cpu_sys") + get("used_cpu_user");
}

export async function redisVersion(redis: Redis): Promise<string> {
  const text = await redis.info("server");
  return /^redis_version:(\S+)/m.exec(text)?.[1] ?? "unknown";
}

/** Deletes every key under a prefix (the bench's own; never anything else). */
export async function wipePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 5_000);
    cursor = next;
    if (found.length) await redis.unlink(...found);
  } while (cursor !== "0");
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
