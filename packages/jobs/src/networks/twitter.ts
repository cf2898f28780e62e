import { z } from "zod";
import { defineNetwork, endpoint, type DefineOptions, type DefinedNetwork, type NetworkSpec, type PageBody } from "./define.ts";
import { NetworkError } from "./errors.ts";
import { compactRate, intHeader, simnetResetMs, type HeaderMap } from "./headers.ts";
import { classifyWith, errorShape, excerpt, itemsWith, waitFrom, type Classifier, type ClassifyInput, type Fail, type RawResponse } from "./response.ts";
import type { LimitFactor, PageRequest, RateObservation } from "./types.ts";

/** X / Twitter API v2 (NETWORKS.md, "X / Twitter API v2"). */
export class TwitterError extends NetworkError {}

/** The distinguishable code of a usage-cap 429: the engine stops the key until the billing period ends. */
export const USAGE_CAP_CODE = "UsageCapExceeded";

export function parseTwitterRate(headers: HeaderMap, _now: number): RateObservation | null {
  const resetS = intHeader(headers, "x-rate-limit-reset");
  return compactRate<RateObservation>({
    limit: intHeader(headers, "x-rate-limit-limit"),
    remaining: intHeader(headers, "x-rate-limit-remaining"),
    // x-rate-limit-reset is epoch seconds, too coarse for simnet's scaled windows: prefer its exact twin.
    resetAtMs: simnetResetMs(headers) ?? (resetS === undefined ? undefined : resetS * 1000),
  });
}

const Problem = z.object({ title: z.string().optional(), type: z.string().optional(), detail: z.string().optional(), period: z.string().optional() });
const LegacyErrors = z.object({ errors: z.array(z.object({ code: z.number(), message: z.string().optional() })).min(1) });
const PROBLEM_KEYS = ["title", "type", "detail", "period"];
const PartialErrors = z.object({ errors: z.array(z.object({ type: z.string().optional(), title: z.string().optional(), detail: z.string().optional() })).min(1) });

/** v1.1-style codes still shown in the docs; the rest fall through to the status. */
const LEGACY: Record<number, "rate_limited" | "auth_invalid" | "transient" | "permanent"> = {
  88: "rate_limited", 32: "auth_invalid", 89: "auth_invalid", 135: "auth_invalid", 215: "auth_invalid",
  130: "transient", 131: "transient", 34: "permanent", 50: "permanent", 63: "permanent",
};

/** The last segment of a problem `type` URL: ".../2/problems/usage-capped" → "usage-capped". */
function problemCode(type: string | undefined): string | undefined {
  if (!type || type === "about:blank") return undefined;
  return type.split("/").filter(Boolean).pop();
}

export const classifyTwitterError: Classifier = (res: ClassifyInput, fail: Fail) => {
  const { status, body, rate, now } = res;
  const first = errorShape(LegacyErrors, body, ["errors"])?.errors[0];
  if (first) {
    const kind = LEGACY[first.code];
    if (kind) {
      const retryAfterMs = kind === "rate_limited" ? waitFrom(rate, now) : undefined;
      return fail(kind, `error ${first.code} ${excerpt(first.message)}`, { code: String(first.code), retryAfterMs });
    }
  }
  const p = errorShape(Problem, body, PROBLEM_KEYS) ?? {};
  const code = problemCode(p.type);
  const what = excerpt(p.detail ?? p.title);
  if (p.title === USAGE_CAP_CODE || code === "usage-capped") {
    // Headers may still say remaining > 0: the cap is a different, monthly bucket. Waiting for the window is no use.
    return fail("permanent", `usage cap exceeded (${what})`, { code: USAGE_CAP_CODE, subcode: p.period });
  }
  if (status === 429) return fail("rate_limited", `HTTP 429 ${what}`, { code: code ?? "about:blank", retryAfterMs: waitFrom(rate, now) });
  if (status === 401) return fail("auth_invalid", `HTTP 401 ${what}`, { code });
  if (status === 403) return fail("permanent", `HTTP 403 ${what}`, { code: code ?? "forbidden" });
  if (status === 400 || status === 404) return fail("permanent", `HTTP ${status} ${what}`, { code: code ?? `http-${status}` });
  if (status === 200) return partialError(body, fail);
  return null;
};

/**
 * A 200 that carries `errors` instead of `data`: the subject itself could not be read (resource-not-found, a
 * protected or suspended account). Errors next to `data` concern other resources and do not spoil the page.
 */
