import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import type { Keys } from "./keys.ts";
import type { RedisClient } from "./redis.ts";

/**
 * Console operators: accounts with a role, stored in Redis (one hash per operator), passwords hashed with scrypt.
 * The CLI (`fanout operators add NAME --role R`) and the console both call this module; neither touches the keys.
 *
 * Each operator carries a random session epoch: a session cookie names the epoch it was issued under, so changing
 * the password (or removing and re-adding the operator) ends every session issued before.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Operator { name: string; role: Role; createdAt: number; updatedAt: number; epoch: string }

export class OperatorInputError extends Error {
  constructor(readonly field: "name" | "password" | "role" | "admin", message: string) {
    super(message);
    this.name = "OperatorInputError";
  }
}
export class OperatorExistsError extends Error {
  constructor(name: string) {
    super(`operator "${name}" already exists`);
    this.name = "OperatorExistsError";
  }
}
export class OperatorNotFoundError extends Error {
  constructor(name: string) {
    super(`no operator "${name}"`);
    this.name = "OperatorNotFoundError";
  }
}
/** The console must always keep one admin who can manage the others. */
export class LastAdminError extends Error {
  constructor(name: string) {
    super(`"${name}" is the last admin: add another admin first`);
    this.name = "LastAdminError";
  }
}

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

/** viewer < operator < admin: does `role` include what `needed` may do? */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1_024;

export function validateName(name: string): string {
  if (!NAME.test(name)) throw new OperatorInputError("name", "an operator name is 1–64 letters, digits, _ . @ - (starting with a letter or digit)");
  return name;
}

