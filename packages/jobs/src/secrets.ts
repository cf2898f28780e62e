import { resealWebhookSecrets } from "./delivery/webhooks.ts";
import type { Engine } from "./engine.ts";
import { audit, type Actor } from "./ops.ts";
import { runScript } from "./scripts.ts";
import { VaultError } from "./vault.ts";

/**
 * Secret rotation with a key ring. To rotate: start workers and the console with the new FANOUT_SECRET and the old one
 * as FANOUT_SECRET_PREVIOUS (they open values sealed under either and seal under the new one), run
 * `fanout secrets rotate` (re-seals every stored token and webhook secret under the current key while everything keeps
 * running), check `fanout secrets status` shows nothing left under the old key, then drop FANOUT_SECRET_PREVIOUS.
 *
 * Each token hash is re-sealed with a compare-and-set (reseal-1.lua): a token that was reconnected or refreshed
 * between our read and our write is left alone (it is sealed under the current key already).
 */
export interface SecretsStatus { currentKeyId: string; tokensByKey: Record<string, number>; accounts: number; webhookSecretsByKey: Record<string, number> }
export interface RotateReport { currentKeyId: string; tokens: number; webhooks: number; unreadable: string[]; remaining: number }

const SCAN = 500;

export async function secretsStatus(engine: Engine): Promise<SecretsStatus> {
  const tokensByKey: Record<string, number> = {};
  let accounts = 0;
  for await (const account of accountsOf(engine)) {
    const keyId = await engine.redis.hget(tokenKey(engine, account), "keyId");
    if (keyId) tokensByKey[keyId] = (tokensByKey[keyId] ?? 0) + 1;
    accounts++;
  }
  const webhookSecretsByKey: Record<string, number> = {};
  for (const id of await engine.redis.zrange(engine.keys.webhookEndpoints(), 0, -1)) {
    const sealed = await engine.redis.hget(engine.keys.webhookEndpoint(id), "secret");
    if (sealed) webhookSecretsByKey[engine.vault.keyIdOf(sealed)] = (webhookSecretsByKey[engine.vault.keyIdOf(sealed)] ?? 0) + 1;
  }
  return { currentKeyId: engine.vault.currentKeyId, tokensByKey, accounts, webhookSecretsByKey };
}

export async function rotateSecrets(engine: Engine, actor: Actor): Promise<RotateReport> {
  const { vault } = engine;
  let tokens = 0;
  const unreadable: string[] = [];
  for await (const account of accountsOf(engine)) {
    const key = tokenKey(engine, account);
    for (let tries = 0; tries < 3; tries++) {
      const h = await engine.redis.hgetall(key);
      if (!h.token) break; // disconnected: no token to keep
      const stale = [h.token, h.refreshToken].filter((v): v is string => Boolean(v)).some((v) => vault.keyIdOf(v) !== vault.currentKeyId);
      if (!stale) break;
      let token: string, refresh: string;
      try {
        token = vault.seal(vault.open(h.token));
        refresh = h.refreshToken ? vault.seal(vault.open(h.refreshToken)) : "";
      } catch (err) {
        if (!(err instanceof VaultError)) throw err;
        unreadable.push(account); // sealed under a key not in the ring: reported, never erased
        break;
      }
      const done = await runScript(engine.redis, "reseal", [key], [h.token, h.refreshToken ?? "", token, refresh, vault.currentKeyId]);
      if (done === 1) { tokens++; break; }
    }
  }
  const webhooks = await resealWebhookSecrets(engine);
  const after = await secretsStatus(engine);
  const remaining = Object.entries(after.tokensByKey).filter(([k]) => k !== vault.currentKeyId).reduce((n, [, c]) => n + c, 0) +
    Object.entries(after.webhookSecretsByKey).filter(([k]) => k !== vault.currentKeyId).reduce((n, [, c]) => n + c, 0);
  await audit(engine, actor, "secrets-rotate", { keyId: vault.currentKeyId, tokens, webhooks, unreadable: unreadable.length, remaining });
  engine.log.info({ keyId: vault.currentKeyId, tokens, webhooks, unreadable: unreadable.length, remaining }, "secrets rotated");
  return { currentKeyId: vault.currentKeyId, tokens, webhooks, unreadable, remaining };
}

async function* accountsOf(engine: Engine): AsyncGenerator<string> {
  for (let start = 0; ; start += SCAN) {
    const page = await engine.redis.zrange(engine.keys.accountsIndex(), start, start + SCAN - 1);
    yield* page;
    if (page.length < SCAN) return;
  }
}

function tokenKey(engine: Engine, account: string): string {
  const i = account.indexOf(":");
  return engine.keys.accountToken(account.slice(0, i), account.slice(i + 1));
}
