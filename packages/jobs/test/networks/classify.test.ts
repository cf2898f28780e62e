import { describe, expect, it } from "vitest";
import type { NetworkError } from "../../src/networks/errors.ts";
import { classifyFacebook, FacebookError, POLICY_BLOCK_WAIT_MS } from "../../src/networks/facebook.ts";
import { classifyLinkedIn, LinkedInError } from "../../src/networks/linkedin.ts";
import { classifyMastodon, MastodonError } from "../../src/networks/mastodon.ts";
import type { RawResponse } from "../../src/networks/response.ts";
import { classifyTwitter, TwitterError } from "../../src/networks/twitter.ts";
import { BAD_2XX, HTML_PAGE, jsonRes, NOW, NOW_S, textRes } from "./responses.ts";

/** The classification NETWORKS.md asks for: kind always; code, subcode, retryAfterMs where the row names them. */
interface Expected { kind: NetworkError["kind"]; code?: string; subcode?: string; retryAfterMs?: number }
interface Case { name: string; res: RawResponse; want: Expected }

type Classify = (raw: RawResponse, now: number) => NetworkError | null;

function check(classify: Classify, errorClass: typeof TwitterError, c: Case): void {
  const err = classify(c.res, NOW);
  expect(err, c.name).toBeInstanceOf(errorClass);
  const got = Object.fromEntries(Object.keys(c.want).map((k) => [k, err?.[k as keyof Expected]]));
  expect(got).toEqual(c.want);
  expect(err?.status).toBe(c.res.status);
}

const problem = (status: number, body: object, headers: Record<string, string> = {}) => jsonRes(status, body, headers, "application/problem+json");
const twRate = (remaining: number, resetS: number) => ({ "x-rate-limit-limit": "15", "x-rate-limit-remaining": String(remaining), "x-rate-limit-reset": String(resetS) });

