/**
 * The contract between the engine and a network client. A client turns one page request into one HTTP call and
 * answers a normalized page, or throws a NetworkError (errors.ts) whose `kind` tells the worker what to do.
 */

/** A published limit, as the network documents it. Keys are built by the limiter from `scope`. */
export interface LimitFactor {
  /** token: per access token; app: across every token of the network; ip: per egress address. */
  scope: "token" | "app" | "ip";
  max: number;
  windowMs: number;
  /** Counts only requests that carry a cursor (Mastodon's paging limit). */
  paging?: boolean;
  /** Windows aligned to period boundaries (Mastodon) rather than starting at the key's first call (Twitter). */
  aligned?: boolean;
  /** Only calls to this endpoint ("followers", "profile"); all when absent. */
  endpoint?: string;
  /**
   * Calls that may go at once after a quiet spell; beyond it calls are spaced window/max apart (GCRA pacing inside
   * the sliding log). Default: 10 for windows under a minute (high rates, where a whole window charged at once
   * reaches the API smeared by the callers' jitter and spills into the next rolling window); the whole max for a
   * minute or more (Twitter's 15 per 15 min, Mastodon's 300 per 5 min: a user's first pages never wait a pacing
   * step of seconds or minutes, and the jitter is small against the window's guard).
   */
  burst?: number;
}

/** What one response's headers said about the limit that governs it. All times are epoch milliseconds. */
export interface RateObservation {
  limit?: number;
  remaining?: number;
  resetAtMs?: number;
  /** Facebook X-App-Usage / X-Business-Use-Case-Usage: the highest of the percentages (0–100). */
  usagePct?: number;
  /** Retry-After, or Facebook's estimated_time_to_regain_access, in ms from now. */
  retryAfterMs?: number;
}

export type PagingStyle = "cursor" | "offset";

export interface PageRequest {
  /** The account whose followers are read (the network's own id). */
  accountId: string;
  /** Cursor paging: the opaque cursor from the previous page; null for the first page. */
  cursor: string | null;
  /** Offset paging: index of the first item. 0 for cursor paging. */
  offset: number;
  pageSize: number;
}

export interface Page {
  /** Follower ids as the network's own user ids (strings). May repeat ids of earlier pages (overlap). */
  ids: string[];
  /** Cursor paging: the next cursor, or null when the API says this is the end. Always null for offset paging. */
  next: string | null;
  /** The network's own total when the page carries one (LinkedIn paging.total, Facebook summary.total_count), else null. 0 from LinkedIn means "unknown". */
  total: number | null;
  rate: RateObservation | null;
}

export interface CallContext {
  /** The decrypted access token. Never logged, never put in an error message or URL that is logged. */
  token: string;
  /** Aborts the call (worker shutdown); the client adds its own hard timeout on top. */
  signal?: AbortSignal;
  /** Called as the request's headers are written to the socket: when the call really leaves (see httpCall). */
  onSent?: () => void;
}

export interface RefreshedToken { accessToken: string; refreshToken: string | null; expiresInMs: number | null }

export interface NetworkClient {
  readonly name: string;
  readonly paging: PagingStyle;
  /** The largest page the API serves; the engine asks for this unless configured otherwise. */
  readonly maxPageSize: number;
  readonly limits: readonly LimitFactor[];
  /** Hard ceiling for one call: connect + headers + body. */
  readonly timeoutMs: number;
  /** Whether any valid token may read any account's list (Twitter, Mastodon) or only the token owner's own (Facebook, LinkedIn). */
  readonly readsOthers: boolean;
  fetchPage(req: PageRequest, ctx: CallContext): Promise<Page>;
  /** One call for the account's follower total (profile), where the follower pages carry none; null when the network has no such call. */
  fetchTotal?(accountId: string, ctx: CallContext): Promise<{ total: number; rate: RateObservation | null }>;
  /** Exchanges a refresh token (Twitter OAuth 2.0). Absent when the network issues none. */
  refresh?(refreshToken: string, signal?: AbortSignal): Promise<RefreshedToken>;
}