function partialError(body: unknown, fail: Fail): NetworkError | null {
  if (typeof body !== "object" || body === null || "data" in body) return null;
  const first = errorShape(PartialErrors, body, ["errors"])?.errors[0];
  if (!first) return null;
  return fail("permanent", `200 with errors only: ${excerpt(first.detail ?? first.title)}`, { code: problemCode(first.type) ?? "partial-error" });
}

const DIGITS = /^\d+$/;

const FollowersBody = z.object({
  data: itemsWith("id", (id) => DIGITS.test(id), "a string of digits").optional(),
  meta: z.object({ result_count: z.number().optional(), next_token: z.string().min(1).optional() }),
});

const page = endpoint({
  schema: FollowersBody,
  request: (req: PageRequest) => ({
    path: `/2/users/${encodeURIComponent(req.accountId)}/followers`,
    query: { max_results: req.pageSize, pagination_token: req.cursor ?? undefined },
  }),
  read: (body): PageBody => ({ ids: (body.data ?? []).map((u) => u.id), next: body.meta.next_token ?? null, total: null }),
});

const total = endpoint({
  schema: z.object({ data: z.object({ public_metrics: z.object({ followers_count: z.number().int().nonnegative() }) }) }),
  request: (accountId: string) => ({ path: `/2/users/${encodeURIComponent(accountId)}`, query: { "user.fields": "public_metrics" } }),
  read: (body) => body.data.public_metrics.followers_count,
});

const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** A refresh token that is used, revoked or unknown answers 400 `invalid_request` (or `invalid_grant`): reconnect. */
const classifyTokenError: Classifier = ({ status, body }, fail) => {
  const oauth = OAuthError.safeParse(body);
  if ((status === 400 || status === 401) && oauth.success) {
    return fail("auth_invalid", `refresh refused: ${oauth.data.error} ${excerpt(oauth.data.error_description)}`, { code: oauth.data.error });
  }
  return null;
};

export interface OAuthClient { id: string; secret?: string }

function refreshEndpoint(client: OAuthClient | undefined) {
  return endpoint({
    authorized: false,
    classify: classifyTokenError,
    schema: z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1).optional(), expires_in: z.number().optional() }),
    request: (refreshToken: string) => ({
      method: "POST" as const,
      path: "/2/oauth2/token",
      // A confidential client authenticates with Basic; a public one names itself with client_id.
      headers: client?.secret ? { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString("base64")}` } : undefined,
      form: { grant_type: "refresh_token", refresh_token: refreshToken, ...(client && !client.secret ? { client_id: client.id } : {}) },
    }),
    read: (body) => ({
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? null,
      expiresInMs: body.expires_in === undefined ? null : body.expires_in * 1000,
    }),
  });
}

const FIFTEEN_MIN = 15 * 60_000;

/**
 * Published limits are per endpoint: 15 follower pages per 15 min per user token (NETWORKS.md); the profile lookup
 * behind fetchTotal has its own, larger bucket (900 per 15 min per user in X's docs), not charged to the first.
 */
export const TWITTER_LIMITS = [
  { scope: "token", max: 15, windowMs: FIFTEEN_MIN, endpoint: "followers" },
  { scope: "token", max: 900, windowMs: FIFTEEN_MIN, endpoint: "profile" },
] as const satisfies readonly LimitFactor[];

export const twitterSpec = {
  name: "twitter",
  paging: "cursor",
  pageSize: { default: 100, max: 1000 },
  limits: TWITTER_LIMITS,
  readsOthers: true,
  page,
  total,
  parseRate: parseTwitterRate,
  classify: classifyTwitterError,
  errorClass: TwitterError,
} satisfies Omit<NetworkSpec, "baseUrl">;

/** Pure: the error a follower-page response means (body first, status second), or null for a usable page. */
export function classifyTwitter(raw: RawResponse, now: number): NetworkError | null {
  return classifyWith(twitterSpec, page, raw, { accountId: "1", cursor: null, offset: 0, pageSize: 1000 }, now);
}

export interface TwitterOptions extends DefineOptions { baseUrl: string; timeoutMs?: number; oauthClient?: OAuthClient }

export function createTwitterClient(opts: TwitterOptions): DefinedNetwork {
  return defineNetwork({ ...twitterSpec, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs, refresh: refreshEndpoint(opts.oauthClient) }, opts);
}
