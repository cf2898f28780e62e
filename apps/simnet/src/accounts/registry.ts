import { NETWORKS, type Network } from "../network.ts";
import { createRng } from "../ids/rng.ts";
import { newAccount, type Account } from "./account.ts";
import { SEED_ACCOUNTS } from "./seed-accounts.ts";
import { TokenStore, type TokenCheck } from "./tokens.ts";

export interface AccountView { network: Network; id: string; token: string; refreshToken: string; followers: number }
export interface Refreshed { account: Account; token: string; refreshToken: string; expiresAt: number | null }

/** Ids the networks' own routes use (`/me`, `/accounts/verify_credentials`), so no account may take them. */
const RESERVED = new Set(["me", "verify_credentials", "lookup", "search", "relationships", "oauth2"]);
export const ACCOUNT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function isReservedId(id: string): boolean {
  return RESERVED.has(id);
}

/** Every account of every network, with their token stores. Accounts are created, never deleted. */
export class Registry {
  private readonly accounts = new Map<Network, Map<string, Account>>();
  private readonly stores = new Map<Network, TokenStore>();
  private created = 0;

  constructor(private readonly seed: number, now: number) {
    for (const network of NETWORKS) {
      this.accounts.set(network, new Map());
      this.stores.set(network, new TokenStore(seed, network));
      for (const s of SEED_ACCOUNTS) this.create(network, s.id, s.followers, null, now);
    }
  }

  get(network: Network, id: string): Account | undefined {
    return this.accounts.get(network)?.get(id);
  }

  list(network?: Network): Account[] {
    const nets = network ? [network] : NETWORKS;
    return nets.flatMap((n) => [...(this.accounts.get(n)?.values() ?? [])]);
  }

  /** Creates an account; undefined when the id is taken. Without an id, the next free `acctN` is used. */
  create(network: Network, id: string | undefined, followers: number, ttlMs: number | null, now: number): Account | undefined {
    const map = this.accounts.get(network);
    if (!map) return undefined;
    let chosen = id;
    while (chosen === undefined || (id === undefined && map.has(chosen))) chosen = `acct${++this.created}`;
    if (map.has(chosen)) return undefined;
    const account = newAccount(this.seed, network, chosen, followers);
    map.set(chosen, account);
    this.issue(account, ttlMs, now);
    return account;
  }

  /** A new token pair, as a user reconnecting gets; older tokens keep whatever state they had. */
  issue(account: Account, ttlMs: number | null, now: number): { expiresAt: number | null } {
    account.generation++;
    const issued = this.store(account.network).issue(account.id, account.generation, ttlMs, now);
    account.token = issued.token;
    account.refreshToken = issued.refreshToken;
    return { expiresAt: issued.expiresAt };
  }

  /** OAuth 2.0 refresh: the old refresh token dies (a second use fails), a new pair is issued. */
  refresh(network: Network, refreshToken: string, ttlMs: number | null, now: number): Refreshed | undefined {
    const accountId = this.store(network).consumeRefresh(refreshToken);
    const account = accountId === undefined ? undefined : this.get(network, accountId);
    if (!account) return undefined;
    const { expiresAt } = this.issue(account, ttlMs, now);
    return { account, token: account.token, refreshToken: account.refreshToken, expiresAt };
  }

  revoke(account: Account): void {
    this.store(account.network).revokeAccount(account.id);
  }

  checkToken(network: Network, token: string, now: number): TokenCheck {
    return this.store(network).check(token, now);
  }

  /** Adds `add` new (newest) followers and removes `remove` existing ones, chosen from the seed. */
  changeFollowers(account: Account, add: number, remove: number): void {
    const f = account.followers;
    if (remove > 0) f.remove(remove, createRng(this.seed, `remove:${account.network}:${account.id}:${f.version}`));
    f.add(add);
  }

  restoreTokens(): void {
    for (const store of this.stores.values()) store.restore();
  }

  private store(network: Network): TokenStore {
    const s = this.stores.get(network);
    if (!s) throw new Error(`no token store for ${network}`);
    return s;
  }
}

export function viewOf(a: Account): AccountView {
  return { network: a.network, id: a.id, token: a.token, refreshToken: a.refreshToken, followers: a.followers.count };
}
