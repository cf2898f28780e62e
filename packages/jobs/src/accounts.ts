import type { Keys } from "./keys.ts";
import type { RedisClient } from "./redis.ts";
import { runScript } from "./scripts.ts";
import type { Vault } from "./vault.ts";

/**
 * Connected accounts and their access tokens, sealed at rest (vault.ts). Tokens are read by the job that needs them,
 * when it runs; a short in-process cache spares Redis one read per page without outliving a reconnect for long.
 */
export interface AccountInfo {
  account: string; network: string; id: string; connected: boolean; connectedAt: number | null;
  disconnectedAt: number | null; reason: string | null; keyId: string | null;
}
export interface Tokens { token: string; refreshToken: string | null; version: number }
export type RefreshOutcome = "refreshed" | "changed" | "busy" | "no-refresh-token";

const CACHE_MS = 5_000;

export function createAccounts({ redis, keys, vault, clock }: { redis: RedisClient; keys: Keys; vault: Vault; clock: { now(): number } }) {
  const cache = new Map<string, { at: number; tokens: Tokens | null }>();

  return {
    async connect(network: string, id: string, token: string, refreshToken?: string | null): Promise<void> {
      const now = clock.now();
      const sealed = ["token", vault.seal(token), "keyId", vault.currentKeyId, ...(refreshToken ? ["refreshToken", vault.seal(refreshToken)] : [])];
      await runScript(redis, "accountConnect", [keys.account(network, id), keys.accountToken(network, id)], [network, id, now, ...sealed]);
      await redis.zadd(keys.accountsIndex(), now, `${network}:${id}`);
      cache.delete(`${network}:${id}`);
    },

    /** The decrypted tokens, or null when the account is not connected. */
    async tokens(network: string, id: string): Promise<Tokens | null> {
      const k = `${network}:${id}`;
      const hit = cache.get(k);
      if (hit && clock.now() - hit.at < CACHE_MS) return hit.tokens;
      const p = redis.pipeline();
      p.hget(keys.account(network, id), "connected");
      p.hgetall(keys.accountToken(network, id));
      const [[, connected], [, sealed]] = (await p.exec()) as [[unknown, string | null], [unknown, Record<string, string>]];
      const tokens = connected === "1" && sealed.token
        ? { token: vault.open(sealed.token), refreshToken: sealed.refreshToken ? vault.open(sealed.refreshToken) : null, version: Number(sealed.version ?? 0) }
        : null;
      cache.set(k, { at: clock.now(), tokens });
      return tokens;
    },

    /**
     * Refreshes an expired access token once for the whole fleet: one worker takes a short lock and exchanges the
     * refresh token; the others see "busy" (wait a moment and retry) or "changed" (someone already refreshed since
     * they read the token). `exchange` errors propagate (an auth error means the refresh token is dead too).
     */
    async refreshOnce(network: string, id: string, seenVersion: number,
      exchange: (refreshToken: string) => Promise<{ accessToken: string; refreshToken: string | null }>): Promise<RefreshOutcome> {
      const lock = `${keys.accountToken(network, id)}:refresh-lock`;
      if ((await redis.set(lock, "1", "PX", 30_000, "NX")) !== "OK") return "busy";
      try {
        cache.delete(`${network}:${id}`);
        const sealed = await redis.hgetall(keys.accountToken(network, id));
        if (Number(sealed.version ?? 0) !== seenVersion) return "changed";
        if (!sealed.refreshToken) return "no-refresh-token";
        const fresh = await exchange(vault.open(sealed.refreshToken));
        await this.connect(network, id, fresh.accessToken, fresh.refreshToken ?? vault.open(sealed.refreshToken));
        return "refreshed";
      } finally {
        await redis.del(lock);
      }
    },

    forget(network: string, id: string): void {
      cache.delete(`${network}:${id}`);
    },

    /**
     * After a call with token `version` failed as unauthorized: "disconnected" (it was connected), "already", or
     * "reconnected" when the token changed since that call read it (the account is left connected).
     */
    async markDisconnected(network: string, id: string, reason: string, version: number): Promise<"disconnected" | "already" | "reconnected"> {
      cache.delete(`${network}:${id}`);
      const res = Number(await runScript(redis, "accountDisconnect", [keys.account(network, id)], [version, reason, clock.now()]));
      return res === 1 ? "disconnected" : res === 0 ? "already" : "reconnected";
    },

    /** Connected with a token newer than `version` (0: any token), read from Redis, not the cache. */
    async reconnectedSince(network: string, id: string, version: number): Promise<boolean> {
      const [connected, current] = await redis.hmget(keys.account(network, id), "connected", "tokenVersion");
      return connected === "1" && Number(current ?? 0) > version;
    },

    async info(network: string, id: string): Promise<AccountInfo | null> {
      const h = await redis.hgetall(keys.account(network, id));
      if (!h.network) return null;
      return {
        account: `${network}:${id}`, network, id, connected: h.connected === "1",
        connectedAt: h.connectedAt ? Number(h.connectedAt) : null, disconnectedAt: h.disconnectedAt ? Number(h.disconnectedAt) : null,
        reason: h.reason ?? null, keyId: (await redis.hget(keys.accountToken(network, id), "keyId")) ?? null,
      };
    },

    /** Removes the token; the account stays known (its data stays unless purged). */
    async disconnect(network: string, id: string, reason = "disconnected by request"): Promise<boolean> {
      cache.delete(`${network}:${id}`);
      const existed = await redis.exists(keys.account(network, id));
      await redis.del(keys.accountToken(network, id));
      if (existed) await redis.hset(keys.account(network, id), { connected: "0", reason, disconnectedAt: String(clock.now()) });
      return existed === 1;
    },

    /**
     * Jobs waiting for this account to reconnect, one ticket `queue|jobId` each. A ticket is claimed by removing it
     * (claimParked answers true once): whoever claims it wakes the job (parking.ts).
     */
    park: (network: string, id: string, queue: string, jobId: string) => redis.sadd(keys.parked(network, id), `${queue}|${jobId}`),
    async parkedJobs(network: string, id: string): Promise<{ queue: string; jobId: string }[]> {
      return (await redis.smembers(keys.parked(network, id))).map(parseTicket);
    },
    claimParked: async (network: string, id: string, queue: string, jobId: string): Promise<boolean> =>
      (await redis.srem(keys.parked(network, id), `${queue}|${jobId}`)) === 1,
    async takeParked(network: string, id: string): Promise<{ queue: string; jobId: string }[]> {
      const k = keys.parked(network, id);
      const members = await redis.smembers(k);
      if (members.length) await redis.srem(k, ...members);
      return members.map(parseTicket);
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;

function parseTicket(m: string): { queue: string; jobId: string } {
  const i = m.indexOf("|");
  return { queue: m.slice(0, i), jobId: m.slice(i + 1) };
}

/** `NETWORK:ID` → parts; the id may itself contain ':'. */
export function parseAccount(account: string): { network: string; id: string } | null {
  const i = account.indexOf(":");
  if (i <= 0 || i === account.length - 1) return null;
  return { network: account.slice(0, i), id: account.slice(i + 1) };
}
