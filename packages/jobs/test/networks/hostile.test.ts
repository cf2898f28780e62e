import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NetworkError } from "../../src/networks/errors.ts";
import { createFacebookClient } from "../../src/networks/facebook.ts";
import { createLinkedInClient } from "../../src/networks/linkedin.ts";
import { createMastodonClient } from "../../src/networks/mastodon.ts";
import { createTwitterClient } from "../../src/networks/twitter.ts";
import type { PageRequest } from "../../src/networks/types.ts";
import type { RawResponse } from "../../src/networks/response.ts";
import { isJobName, jobs, parsePayload, PayloadError } from "../../src/payloads.ts";
import { NOW } from "./responses.ts";

const BASE = "http://127.0.0.1:9";
const CLIENTS = [createTwitterClient({ baseUrl: BASE }), createFacebookClient({ baseUrl: BASE }), createLinkedInClient({ baseUrl: BASE }), createMastodonClient({ baseUrl: BASE })];
const REQS: PageRequest[] = [{ accountId: "42", cursor: null, offset: 0, pageSize: 100 }, { accountId: "42", cursor: "c1", offset: 100, pageSize: 100 }];

/** What the networks send, and what they must not: their real keys with wrong types, random JSON, HTML, huge bodies. */
const keyed = fc.dictionary(
  fc.constantFrom("data", "meta", "next_token", "result_count", "errors", "error", "title", "detail", "type", "paging", "total", "start", "count",
    "elements", "to", "cursors", "after", "next", "summary", "total_count", "id", "acct", "serviceErrorCode", "status", "message", "code", "error_subcode"),
  fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.oneof(fc.record({ id: fc.jsonValue({ maxDepth: 1 }) }), fc.record({ to: fc.jsonValue({ maxDepth: 1 }) }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 5 })),
  { maxKeys: 6 },
);
const bodyArb = fc.oneof(
  keyed.map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom("", " ", "<html><body>Over capacity</body></html>", "{\"data\":[", "null", "[]", "{\"data\":[{\"id\":1e400}]}"),
  fc.integer({ min: 100_000, max: 400_000 }).map((n) => `{"data":[${"{\"id\":\"1\"},".repeat(n / 12)}{"id":"2"}]}`),
);
const headersArb = fc.dictionary(
  fc.constantFrom("content-type", "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset",
    "x-ratelimit-remaining", "x-app-usage", "x-business-use-case-usage", "retry-after", "link", "x-restli-protocol-version"),
  fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("application/json", "text/html", "-1", "1e309", "NaN", "0", "2024-05-01T12:00:00Z", "{\"call_count\":\"x\"}", "<https://x/?max_id=1>; rel=\"next\"")),
  { maxKeys: 5 },
);
const responseArb = fc.record({
  status: fc.oneof(fc.constantFrom(200, 200, 200, 400, 401, 403, 404, 429, 500, 503), fc.integer({ min: 100, max: 599 })),
  headers: headersArb,
  body: bodyArb,
});

/**
 * Hostile API answers (issue 10): whatever status, headers and body a network sends, its client either reads a page
 * of string ids or names a NetworkError (a kind the engine can act on); nothing else ever escapes, so a bad answer
 * fails one attempt and never crashes a worker or stores garbage. And payloads: any job data either parses or is a
 * PayloadError.
 */
describe("network clients and payloads under hostile input (fast-check)", () => {
  it("every response is a page of string ids or a NetworkError", () => {
    fc.assert(fc.property(fc.constantFrom(...CLIENTS), fc.constantFrom(...REQS), responseArb, (client, req, r) => {
      const raw: RawResponse = { status: r.status, headers: { "content-type": "application/json", ...r.headers }, body: r.body };
      const err = client.classify(raw, NOW, req);
      if (err) {
        expect(err).toBeInstanceOf(NetworkError);
        expect(["rate_limited", "auth_invalid", "transient", "permanent", "outage"]).toContain(err.kind);
        return;
      }
      const page = client.readPage(raw, req, NOW);
      for (const id of page.ids) expect(typeof id).toBe("string");
      expect(page.next === null || typeof page.next === "string").toBe(true);
    }), { numRuns: 1_000, seed: 20261125 });
  });

  it("any job data parses or is a PayloadError that names the field", () => {
    const names = Object.keys(jobs).filter(isJobName);
    fc.assert(fc.property(fc.constantFrom(...names), fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom("treeId", "network", "accountId", "authAccount", "page", "cursor", "offset", "pageSize", "mode", "token", "__proto__"), fc.anything(), { maxKeys: 8 })), (name, data) => {
      try {
        parsePayload(name, data);
      } catch (err) {
        expect(err).toBeInstanceOf(PayloadError);
        expect((err as Error).message).toMatch(new RegExp(`^invalid ${name.replace(".", "\\.")} payload: `));
      }
    }), { numRuns: 2_000, seed: 20261125 });
  });
});
