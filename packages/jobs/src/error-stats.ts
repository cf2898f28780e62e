import type { ErrorKind } from "./networks/errors.ts";
import type { Keys } from "./keys.ts";
import type { RedisClient } from "./redis.ts";

/**
 * Per-network error counters by kind and code in one-minute buckets (a hash per minute, kept 24 h), and the last
 * SAMPLES error samples with their message (messages never hold tokens: clients keep them out of errors).
 */
const MINUTE = 60_000;
const RETAIN_S = 25 * 3_600;
const SAMPLES = 50;

export interface ErrorSample { at: number; kind: ErrorKind; code: string; status: number | null; message: string; account: string; jobId: string }

export function createErrorStats({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  const bucketKey = (network: string, minute: number) => `${keys.errorBuckets(network)}:${minute}`;
  return {
    async record(network: string, s: ErrorSample): Promise<void> {
      const minute = Math.floor(s.at / MINUTE) * MINUTE;
      const p = redis.pipeline();
      p.hincrby(bucketKey(network, minute), `${s.kind}|${s.code}`, 1);
      p.expire(bucketKey(network, minute), RETAIN_S);
      p.lpush(keys.errorSamples(network), JSON.stringify({ ...s, message: s.message.slice(0, 500) }));
      p.ltrim(keys.errorSamples(network), 0, SAMPLES - 1);
      await p.exec();
    },

    /** Buckets from `fromMs` to `toMs`: one HGETALL per minute, pipelined (1,440 for a day). */
    async buckets(network: string, fromMs: number, toMs: number): Promise<{ minute: number; counts: Record<string, number> }[]> {
      const minutes: number[] = [];
      for (let m = Math.floor(fromMs / MINUTE) * MINUTE; m <= toMs; m += MINUTE) minutes.push(m);
      const p = redis.pipeline();
      for (const m of minutes) p.hgetall(bucketKey(network, m));
      const rows = ((await p.exec()) ?? []) as [unknown, Record<string, string>][];
      return minutes.map((minute, i) => ({
        minute,
        counts: Object.fromEntries(Object.entries(rows[i]?.[1] ?? {}).map(([k, v]) => [k, Number(v)])),
      }));
    },

    async samples(network: string, limit = SAMPLES): Promise<ErrorSample[]> {
      const raw = await redis.lrange(keys.errorSamples(network), 0, limit - 1);
      return raw.map((r) => JSON.parse(r) as ErrorSample);
    },
  };
}

export type ErrorStats = ReturnType<typeof createErrorStats>;
