import type {} from "@fanout/testkit/global-setup";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiKeyExistsError, createApiKey, listApiKeys, revokeApiKey, takeApiRequest, verifyApiKey, verifyBearer } from "../../src/delivery/apikeys.ts";
import { RateLimitedError } from "../../src/delivery/errors.ts";
import { loadEnv } from "../../src/env.ts";
import { createLogger } from "../../src/log.ts";
import { auditLog, InputError, NotFoundError } from "../../src/ops.ts";
import { createEngine } from "../../src/runtime.ts";
import { testRedisClient, testRedisEnv, wipePrefix } from "@fanout/testkit/redis-client";

const op = { name: "keys-test", via: "cli" as const };

describe("API keys", () => {
  let t = 1_000_000;
  let engine: Awaited<ReturnType<typeof createEngine>>;
  let prefix: string;
  beforeEach(async () => {
    prefix = `test-${randomUUID()}`;
    const env = loadEnv({ ...testRedisEnv(), FANOUT_PREFIX: prefix, FANOUT_SECRET: "test-secret-0123456789abcdef", LOG_LEVEL: "silent" });
    engine = await createEngine({ env, config: {}, log: createLogger({ level: "silent" }), clock: { now: () => t } });
  });
  afterEach(async () => {
    await engine.close();
    const r = testRedisClient();
    await wipePrefix(r, prefix);
    await r.quit();
  });

  it("shows a key once, stores only its hash, verifies it, tracks last use at most once a minute, and revokes it", async () => {
    const { key } = await createApiKey(engine, "site", op);
    expect(key).toMatch(/^fo_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(await engine.redis.hgetall(engine.keys.apiKey(key.slice(3, 15))));
    expect(stored).not.toContain(key.slice(16));
    expect(await listApiKeys(engine)).toEqual([{ name: "site", createdAt: t, lastUsedAt: null }]);

    expect(await verifyApiKey(engine, key)).toEqual({ name: "site" });
    expect((await listApiKeys(engine))[0]?.lastUsedAt).toBe(t);
    t += 30_000;
    await verifyApiKey(engine, key);
    expect((await listApiKeys(engine))[0]?.lastUsedAt).toBe(t - 30_000); // not rewritten within the minute
    t += 31_000;
    expect(await verifyBearer(engine, `Bearer ${key}`)).toEqual({ name: "site" });
    expect((await listApiKeys(engine))[0]?.lastUsedAt).toBe(t);

    expect(await verifyApiKey(engine, `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(await verifyApiKey(engine, "fo_nope")).toBeNull();
    expect(await verifyBearer(engine, key)).toBeNull(); // no "Bearer"
    await expect(createApiKey(engine, "site", op)).rejects.toBeInstanceOf(ApiKeyExistsError);
    await expect(createApiKey(engine, "bad name", op)).rejects.toBeInstanceOf(InputError);

    await revokeApiKey(engine, "site", op);
    expect(await verifyApiKey(engine, key)).toBeNull();
    expect(await listApiKeys(engine)).toEqual([]);
    await expect(revokeApiKey(engine, "site", op)).rejects.toBeInstanceOf(NotFoundError);
    expect((await auditLog(engine)).map((e) => `${e.action} ${String(e.details.name)}`)).toEqual(["apikey-revoke site", "apikey-add site"]);
    expect(JSON.stringify(await auditLog(engine))).not.toContain(key);
  });

  it("limits requests per key over a sliding window", async () => {
    const limits = { maxRequests: 3, windowMs: 1_000 };
    for (let i = 0; i < 3; i++) {
      expect((await takeApiRequest(engine, "a", limits)).remaining).toBe(2 - i);
      t += 100;
    }
    const refused = await takeApiRequest(engine, "a", limits).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterMs).toBe(700); // the first request leaves the window at 1000 ms
    expect((await takeApiRequest(engine, "b", limits)).remaining).toBe(2); // per key
    t += 700;
    expect((await takeApiRequest(engine, "a", limits)).remaining).toBe(0);
  });
});
