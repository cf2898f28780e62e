import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Engine } from "../engine.ts";
import { audit, InputError, NotFoundError, type Actor } from "../ops.ts";
import { RateLimitedError } from "./errors.ts";
import { runScript as runLua } from "../scripts.ts";

/**
 * API keys of the host website's `/api/v1`: `fo_<id>_<secret>`, shown once. Only a SHA-256 of the secret is stored
 * (the secret is 256 random bits: a slow hash would add nothing); the id finds the record, so checking a key is one
 * read and one constant-time compare. Last use is written at most once a minute per key.
 *
 * Keys: `{apikeys}:names` (name → id), `{apikeys}:key:<id>` (name, hash, createdAt, lastUsedAt), and the per-key
 * request window `{api.<name>}:rate` (its own tag: busy keys spread over a cluster).
 */
export interface ApiKeyView { name: string; createdAt: number; lastUsedAt: number | null }

const KEY = /^fo_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const LAST_USE_EVERY_MS = 60_000;

export class ApiKeyExistsError extends Error {
  constructor(name: string) {
    super(`an API key named "${name}" exists (revoke it first)`);
    this.name = "ApiKeyExistsError";
  }
}

const digest = (secret: string) => createHash("sha256").update(secret, "utf8").digest();

/** Creates a key; the returned `key` is the only time it is ever shown. */
export async function createApiKey(engine: Engine, name: string, actor: Actor): Promise<{ name: string; key: string; createdAt: number }> {
  if (!NAME.test(name)) throw new InputError("an API key name is 1–64 letters, digits, _ . - (starting with a letter or digit)");
  const id = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const now = engine.clock.now();
  if ((await engine.redis.hsetnx(engine.keys.apiKeyNames(), name, id)) === 0) throw new ApiKeyExistsError(name);
  await engine.redis.hset(engine.keys.apiKey(id), { name, hash: digest(secret).toString("hex"), createdAt: String(now) });
  await audit(engine, actor, "apikey-add", { name });
  return { name, key: `fo_${id}_${secret}`, createdAt: now };
}

export async function revokeApiKey(engine: Engine, name: string, actor: Actor): Promise<{ name: string; revoked: true }> {
  const id = await engine.redis.hget(engine.keys.apiKeyNames(), name);
  if (!id) throw new NotFoundError(`no API key named "${name}"`);
  await engine.redis.del(engine.keys.apiKey(id));
  await engine.redis.hdel(engine.keys.apiKeyNames(), name);
  await engine.redis.del(engine.keys.apiRate(name));
  await audit(engine, actor, "apikey-revoke", { name });
  return { name, revoked: true };
}

/** Every key's name, creation and last use, oldest first. Never the key. */
export async function listApiKeys(engine: Engine): Promise<ApiKeyView[]> {
  const names = await engine.redis.hgetall(engine.keys.apiKeyNames());
  const out: ApiKeyView[] = [];
  for (const [name, id] of Object.entries(names)) {
    const [createdAt, lastUsedAt] = await engine.redis.hmget(engine.keys.apiKey(id), "createdAt", "lastUsedAt");
    if (createdAt) out.push({ name, createdAt: Number(createdAt), lastUsedAt: lastUsedAt ? Number(lastUsedAt) : null });
  }
  return out.sort((a, b) => a.createdAt - b.createdAt);
}

/** The key's name, or null for anything that is not a live key (malformed, unknown, revoked). */
export async function verifyApiKey(engine: Engine, key: string): Promise<{ name: string } | null> {
  const m = KEY.exec(key);
  if (!m?.[1] || !m[2]) return null;
  const rec = await engine.redis.hgetall(engine.keys.apiKey(m[1]));
  if (!rec.hash || !rec.name) return null;
  const stored = Buffer.from(rec.hash, "hex");
  const given = digest(m[2]);
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
  const now = engine.clock.now();
  if (!rec.lastUsedAt || now - Number(rec.lastUsedAt) >= LAST_USE_EVERY_MS) await engine.redis.hset(engine.keys.apiKey(m[1]), "lastUsedAt", String(now));
  return { name: rec.name };
}

/** `Authorization: Bearer …` → the key's name, or null (the route answers 401). */
export async function verifyBearer(engine: Engine, authorization: string | null | undefined): Promise<{ name: string } | null> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return m?.[1] ? verifyApiKey(engine, m[1]) : null;
}

export interface RateVerdict { limit: number; remaining: number; resetMs: number }

/**
 * Charges one request to the key's sliding window (a sorted set of request times: exact, at most `max` entries).
 * Throws RateLimitedError (429 with Retry-After) when the window is full; otherwise says what is left.
 */
export async function takeApiRequest(engine: Engine, name: string, limits = engine.settings.delivery.api): Promise<RateVerdict> {
  const now = engine.clock.now();
  const member = `${now}-${randomBytes(4).toString("hex")}`;
  const [ok, remaining, waitMs] = ((await runLua(engine.redis, "apiRate", [engine.keys.apiRate(name)], [now, limits.windowMs, limits.maxRequests, member])) as number[]).map(Number);
  if (ok !== 1) throw new RateLimitedError(`API key "${name}" is over ${limits.maxRequests} requests per ${limits.windowMs / 1_000} s`, waitMs ?? limits.windowMs);
  return { limit: limits.maxRequests, remaining: remaining ?? 0, resetMs: waitMs ?? 0 };
}
