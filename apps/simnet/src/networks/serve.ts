import type { Account } from "../accounts/account.ts";
import type { NetworkConfig } from "../config/schema.ts";
import { appliesTo } from "../config/store.ts";
import type { Reply } from "../http/reply.ts";
import { chance } from "../ids/rng.ts";
import { buildPage, type Page } from "../paging/page.ts";
import type { NetworkAdapter, PageRequest, Route } from "./adapter.ts";
import type { NetworkRuntime } from "./runtime.ts";

export interface ServeInput {
  adapter: NetworkAdapter;
  runtime: NetworkRuntime;
  config: NetworkConfig;
  account: Account;
  route: Extract<Route, { kind: "followers" | "profile" }>;
  query: Map<string, string>;
  origin: string;
  token: string;
}

const MAX_DRIFT = 1_000;

/**
 * An offset page under overlapRate. Real offset drift comes from a follower added mid-walk: the reader's next page
 * starts one item early, and so does every page after it, while the total grows by one. simnet keeps the true set
 * unchanged, so it models the drift per reader: a client that advances by the elements it received (or follows
 * the links) still sees every follower, with one repeat per drift.
 */
function offsetPage(input: ServeInput, request: PageRequest, position: number, endless: boolean): { page: Page; drift: number } {
  const { runtime, config, account, token } = input;
  const key = `${token}\u0000${account.id}`;
  let drift = position === 0 ? 0 : (runtime.offsetDrift.get(key) ?? 0);
  if (position > 0 && drift < Math.min(position, MAX_DRIFT) && chance(runtime.rng.overlap, config.overlapRate)) drift++;
  if (drift === 0) runtime.offsetDrift.delete(key);
  else runtime.offsetDrift.set(key, drift);
  const page = buildPage(account.followers, { kind: "offset", position: Math.max(0, position - drift) }, {
    limit: request.limit, short: chance(runtime.rng.short, config.shortPageRate), overlap: false, endless, rng: runtime.rng.short,
  });
  if (page.next?.kind === "offset") page.next = { kind: "offset", position: page.next.position + drift };
  return { page, drift };
}

/** The answer a healthy server gives: one page of followers (with the paging faults applied) or a profile. */
export function serve(input: ServeInput): Reply {
  const { adapter, runtime, config, account, route, query, origin } = input;
  if (route.kind === "profile") return adapter.renderProfile(account, query);
  const request = adapter.pageRequest(account, query, config);
  if ("status" in request) return request;
  const endless = appliesTo(config.endlessPaging, account.id);
  const zero = endless || appliesTo(config.zeroTotal, account.id);
  let page: Page;
  let drift = 0;
  if (request.start.kind === "offset") {
    ({ page, drift } = offsetPage(input, request, request.start.position, endless));
  } else {
    page = buildPage(account.followers, request.start, {
      limit: request.limit,
      short: chance(runtime.rng.short, config.shortPageRate),
      overlap: request.start.kind !== "first" && chance(runtime.rng.overlap, config.overlapRate),
      endless,
      rng: runtime.rng.short,
    });
  }
  return adapter.renderPage({
    account, page, request, query, origin,
    total: zero ? 0 : account.followers.count + drift,
    route: { base: route.base, subject: route.subject },
  });
}
