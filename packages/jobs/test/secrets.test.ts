import type {} from "@fanout/testkit/global-setup";
import { randomUUID } from "node:crypto";
import { testRedisClient, testRedisEnv, wipePrefix } from "@fanout/testkit/redis-client";
import { afterEach, describe, expect, it } from "vitest";
import { addWebhook, endpointForDelivery } from "../src/delivery/webhooks.ts";
import { loadEnv } from "../src/env.ts";
import { createLogger } from "../src/log.ts";
import { auditLog } from "../src/ops.ts";
import { createEngine } from "../src/runtime.ts";
import { runScript } from "../src/scripts.ts";
import { rotateSecrets, secretsStatus } from "../src/secrets.ts";

const OLD = "old-secret-0123456789abcdef";
const NEW = "new-secret-fedcba9876543210";
const op = { name: "rotate-test", via: "cli" as const };

describe("secret rotation with a key ring", () => {
  const prefix = `test-${randomUUID()}`;
  const engines: Awaited<ReturnType<typeof createEngine>>[] = [];
  const engineWith = async (secret: string, previous?: string) => {
    const env = loadEnv({ ...testRedisEnv(), FANOUT_PREFIX: prefix, FANOUT_SECRET: secret, ...(previous ? { FANOUT_SECRET_PREVIOUS: previous } : {}), LOG_LEVEL: "silent" });
    const e = await createEngine({ env, config: {}, log: createLogger({ level: "silent" }) });
    engines.push(e);
    return e;
  };
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    const c = testRedisClient();
    await wipePrefix(c, prefix);
    await c.quit();
  });

  it("connect replaces the token whole, bumps its version and clears a disconnection; the token is stored sealed", async () => {
    const e = await engineWith(OLD);
    await e.accounts.connect("twitter", "c1", "access-1", "refresh-1");
    await e.accounts.disconnect("twitter", "c1", "revoked by the user");
    expect(await e.accounts.tokens("twitter", "c1")).toBeNull();
    await e.accounts.connect("twitter", "c1", "access-2", null); // a new grant without a refresh token
    expect(await e.accounts.tokens("twitter", "c1")).toEqual({ token: "access-2", refreshToken: null, version: 2 });
    const info = await e.redis.hgetall(e.keys.account("twitter", "c1"));
    expect(info).toMatchObject({ network: "twitter", id: "c1", connected: "1", tokenVersion: "2" });
    expect(info.reason).toBeUndefined();
    expect(info.disconnectedAt).toBeUndefined();
    const stored = await e.redis.hgetall(e.keys.accountToken("twitter", "c1"));
    expect(Object.keys(stored).sort()).toEqual(["keyId", "token", "version"]);
    expect(JSON.stringify(stored)).not.toContain("access-2");
    expect(await e.redis.zscore(e.keys.accountsIndex(), "twitter:c1")).not.toBeNull();
  });

  it("re-seals every token and webhook secret under the new key; then the old key can go", async () => {
    const before = await engineWith(OLD);
    for (let i = 0; i < 7; i++) await before.accounts.connect("twitter", `u${i}`, `access-${i}`, i % 2 ? `refresh-${i}` : null);
    const hook = await addWebhook(before, "http://127.0.0.1:9/hook", op);
    const oldId = before.vault.currentKeyId;

    const during = await engineWith(NEW, OLD); // workers and the console restarted with the ring
    expect(await secretsStatus(during)).toMatchObject({ tokensByKey: { [oldId]: 7 }, accounts: 7, webhookSecretsByKey: { [oldId]: 1 } });
    expect((await during.accounts.tokens("twitter", "u3"))?.token).toBe("access-3"); // the old key still opens

    const report = await rotateSecrets(during, op);
    expect(report).toEqual({ currentKeyId: during.vault.currentKeyId, tokens: 7, webhooks: 1, unreadable: [], remaining: 0 });
    expect((await rotateSecrets(during, op)).tokens).toBe(0); // idempotent
    expect((await auditLog(during, { action: "secrets-rotate", limit: 5 })).length).toBe(2);

    const after = await engineWith(NEW); // FANOUT_SECRET_PREVIOUS dropped
    for (let i = 0; i < 7; i++) {
      expect(await after.accounts.tokens("twitter", `u${i}`)).toMatchObject({ token: `access-${i}`, refreshToken: i % 2 ? `refresh-${i}` : null });
      expect((await after.accounts.info("twitter", `u${i}`))?.keyId).toBe(after.vault.currentKeyId);
    }
    expect((await endpointForDelivery(after, hook.id))?.secret).toBe(hook.secret);
    const raw = JSON.stringify(await after.redis.hgetall(after.keys.accountToken("twitter", "u1")));
    expect(raw).not.toContain("access-1");
  });

  it("never overwrites a token reconnected meanwhile, and reports (never erases) one sealed under an unknown key", async () => {
    const old = await engineWith(OLD);
    await old.accounts.connect("mastodon", "a", "first", null);
    const ring = await engineWith(NEW, OLD);
    const key = ring.keys.accountToken("mastodon", "a");
    const read = await ring.redis.hget(key, "token");
    await ring.accounts.connect("mastodon", "a", "second", null); // the user reconnects between our read and our write
    const replaced = await runScript(ring.redis, "reseal", [key], [read ?? "", "", ring.vault.seal("first"), "", ring.vault.currentKeyId]);
    expect(replaced).toBe(0);
    expect((await ring.accounts.tokens("mastodon", "a"))?.token).toBe("second");

    const stranger = await engineWith("some-other-secret-000000000");
    await stranger.accounts.connect("mastodon", "b", "theirs", null);
    const report = await rotateSecrets(ring, op);
    expect(report.unreadable).toEqual(["mastodon:b"]);
    expect(report.remaining).toBe(1);
    expect(await ring.redis.hget(ring.keys.accountToken("mastodon", "b"), "token")).toBeTruthy();
  });
});
