import type { Network } from "../network.ts";
import { formatToken } from "./token-format.ts";

export type TokenFailure = "invalid" | "revoked" | "expired";
export type TokenCheck = { ok: true; accountId: string } | { ok: false; reason: TokenFailure };

interface AccessRecord { accountId: string; expiresAt: number | null; revoked: boolean }
interface RefreshRecord { accountId: string; revoked: boolean; used: boolean }

export interface IssuedTokens { token: string; refreshToken: string; expiresAt: number | null }

/** Access and refresh tokens of one network: issued, checked, revoked, rotated. */
export class TokenStore {
  private readonly access = new Map<string, AccessRecord>();
  private readonly refresh = new Map<string, RefreshRecord>();
  private readonly byAccount = new Map<string, string[]>();

  constructor(private readonly seed: number, private readonly network: Network) {}

  /** Issues generation `generation` of the account's tokens; ttl null = never expires. */
  issue(accountId: string, generation: number, ttlMs: number | null, now: number): IssuedTokens {
    const label = `${accountId.length}:${accountId}:${generation}`;
    const token = formatToken(this.seed, this.network, "access", label);
    const refreshToken = formatToken(this.seed, this.network, "refresh", label);
    const expiresAt = ttlMs === null ? null : now + ttlMs;
    this.access.set(token, { accountId, expiresAt, revoked: false });
    this.refresh.set(refreshToken, { accountId, revoked: false, used: false });
    const list = this.byAccount.get(accountId) ?? [];
    list.push(token, refreshToken);
    this.byAccount.set(accountId, list);
    return { token, refreshToken, expiresAt };
  }

  check(token: string, now: number): TokenCheck {
    const rec = this.access.get(token);
    if (!rec) return { ok: false, reason: "invalid" };
    if (rec.revoked) return { ok: false, reason: "revoked" };
    if (rec.expiresAt !== null && now >= rec.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, accountId: rec.accountId };
  }

  /** Consumes a refresh token: the account id when it was live, else undefined (unknown, used or revoked). */
  consumeRefresh(refreshToken: string): string | undefined {
    const rec = this.refresh.get(refreshToken);
    if (!rec || rec.used || rec.revoked) return undefined;
    rec.used = true;
    return rec.accountId;
  }

  /** A user revoking the app kills every token the account holds, access and refresh alike. */
  revokeAccount(accountId: string): void {
    for (const t of this.byAccount.get(accountId) ?? []) {
      const a = this.access.get(t);
      if (a) a.revoked = true;
      const r = this.refresh.get(t);
      if (r) r.revoked = true;
    }
  }

  /** Reset to the seed state: revocations and expiries are undone; used refresh tokens stay used. */
  restore(): void {
    for (const rec of this.access.values()) {
      rec.revoked = false;
      rec.expiresAt = null;
    }
    for (const rec of this.refresh.values()) rec.revoked = false;
  }
}
