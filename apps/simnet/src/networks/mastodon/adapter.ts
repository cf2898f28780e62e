import type { IncomingMessage } from "node:http";
import { followerId, type Account } from "../../accounts/account.ts";
import { jsonReply, rawJson, type Reply } from "../../http/reply.ts";
import type { RateView } from "../../limits/windows.ts";
import type { Start } from "../../paging/page.ts";
import type { AuthProblem, NetworkAdapter, PageRequest, RenderInput, Route } from "../adapter.ts";
import { bearer, unknownRoute, wrongMethod } from "../common.ts";

const DEFAULT_LIMIT = 40;
const MAX_LIMIT = 80;
const PAGING_PARAMS = ["max_id", "since_id", "min_id", "page"];

function route(method: string, s: readonly string[]): Route {
  // /api/v1/accounts/:id/followers, /api/v1/accounts/:id, /api/v1/accounts/verify_credentials
  if (s[0] !== "api" || s[1] !== "v1" || s[2] !== "accounts" || s[3] === undefined || s.length > 5) return unknownRoute();
  if (s.length === 5 && s[4] !== "followers") return unknownRoute();
  if (method !== "GET") return wrongMethod("GET");
  const own = s[3] === "verify_credentials";
  if (own && s.length === 5) return unknownRoute();
  const subject = own ? null : s[3];
  const base = `/mastodon/api/v1/accounts/${encodeURIComponent(s[3])}`;
  return s.length === 5 ? { kind: "followers", subject, base } : { kind: "profile", subject, base };
}

/** Rails' `limit_param`: blank = default, otherwise `to_i.abs` capped at twice the default. */
function limitOf(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_LIMIT;
  const n = Math.abs(parseInt(raw, 10));
  return Number.isNaN(n) ? DEFAULT_LIMIT : Math.min(Math.max(n, 1), MAX_LIMIT);
}

/**
 * Follow-record ids: `followBase + ordinal`. An endlessly paging account's pages past the end are addressed by ids
 * below the base (`followBase - 1 - n` is the n-th such page).
 */
function startOf(account: Account, query: Map<string, string>, endless: boolean): Start | undefined {
  const pick = (name: string): number | undefined | null => {
    const v = query.get(name);
    if (v === undefined || v === "") return null;
    return /^\d{1,16}$/.test(v) ? Number(v) : undefined;
  };
  const max = pick("max_id");
  const min = pick("min_id");
  const since = pick("since_id");
  if (max === undefined || min === undefined || since === undefined) return undefined;
  if (max !== null) {
    const ordinal = max - account.followBase;
    return ordinal < 0 && endless ? { kind: "endless", n: -ordinal - 1 } : { kind: "below", ordinal: Math.max(ordinal, 0) };
  }
  if (min !== null) return { kind: "above", ordinal: min - account.followBase, closest: true };
  if (since !== null) return { kind: "above", ordinal: since - account.followBase, closest: false };
  return { kind: "first" };
}

function accountJson(id: string): string {
  const user = `u${id.slice(-8)}`;
  return `{"id":"${id}","username":"${user}","acct":"${user}@remote.example","display_name":"Follower ${id.slice(-4)}",`
    + `"locked":false,"bot":false,"url":"https://remote.example/@${user}"}`;
}

function renderPage({ account, page, request, origin, route: r }: RenderInput): Reply {
  const n = page.ordinals.length;
  let body = "[";
  for (let i = 0; i < n; i++) body += (i === 0 ? "" : ",") + accountJson(followerId(account, page.ordinals[i] ?? 0));
  body += "]";
  const url = `${origin}${r.base}/followers?limit=${request.limit}`;
  const links: string[] = [];
  // `next` only when the page is full (so a total that is a multiple of limit ends on `[]`), or when the server
  // knows more follow (a short page) or pages endlessly.
  const last = page.ordinals[n - 1];
  let nextId: number | undefined;
  if (page.next?.kind === "below") nextId = account.followBase + page.next.ordinal;
  else if (page.next?.kind === "endless") nextId = account.followBase - 1 - page.next.n;
  else if (n === request.limit && last !== undefined) nextId = account.followBase + last;
  if (nextId !== undefined) links.push(`<${url}&max_id=${nextId}>; rel="next"`);
  const first = page.ordinals[0];
  if (first !== undefined) links.push(`<${url}&min_id=${account.followBase + first}>; rel="prev"`);
  return rawJson(200, body, links.length > 0 ? { link: links.join(", ") } : {});
}

function renderProfile(account: Account): Reply {
  return jsonReply(200, {
    id: account.id, username: account.id, acct: account.id, display_name: `Account ${account.id}`, locked: false,
    bot: false, created_at: "2022-11-05T00:00:00.000Z", note: "", url: `https://mastodon.example/@${account.id}`,
    followers_count: account.followers.count, following_count: 211, statuses_count: 1_024,
  });
}

/** ISO 8601 with microseconds, as Mastodon writes `X-RateLimit-Reset`. */
export function isoMicros(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.round((ms - whole) * 1000));
  return `${new Date(whole).toISOString().slice(0, -1)}${String(micros).padStart(3, "0")}Z`;
}

const AUTH: Record<AuthProblem, string> = {
  missing: "This API requires an authenticated user",
  invalid: "The access token is invalid",
  revoked: "The access token is invalid",
  expired: "The access token expired",
};

function authError(problem: AuthProblem): Reply {
  const www = `Bearer realm="Doorkeeper", error="invalid_token", error_description="${AUTH[problem]}"`;
  return jsonReply(401, { error: AUTH[problem] }, problem === "missing" ? {} : { "www-authenticate": www });
}

function rateHeaders(view: RateView): Record<string, string> {
  return {
    "x-ratelimit-limit": String(view.max),
    "x-ratelimit-remaining": String(view.remaining),
    "x-ratelimit-reset": isoMicros(view.resetAt),
    "x-simnet-reset-ms": String(Math.ceil(view.resetAt)),
  };
}

const SERVER: Record<number, string> = {
  500: "We're sorry, but something went wrong on our end.",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function createMastodonAdapter(): NetworkAdapter {
  return {
    network: "mastodon",
    ownListOnly: false,
    alignedWindows: true,
    limitsCoverProfiles: true,
    route,
    token: (req: IncomingMessage, query) => bearer(req) ?? query.get("access_token"),
    isPaging: (query) => PAGING_PARAMS.some((p) => query.has(p)),
    pageRequest(account, query, config): PageRequest | Reply {
      const endless = config.endlessPaging === true || (Array.isArray(config.endlessPaging) && config.endlessPaging.includes(account.id));
      const start = startOf(account, query, endless);
      if (!start) return jsonReply(400, { error: "Invalid pagination parameter" });
      return { start, limit: limitOf(query.get("limit")) };
    },
    renderPage,
    renderProfile,
    authError,
    permissionError: () => jsonReply(403, { error: "This action is outside the authorized scopes" }),
    notFound: () => jsonReply(404, { error: "Record not found" }),
    throttle: () => jsonReply(429, { error: "Too many requests" }),
    rateHeaders,
    serverError: (status) => jsonReply(status, { error: SERVER[status] ?? "Internal Server Error" }),
  };
}
