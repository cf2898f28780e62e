import { z } from "zod";
import { defineNetwork, endpoint, type DefineOptions, type DefinedNetwork, type NetworkSpec, type PageBody } from "./define.ts";
import { NetworkError } from "./errors.ts";
import { compactRate, intHeader, simnetResetMs, type HeaderMap } from "./headers.ts";
import { classifyWith, errorShape, excerpt, isPlainId, itemsWith, MalformedBody, PLAIN_ID, waitFrom, type Classifier, type RawResponse } from "./response.ts";
import type { PageRequest, RateObservation } from "./types.ts";

/** Mastodon, one instance (NETWORKS.md, "Mastodon"). */
export class MastodonError extends NetworkError {}

export function parseMastodonRate(headers: HeaderMap, _now: number): RateObservation | null {
  const iso = headers["x-ratelimit-reset"];
  const parsed = iso === undefined ? NaN : Date.parse(iso);
  return compactRate<RateObservation>({
    limit: intHeader(headers, "x-ratelimit-limit"),
    remaining: intHeader(headers, "x-ratelimit-remaining"),
    resetAtMs: simnetResetMs(headers) ?? (Number.isNaN(parsed) ? undefined : parsed),
  });
}

const MastodonErrorBody = z.object({ error: z.string() });

export const classifyMastodonError: Classifier = ({ status, body, rate, now }, fail) => {
  const parsed = errorShape(MastodonErrorBody, body, ["error"]);
  const what = parsed ? excerpt(parsed.error) : "";
  if (status === 429) return fail("rate_limited", `HTTP 429 ${what}`, { retryAfterMs: waitFrom(rate, now) });
  if (status === 401) return fail("auth_invalid", `HTTP 401 ${what}`);
  // "This action is outside the authorized scopes": the user must grant read:accounts again.
  if (status === 403) return fail("auth_invalid", `HTTP 403 ${what}`, { code: "scope" });
  // 404 unknown account; 410 gone (deleted/suspended); 422 invalid request.
  if (status === 404 || status === 410 || status === 422) return fail("permanent", `HTTP ${status} ${what}`);
  return null;
};

/** `<url>; rel="next", <url>; rel="prev"` → the rel="next" URL, if any. */
export function linkNext(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))/i.exec(m?.[2] ?? "");
    const rels = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (m?.[1] && rels.includes("next")) return m[1];
  }
  return null;
}

/**
 * The cursor is only the query of the Link header's rel="next" URL minus `limit` (e.g. `max_id=123`): never the
 * host (a stored cursor must not redirect a token elsewhere), never ids taken from the body (they are follow-record
 * ids, not account ids).
 */
export function cursorFromLink(link: string | undefined, base: string): string | null {
  const next = linkNext(link);
  if (next === null) return null;
  let url: URL;
  try {
    url = new URL(next, base);
  } catch (err) {
    if (err instanceof TypeError) throw new MalformedBody("Link rel=next is not a URL");
    throw err;
  }
  url.searchParams.delete("limit");
  const query = url.searchParams.toString();
  if (query === "") throw new MalformedBody("Link rel=next carries no paging parameters");
  return query;
}

const FollowersBody = itemsWith("id", isPlainId, PLAIN_ID);

const page = endpoint({
  schema: FollowersBody,
  request: (req: PageRequest) => ({
    path: `/api/v1/accounts/${encodeURIComponent(req.accountId)}/followers`,
    query: { ...Object.fromEntries(new URLSearchParams(req.cursor ?? "")), limit: req.pageSize },
  }),
  // A full last page is followed by `[]` without a Link: that, and only that, is the end.
  read: (body, res): PageBody => ({ ids: body.map((a) => a.id), next: cursorFromLink(res.headers.link, "http://cursor.invalid/"), total: null }),
});

const total = endpoint({
  schema: z.object({ followers_count: z.number().int().nonnegative() }),
  request: (accountId: string) => ({ path: `/api/v1/accounts/${encodeURIComponent(accountId)}` }),
  read: (body) => body.followers_count,
});

const FIVE_MIN = 5 * 60_000;

export const mastodonSpec = {
  name: "mastodon",
  paging: "cursor",
  pageSize: { default: 40, max: 80 },
  // Mastodon's server code: 300 per 5 min per token, and 300 per 15 min on paging requests; windows aligned.
  limits: [
    { scope: "token", max: 300, windowMs: FIVE_MIN, aligned: true },
    { scope: "token", max: 300, windowMs: 3 * FIVE_MIN, aligned: true, paging: true },
  ],
  readsOthers: true,
  page,
  total,
  parseRate: parseMastodonRate,
  classify: classifyMastodonError,
  errorClass: MastodonError,
} satisfies Omit<NetworkSpec, "baseUrl">;

export function classifyMastodon(raw: RawResponse, now: number): NetworkError | null {
  return classifyWith(mastodonSpec, page, raw, { accountId: "1", cursor: null, offset: 0, pageSize: 80 }, now);
}

export interface MastodonOptions extends DefineOptions { baseUrl: string; timeoutMs?: number }

export function createMastodonClient(opts: MastodonOptions): DefinedNetwork {
  return defineNetwork({ ...mastodonSpec, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs }, opts);
}