const TWITTER: Case[] = [
  { name: "429 about:blank waits until x-rate-limit-reset (epoch s)",
    res: problem(429, { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 }, twRate(0, NOW_S + 600)),
    want: { kind: "rate_limited", code: "about:blank", retryAfterMs: 600_000 } },
  { name: "429 prefers simnet's exact x-simnet-reset-ms",
    res: problem(429, { title: "Too Many Requests", type: "about:blank", status: 429 }, { ...twRate(0, NOW_S + 2), "x-simnet-reset-ms": String(NOW + 1_234) }),
    want: { kind: "rate_limited", retryAfterMs: 1_234 } },
  { name: "429 with remaining > 0 is still a real 429",
    res: problem(429, { title: "Too Many Requests", type: "about:blank", status: 429 }, twRate(7, NOW_S + 60)),
    want: { kind: "rate_limited", retryAfterMs: 60_000 } },
  { name: "429 with a reset in the past waits 0",
    res: problem(429, { title: "Too Many Requests", type: "about:blank" }, twRate(0, NOW_S - 5)),
    want: { kind: "rate_limited", retryAfterMs: 0 } },
  { name: "429 without headers leaves the wait to the engine",
    res: problem(429, { title: "Too Many Requests", type: "about:blank" }), want: { kind: "rate_limited", retryAfterMs: undefined } },
  { name: "legacy {errors:[{code:88}]}",
    res: jsonRes(429, { errors: [{ code: 88, message: "Rate limit exceeded" }] }, twRate(0, NOW_S + 30)),
    want: { kind: "rate_limited", code: "88", retryAfterMs: 30_000 } },
  { name: "429 UsageCapExceeded (remaining 39999) is permanent, distinguishable",
    res: problem(429, { title: "UsageCapExceeded", detail: "Usage cap exceeded: Monthly product cap", type: "https://api.twitter.com/2/problems/usage-capped",
      period: "Monthly", scope: "Product", account_id: 1, product_name: "standard-basic" }, twRate(39_999, NOW_S + 900)),
    want: { kind: "permanent", code: "UsageCapExceeded", subcode: "Monthly", retryAfterMs: undefined } },
  { name: "429 usage-capped by type alone", res: problem(429, { title: "Too Many Requests", type: "https://api.x.com/2/problems/usage-capped" }),
    want: { kind: "permanent", code: "UsageCapExceeded" } },
  { name: "401 Unauthorized (no rate headers)", res: problem(401, { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" }),
    want: { kind: "auth_invalid" } },
  { name: "401 with an empty body", res: textRes(401, "", undefined), want: { kind: "auth_invalid" } },
  { name: "legacy code 89 invalid token", res: jsonRes(401, { errors: [{ code: 89, message: "Invalid or expired token." }] }), want: { kind: "auth_invalid", code: "89" } },
  { name: "403 client-forbidden", res: problem(403, { title: "Client Forbidden", type: "https://api.twitter.com/2/problems/client-forbidden",
    reason: "client-not-enrolled", registration_url: "https://developer.twitter.com/en/docs/projects/overview", detail: "…" }),
    want: { kind: "permanent", code: "client-forbidden" } },
  { name: "400 invalid-request", res: problem(400, { title: "Invalid Request", type: "https://api.twitter.com/2/problems/invalid-request",
    errors: [{ message: "The `max_results` query parameter value [5000] is not between 1 and 1000", parameters: { max_results: ["5000"] } }] }),
    want: { kind: "permanent", code: "invalid-request" } },
  { name: "404", res: problem(404, { title: "Not Found Error", type: "about:blank" }), want: { kind: "permanent" } },
  { name: "200 with errors instead of data: resource-not-found for the subject",
    res: jsonRes(200, { errors: [{ value: "42", detail: "Could not find user with id: [42].", title: "Not Found Error", resource_type: "user",
      parameter: "id", resource_id: "42", type: "https://api.twitter.com/2/problems/resource-not-found" }] }),
    want: { kind: "permanent", code: "resource-not-found" } },
  ...[500, 502, 503, 504].map((s) => ({ name: `${s}`, res: problem(s, { title: "Service Unavailable", type: "about:blank" }), want: { kind: "transient" as const } })),
  { name: "HTML 503 over capacity", res: textRes(503, HTML_PAGE, "text/html"), want: { kind: "transient" } },
  { name: "503 with Retry-After (ads API)", res: textRes(503, HTML_PAGE, "text/html", { "retry-after": "30" }), want: { kind: "transient", retryAfterMs: 30_000 } },
  { name: "200 whose ids are not user ids", res: jsonRes(200, { data: [{ id: "abc" }], meta: { result_count: 1 } }), want: { kind: "transient", code: "MALFORMED" } },
  { name: "200 without meta", res: jsonRes(200, { data: [{ id: "1" }] }), want: { kind: "transient", code: "MALFORMED" } },
  { name: "200 where data is not a list", res: jsonRes(200, { data: "1", meta: {} }), want: { kind: "transient", code: "MALFORMED" } },
];

const fbError = (status: number, code: number, extra: object = {}, headers: Record<string, string> = {}) =>
  jsonRes(status, { error: { message: `(#${code}) something`, type: "OAuthException", code, fbtrace_id: "AbC", ...extra } }, headers);

const FACEBOOK: Case[] = [
  ...[458, 459, 460, 463, 464, 467, 492].map((sub) => ({ name: `190/${sub}`, res: fbError(400, 190, { error_subcode: sub }),
    want: { kind: "auth_invalid" as const, code: "190", subcode: String(sub) } })),
  { name: "190 without subcode, HTTP 401", res: fbError(401, 190), want: { kind: "auth_invalid", code: "190" } },
  { name: "102 session", res: fbError(400, 102), want: { kind: "auth_invalid", code: "102" } },
  { name: "10 permission", res: fbError(403, 10), want: { kind: "auth_invalid", code: "10" } },
  ...[200, 250, 299].map((c) => ({ name: `(#${c}) permission, HTTP 403`, res: fbError(403, c), want: { kind: "auth_invalid" as const, code: String(c) } })),
  { name: "104 missing token", res: fbError(400, 104), want: { kind: "auth_invalid", code: "104" } },
  ...[4, 17, 32, 341, 613].map((c) => ({ name: `(#${c}) throttle`, res: fbError(400, c), want: { kind: "rate_limited" as const, code: String(c), retryAfterMs: undefined } })),
  ...Array.from({ length: 15 }, (_, i) => 80000 + i).map((c) => ({ name: `(#${c}) BUC throttle`, res: fbError(400, c), want: { kind: "rate_limited" as const, code: String(c) } })),
  { name: "613 with HTTP 200 (legacy)", res: fbError(200, 613), want: { kind: "rate_limited", code: "613" } },
  { name: "code 4 with is_transient:true is still a throttle", res: fbError(400, 4, { is_transient: true }), want: { kind: "rate_limited", code: "4" } },
  { name: "17 with BUC estimated_time_to_regain_access (minutes)",
    res: fbError(400, 17, {}, { "x-business-use-case-usage": JSON.stringify({ "123": [{ type: "pages", call_count: 100, total_cputime: 12, total_time: 40, estimated_time_to_regain_access: 5 }] }) }),
    want: { kind: "rate_limited", retryAfterMs: 300_000 } },
  { name: "368 policy block: a long wait", res: fbError(400, 368), want: { kind: "rate_limited", code: "368", retryAfterMs: POLICY_BLOCK_WAIT_MS } },
  { name: "code 1 unknown error", res: fbError(500, 1), want: { kind: "transient", code: "1" } },
  { name: "code 2 service", res: fbError(503, 2, { is_transient: true }), want: { kind: "transient", code: "2" } },
  { name: "unlisted code with is_transient:true", res: fbError(400, 9007, { is_transient: true }), want: { kind: "transient", code: "9007" } },
  { name: "100 invalid parameter", res: fbError(400, 100, { error_subcode: 33 }), want: { kind: "permanent", code: "100", subcode: "33" } },
  { name: "unlisted code on a 400 falls back to the status", res: fbError(400, 12345), want: { kind: "permanent", code: "12345" } },
  { name: "unlisted code on a 500", res: fbError(500, 12345), want: { kind: "transient" } },
  { name: "plain 500 without a Graph error", res: textRes(500, "Internal Server Error", "text/plain"), want: { kind: "transient" } },
  { name: "plain 429", res: textRes(429, "", undefined), want: { kind: "rate_limited" } },
  { name: "data that is not a list", res: jsonRes(200, { data: { id: "1" } }), want: { kind: "transient", code: "MALFORMED" } },
  { name: "paging.next without any after cursor", res: jsonRes(200, { data: [], paging: { next: "https://graph.facebook.com/v19.0/1/friends?limit=25" } }),
    want: { kind: "transient", code: "MALFORMED" } },
];

const liError = (status: number, body: object) => jsonRes(status, body);

const LINKEDIN: Case[] = [
  { name: "429 / 101 has no headers, so no wait", res: liError(429, { serviceErrorCode: 101, message: "Resource level throttle limit for calls to this resource is reached.", status: 429 }),
    want: { kind: "rate_limited", code: "101", retryAfterMs: undefined } },
  { name: "429 from infrastructure, no body", res: textRes(429, "", undefined), want: { kind: "rate_limited" } },
  { name: "401 / 65600 (older body, no code)", res: liError(401, { serviceErrorCode: 65600, message: "Invalid access token", status: 401 }), want: { kind: "auth_invalid", code: "65600" } },
  { name: "401 / 65601 revoked", res: liError(401, { serviceErrorCode: 65601, code: "REVOKED_ACCESS_TOKEN", message: "The token used in the request has been revoked by the user", status: 401 }),
    want: { kind: "auth_invalid", code: "65601", subcode: "REVOKED_ACCESS_TOKEN" } },
  { name: "401 / 65602 expired", res: liError(401, { serviceErrorCode: 65602, code: "EXPIRED_ACCESS_TOKEN", message: "The token used in the request has expired", status: 401 }),
    want: { kind: "auth_invalid", code: "65602", subcode: "EXPIRED_ACCESS_TOKEN" } },
  { name: "403 / 100 not enough permissions", res: liError(403, { serviceErrorCode: 100, message: "Not enough permissions to access: GET-viewer /connections", status: 403 }),
    want: { kind: "permanent", code: "100" } },
  { name: "400 pagination limit", res: liError(400, { message: "Exceeds the pagination limit", status: 400 }), want: { kind: "permanent", code: "PAGINATION_LIMIT" } },
  { name: "400 other", res: liError(400, { serviceErrorCode: 100, message: "Invalid param", status: 400 }), want: { kind: "permanent", code: "100" } },
  { name: "404", res: liError(404, { message: "Not Found", status: 404 }), want: { kind: "permanent" } },
  { name: "legacy v1 throttle as 403", res: liError(403, { errorCode: 0, message: "Throttle limit for calls to this resource is reached.", requestId: "X", status: 403, timestamp: NOW }),
    want: { kind: "rate_limited" } },
  { name: "500 token verification failure downstream", res: liError(500, { message: "Internal Server Error", status: 500 }), want: { kind: "transient" } },
  ...[502, 503, 504].map((s) => ({ name: `${s}`, res: textRes(s, "Bad gateway", "text/plain"), want: { kind: "transient" as const } })),
  { name: "an element that is not a person URN", res: jsonRes(200, { elements: [{ to: "urn:li:organization:1" }], paging: { start: 0, count: 50, total: 1 } }),
    want: { kind: "transient", code: "MALFORMED" } },
  { name: "no paging", res: jsonRes(200, { elements: [] }), want: { kind: "transient", code: "MALFORMED" } },
];

const mastoRate = (resetIso: string) => ({ "x-ratelimit-limit": "300", "x-ratelimit-remaining": "0", "x-ratelimit-reset": resetIso });

const MASTODON: Case[] = [
  { name: "429 waits until X-RateLimit-Reset (ISO-8601, microseconds)",
    res: jsonRes(429, { error: "Too many requests" }, mastoRate(new Date(NOW + 90_000).toISOString().replace("Z", "019Z"))),
    want: { kind: "rate_limited", retryAfterMs: 90_000 } },
  { name: "429 prefers x-simnet-reset-ms", res: jsonRes(429, { error: "Too many requests" }, { ...mastoRate(new Date(NOW + 1_000).toISOString()), "x-simnet-reset-ms": String(NOW + 321) }),
    want: { kind: "rate_limited", retryAfterMs: 321 } },
  { name: "401 invalid or revoked token", res: jsonRes(401, { error: "The access token is invalid" }), want: { kind: "auth_invalid" } },
  { name: "403 scope", res: jsonRes(403, { error: "This action is outside the authorized scopes" }), want: { kind: "auth_invalid", code: "scope" } },
  { name: "404", res: jsonRes(404, { error: "Record not found" }), want: { kind: "permanent" } },
  { name: "410 gone", res: jsonRes(410, { error: "Gone" }), want: { kind: "permanent" } },
  ...[500, 502, 503, 504].map((s) => ({ name: `${s}`, res: textRes(s, "<html>Bad Gateway</html>", "text/html"), want: { kind: "transient" as const } })),
  { name: "an object where the Account list belongs", res: jsonRes(200, { accounts: [] }), want: { kind: "transient", code: "MALFORMED" } },
  { name: "Link rel=next without paging parameters", res: jsonRes(200, [{ id: "1" }], { link: '<https://m.example/api/v1/accounts/1/followers?limit=80>; rel="next"' }),
    want: { kind: "transient", code: "MALFORMED" } },
];

const NETWORKS = [
  { name: "twitter", classify: classifyTwitter, errorClass: TwitterError, cases: TWITTER },
  { name: "facebook", classify: classifyFacebook, errorClass: FacebookError, cases: FACEBOOK },
  { name: "linkedin", classify: classifyLinkedIn, errorClass: LinkedInError, cases: LINKEDIN },
  { name: "mastodon", classify: classifyMastodon, errorClass: MastodonError, cases: MASTODON },
];

describe.each(NETWORKS)("$name classification", ({ classify, errorClass, cases }) => {
  it.each(cases)("$name", (c) => check(classify, errorClass, c));

  it.each(BAD_2XX)("refuses a 2xx that is a(n) $name as transient MALFORMED, never an empty page", ({ res }) => {
    check(classify, errorClass, { name: "bad 2xx", res, want: { kind: "transient", code: "MALFORMED" } });
  });
});

it("names Facebook's code once in the message, with the subcode", () => {
  const err = classifyFacebook(jsonRes(400, { error: { message: "(#17) User request limit reached", code: 17, error_subcode: 2446079 } }), NOW);
  expect(err?.message).toBe("facebook response: (#17/2446079) User request limit reached");
});

it("names the first bad item of a page's list, on every network", () => {
  const tw = classifyTwitter(jsonRes(200, { data: [{ id: "1" }, { id: "2" }, { id: 3 }], meta: { result_count: 3 } }), NOW);
  expect(tw?.message).toMatch(/malformed 2xx body: unexpected shape at data: item 2: expected an object whose "id" is a string of digits/);
  const fb = classifyFacebook(jsonRes(200, { data: [{ id: "" }] }), NOW);
  expect(fb?.message).toMatch(/at data: item 0: .*"id" is a non-empty string/);
  const li = classifyLinkedIn(jsonRes(200, { elements: [{ to: "urn:li:person:a" }, null], paging: { start: 0, count: 2 } }), NOW);
  expect(li?.message).toMatch(/at elements: item 1: .*"to" is a string/);
  const ma = classifyMastodon(jsonRes(200, [{ id: "1" }, "2"]), NOW);
  expect(ma?.message).toMatch(/at \(root\): item 1: .*"id" is a non-empty string/);
  expect(classifyMastodon(jsonRes(200, { id: "1" }), NOW)?.message).toMatch(/expected an array/);
  // ids that are any string on the wire still carry no control character (the store joins a page's ids by "\n")
  expect(classifyMastodon(jsonRes(200, [{ id: "1" }, { id: "2\n3" }]), NOW)?.message).toMatch(/item 1: .*"id" is a non-empty string without control characters/);
  expect(classifyFacebook(jsonRes(200, { data: [{ id: "a\u0000" }] }), NOW)?.message).toMatch(/item 0: .*without control characters/);
  expect(classifyFacebook(jsonRes(200, { data: [{ id: "10158" }, { id: "é-ü" }] }), NOW)).toBeNull();
});
