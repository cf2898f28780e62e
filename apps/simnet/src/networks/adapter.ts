import type { IncomingMessage } from "node:http";
import type { Account } from "../accounts/account.ts";
import type { TokenFailure } from "../accounts/tokens.ts";
import type { NetworkConfig } from "../config/schema.ts";
import type { Rng } from "../ids/rng.ts";
import type { Reply } from "../http/reply.ts";
import type { RateView } from "../limits/windows.ts";
import type { Network } from "../network.ts";
import type { Page, Start } from "../paging/page.ts";

/** What a request asks for, once the network's router has read the path. */
export type Route =
  /** `subject` null = the token's own account (`/me/friends`, `q=viewer`) */
  | { kind: "followers"; subject: string | null; base: string }
  | { kind: "profile"; subject: string | null; base: string }
  | { kind: "refresh" }
  | { kind: "reply"; reply: Reply };

export interface PageRequest { start: Start; limit: number }

export interface RenderInput {
  account: Account;
  page: Page;
  request: PageRequest;
  /** null when the network's page carries no total; 0 under `zeroTotal`/`endlessPaging` */
  total: number | null;
  query: Map<string, string>;
  /** `http://host` as the client addressed us, for absolute paging links */
  origin: string;
  route: { base: string; subject: string | null };
}

export type AuthProblem = "missing" | TokenFailure;
export type ThrottleKind = "published" | "hidden" | "usageCap";

/** Everything that makes one network look like itself on the wire; the pipeline does the rest. */
export interface NetworkAdapter {
  readonly network: Network;
  /** Facebook and LinkedIn serve only the token owner's own list. */
  readonly ownListOnly: boolean;
  /** Mastodon aligns windows to period boundaries; the others open them at the first call. */
  readonly alignedWindows: boolean;
  /** Mastodon's limits cover the whole API; elsewhere published limits are per endpoint (the follower list). */
  readonly limitsCoverProfiles: boolean;
  route(method: string, segments: readonly string[], query: Map<string, string>): Route;
  token(req: IncomingMessage, query: Map<string, string>): string | undefined;
  /** Whether the request carries a cursor (for `paging: true` limits). */
  isPaging(query: Map<string, string>): boolean;
  pageRequest(account: Account, query: Map<string, string>, config: NetworkConfig): PageRequest | Reply;
  renderPage(input: RenderInput): Reply;
  renderProfile(account: Account, query: Map<string, string>): Reply;
  authError(problem: AuthProblem): Reply;
  permissionError(subject: string): Reply;
  notFound(subject: string): Reply;
  throttle(kind: ThrottleKind): Reply;
  /** The network's own rate-limit headers (plus `x-simnet-reset-ms` whenever there are any). */
  rateHeaders(view: RateView): Record<string, string>;
  serverError(status: 500 | 502 | 503 | 504, rng: Rng): Reply;
}