export function validatePassword(password: string): string {
  if (password.length < PASSWORD_MIN) throw new OperatorInputError("password", `a password has at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw new OperatorInputError("password", `a password has at most ${PASSWORD_MAX} characters`);
  return password;
}

export function validateRole(role: string): Role {
  if (!isRole(role)) throw new OperatorInputError("role", `a role is one of ${ROLES.join(", ")}`);
  return role;
}

/** `name:password` (FANOUT_ADMIN): the name stops at the first ':', the password may hold more. */
export function parseAdminSpec(spec: string): { name: string; password: string } {
  const i = spec.indexOf(":");
  if (i <= 0) throw new OperatorInputError("admin", "FANOUT_ADMIN is name:password");
  return { name: validateName(spec.slice(0, i)), password: validatePassword(spec.slice(i + 1)) };
}

// scrypt N = 2^15, r = 8, p = 1: ~32 MiB and tens of milliseconds per hash; the parameters are stored with the hash.
const PARAMS = { logN: 15, r: 8, p: 1 } as const;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r };
  return new Promise((resolve, reject) => scryptCb(password.normalize("NFC"), salt, KEYLEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$logN$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS.logN, PARAMS.r, PARAMS.p);
  return ["scrypt", PARAMS.logN, PARAMS.r, PARAMS.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [alg, logN, r, p, salt, hash] = stored.split("$");
  const n = Number(logN), rr = Number(r), pp = Number(p);
  // Bounded parameters: a hash written by hand into Redis must not make one sign-in cost gigabytes.
  if (alg !== "scrypt" || !salt || !hash || !(n >= 10 && n <= 20) || !(rr >= 1 && rr <= 32) || !(pp >= 1 && pp <= 16)) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), n, rr, pp);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface OperatorsDeps {
  redis: RedisClient;
  keys: Keys;
  clock: { now(): number };
  /** Sign-in attempts allowed per client address and name in one window. */
  loginLimit?: { max: number; windowMs: number };
}

export interface LoginAttempt { allowed: boolean; remaining: number; retryAfterMs: number }

export function createOperators({ redis, keys, clock, loginLimit = { max: 5, windowMs: 60_000 } }: OperatorsDeps) {
  // Unknown names are checked against a throwaway hash, so a wrong name costs as long as a wrong password.
  let decoy: Promise<string> | null = null;

  const read = async (name: string): Promise<(Operator & { hash: string }) | null> => toOperator(await redis.hgetall(keys.operator(name)));

  async function adminCount(): Promise<number> {
    const names = await redis.zrange(keys.operators(), 0, -1);
    const p = redis.pipeline();
    for (const n of names) p.hget(keys.operator(n), "role");
    const roles = ((await p.exec()) ?? []).map(([, v]) => v);
    return roles.filter((r) => r === "admin").length;
  }

  async function requireOperator(name: string): Promise<Operator & { hash: string }> {
    const op = await read(validateName(name));
    if (!op) throw new OperatorNotFoundError(name);
    return op;
  }

  const ops = {
    async addOperator(name: string, password: string, role: string): Promise<Operator> {
      validateName(name);
      validatePassword(password);
      const r = validateRole(role);
      const hash = await hashPassword(password);
      const now = clock.now();
      // HSETNX claims the name atomically: two concurrent adds (or two consoles starting) create it once.
      const claimed = await redis.hsetnx(keys.operator(name), "hash", hash);
      if (claimed === 0) throw new OperatorExistsError(name);
      const op: Operator = { name, role: r, createdAt: now, updatedAt: now, epoch: randomBytes(8).toString("hex") };
      const m = redis.multi();
      m.hset(keys.operator(name), { name, role: r, createdAt: String(now), updatedAt: String(now), epoch: op.epoch });
      m.zadd(keys.operators(), now, name);
      await m.exec();
      return op;
    },

    async removeOperator(name: string): Promise<void> {
      const op = await requireOperator(name);
      if (op.role === "admin" && (await adminCount()) <= 1) throw new LastAdminError(name);
      const m = redis.multi();
      m.del(keys.operator(name));
      m.zrem(keys.operators(), name);
      await m.exec();
    },

    async listOperators(): Promise<Operator[]> {
      const names = await redis.zrange(keys.operators(), 0, -1);
      const p = redis.pipeline();
      for (const n of names) p.hgetall(keys.operator(n));
      const rows = (await p.exec()) ?? [];
      return rows.map(([, h]) => toOperator(h as Record<string, string>)).filter((o) => o !== null).map(publicView);
    },

    async getOperator(name: string): Promise<Operator | null> {
      if (!NAME.test(name)) return null;
      const op = await read(name);
      return op ? publicView(op) : null;
    },

    async setRole(name: string, role: string): Promise<Operator> {
      const r = validateRole(role);
      const op = await requireOperator(name);
      if (op.role === "admin" && r !== "admin" && (await adminCount()) <= 1) throw new LastAdminError(name);
      const updatedAt = clock.now();
      await redis.hset(keys.operator(name), { role: r, updatedAt: String(updatedAt) });
      return publicView({ ...op, role: r, updatedAt });
    },

    /** A new password ends every session of this operator (new epoch). */
    async setPassword(name: string, password: string): Promise<Operator> {
      validatePassword(password);
      const op = await requireOperator(name);
      const hash = await hashPassword(password);
      const updatedAt = clock.now();
      const epoch = randomBytes(8).toString("hex");
      await redis.hset(keys.operator(name), { hash, epoch, updatedAt: String(updatedAt) });
      return publicView({ ...op, epoch, updatedAt });
    },

    /** The operator when the password is right; null for a wrong password or an unknown name (same cost). */
    async verifyPassword(name: string, password: string): Promise<Operator | null> {
      const op = NAME.test(name) && password.length <= PASSWORD_MAX ? await read(name) : null;
      if (!op) {
        decoy ??= hashPassword(randomBytes(16).toString("hex"));
        await checkPassword(password.slice(0, PASSWORD_MAX), await decoy);
        return null;
      }
      return (await checkPassword(password, op.hash)) ? publicView(op) : null;
    },

    /** Creates the first admin from FANOUT_ADMIN (`name:password`) when no operator of that name exists. */
    async ensureAdmin(spec: string): Promise<{ name: string; created: boolean }> {
      const { name, password } = parseAdminSpec(spec);
      if (await redis.exists(keys.operator(name))) return { name, created: false };
      try {
        await ops.addOperator(name, password, "admin");
        return { name, created: true };
      } catch (err) {
        if (err instanceof OperatorExistsError) return { name, created: false };
        throw err;
      }
    },

    /** Charges one sign-in attempt to (address, name); refused past `loginLimit.max` in the window. */
    async takeLoginAttempt(address: string, name: string): Promise<LoginAttempt> {
      const k = keys.loginAttempts(attemptDigest(address, name));
      const res = await redis.multi().set(k, "0", "PX", loginLimit.windowMs, "NX").incr(k).pttl(k).exec();
      const count = Number(res?.[1]?.[1] ?? 0);
      const ttl = Number(res?.[2]?.[1] ?? loginLimit.windowMs);
      const allowed = count <= loginLimit.max;
      return { allowed, remaining: Math.max(0, loginLimit.max - count), retryAfterMs: allowed ? 0 : Math.max(ttl, 0) };
    },

    async clearLoginAttempts(address: string, name: string): Promise<void> {
      await redis.del(keys.loginAttempts(attemptDigest(address, name)));
    },

    /** The operator behind a session, or null when it was removed, its epoch changed or the session was revoked. */
    async checkSession(s: { name: string; sid: string; epoch: string }): Promise<Operator | null> {
      if (!NAME.test(s.name) || !/^[A-Za-z0-9_-]{8,64}$/.test(s.sid)) return null;
      const res = await redis.pipeline().hgetall(keys.operator(s.name)).exists(keys.revokedSession(s.sid)).exec();
      // A failed read is not a signed-out operator: raise it, so callers answer 503 and the session survives a blip.
      const failed = res?.find(([err]) => err)?.[0];
      if (!res || failed) throw failed ?? new Error("redis: no reply to the session check");
      const op = toOperator((res[0]?.[1] ?? {}) as Record<string, string>);
      if (!op || op.epoch !== s.epoch || Number(res[1]?.[1] ?? 0) > 0) return null;
      return publicView(op);
    },

    /** Ends one session before its expiry (sign-out); the mark lives as long as the session could have. */
    async revokeSession(sid: string, ttlMs: number): Promise<void> {
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(sid)) return;
      await redis.set(keys.revokedSession(sid), "1", "PX", Math.max(1, Math.ceil(ttlMs)));
    },
  };
  return ops;
}

export type Operators = ReturnType<typeof createOperators>;

function attemptDigest(address: string, name: string): string {
  return createHash("sha256").update(`${address}\n${name}`).digest("base64url").slice(0, 32);
}

function toOperator(h: Record<string, string>): (Operator & { hash: string }) | null {
  // A record mid-creation (hash claimed, fields not yet written) is not an operator yet.
  if (!h.name || !h.hash || !h.epoch || !isRole(h.role)) return null;
  return { name: h.name, role: h.role, createdAt: Number(h.createdAt ?? 0), updatedAt: Number(h.updatedAt ?? 0), epoch: h.epoch, hash: h.hash };
}

function publicView(op: Operator & { hash?: string }): Operator {
  return { name: op.name, role: op.role, createdAt: op.createdAt, updatedAt: op.updatedAt, epoch: op.epoch };
}
