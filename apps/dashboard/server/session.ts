import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { EncryptJWT, jwtDecrypt, errors as joseErrors } from "jose";

/**
 * Console sessions live in a sealed cookie: a JWE (`dir` + A256GCM) under a key derived from FANOUT_SECRET, so the
 * browser holds the session but can neither read nor forge it. The CSRF token is an HMAC of the session id: it is
 * sent back in a header on every mutation and needs no storage. Revocation (sign-out, new password, removed
 * operator) is checked against Redis by operators.checkSession.
 */
export interface Session { name: string; sid: string; epoch: string; expiresAt: number }

export interface CookieOptions { httpOnly: true; sameSite: "lax"; secure: boolean; path: "/"; maxAge: number }

export interface SessionCodec {
  cookieName: string;
  ttlMs: number;
  issue(op: { name: string; epoch: string }, nowMs: number): Promise<{ value: string; session: Session }>;
  read(value: string | undefined | null, nowMs: number): Promise<Session | null>;
  csrfToken(session: Session): string;
  csrfMatches(session: Session, token: string | null | undefined): boolean;
  cookieOptions(secure: boolean, maxAgeMs?: number): CookieOptions;
}

export const SESSION_COOKIE = "fanout_session";
export const CSRF_HEADER = "x-fanout-csrf";
const TTL_MS = 12 * 3_600_000;

const derive = (secret: string, info: string) => new Uint8Array(hkdfSync("sha256", secret, "fanout", info, 32));

/** `secrets`: current first, then the previous one, so sessions survive a FANOUT_SECRET rotation. */
export function createSessionCodec(secrets: string[], ttlMs = TTL_MS): SessionCodec {
  const [current] = secrets;
  if (!current) throw new Error("no secret for console sessions");
  const keys = secrets.map((s) => derive(s, "fanout console session v1"));
  const csrfKey = derive(current, "fanout console csrf v1");
  const csrfToken = (s: Session) => createHmac("sha256", csrfKey).update(s.sid).digest("base64url");

  return {
    cookieName: SESSION_COOKIE,
    ttlMs,
    async issue(op, nowMs) {
      const session: Session = { name: op.name, sid: randomBytes(18).toString("base64url"), epoch: op.epoch, expiresAt: nowMs + ttlMs };
      const [key] = keys;
      if (!key) throw new Error("no session key");
      const value = await new EncryptJWT({ sid: session.sid, epoch: session.epoch })
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setSubject(op.name)
        .setIssuedAt(Math.floor(nowMs / 1_000))
        .setExpirationTime(Math.floor(session.expiresAt / 1_000))
        .encrypt(key);
      return { value, session };
    },
    async read(value, nowMs) {
      if (!value || value.length > 4_096) return null;
      for (const key of keys) {
        try {
          const { payload } = await jwtDecrypt(value, key, { currentDate: new Date(nowMs), contentEncryptionAlgorithms: ["A256GCM"], keyManagementAlgorithms: ["dir"] });
          const { sub, sid, epoch, exp } = payload;
          if (typeof sub !== "string" || typeof sid !== "string" || typeof epoch !== "string" || typeof exp !== "number") return null;
          return { name: sub, sid, epoch, expiresAt: exp * 1_000 };
        } catch (err) {
          // Anything a client can send (garbage, expired, other key) means "no session"; try the previous key.
          if (err instanceof joseErrors.JOSEError) continue;
          throw err;
        }
      }
      return null;
    },
    csrfToken,
    csrfMatches(session, token) {
      if (!token) return false;
      const want = Buffer.from(csrfToken(session));
      const got = Buffer.from(token);
      return want.length === got.length && timingSafeEqual(want, got);
    },
    cookieOptions(secure, maxAgeMs = ttlMs) {
      return { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: Math.max(0, Math.floor(maxAgeMs / 1_000)) };
    },
  };
}
