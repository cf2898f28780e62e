import { describe, expect, it } from "vitest";
import type { DefinedNetwork } from "../../src/networks/define.ts";
import { createFacebookClient } from "../../src/networks/facebook.ts";
import { createLinkedInClient } from "../../src/networks/linkedin.ts";
import { createMastodonClient, cursorFromLink, linkNext } from "../../src/networks/mastodon.ts";
import { createTwitterClient } from "../../src/networks/twitter.ts";
import type { PageRequest } from "../../src/networks/types.ts";
import { jsonRes, NOW, NOW_S } from "./responses.ts";

// Pure reads of successful pages: no HTTP (the base URL is never dialled).
const BASE = "http://127.0.0.1:9";
const twitter = createTwitterClient({ baseUrl: BASE });
const facebook = createFacebookClient({ baseUrl: BASE });
const linkedin = createLinkedInClient({ baseUrl: BASE });
const mastodon = createMastodonClient({ baseUrl: BASE });

const first: PageRequest = { accountId: "42", cursor: null, offset: 0, pageSize: 1000 };

function read(client: DefinedNetwork, res: ReturnType<typeof jsonRes>, req: PageRequest = first) {
  expect(client.classify(res, NOW, req)).toBeNull();
  return client.readPage(res, req, NOW);
}

describe("twitter pages", () => {
  it("reads ids, next_token and the rate headers", () => {
    const page = read(twitter, jsonRes(200, { data: [{ id: "11", name: "a", username: "a" }, { id: "12" }], meta: { result_count: 2, next_token: "TOK2" } },
      { "x-rate-limit-limit": "15", "x-rate-limit-remaining": "14", "x-rate-limit-reset": String(NOW_S + 900) }));
    expect(page).toEqual({ ids: ["11", "12"], next: "TOK2", total: null, rate: { limit: 15, remaining: 14, resetAtMs: NOW + 900_000 } });
  });

  it("ends on a page without next_token, and reads a page without data as empty", () => {
    expect(read(twitter, jsonRes(200, { data: [{ id: "1" }], meta: { result_count: 1 } })).next).toBeNull();
    expect(read(twitter, jsonRes(200, { meta: { result_count: 0 } }))).toEqual({ ids: [], next: null, total: null, rate: null });
  });

  it("keeps the page when errors about other resources come next to data", () => {
    const page = read(twitter, jsonRes(200, { data: [{ id: "1" }], meta: { result_count: 1 },
      errors: [{ type: "https://api.twitter.com/2/problems/resource-not-found", resource_id: "77", title: "Not Found Error" }] }));
    expect(page.ids).toEqual(["1"]);
  });
});

describe("facebook pages", () => {
  const after = (c: string, next = true) => ({ cursors: { before: "B", after: c }, ...(next ? { next: `https://graph.facebook.com/v19.0/42/friends?access_token=T&limit=100&after=${c}` } : {}) });

  it("reads total_count from the summary and the after cursor", () => {
    const page = read(facebook, jsonRes(200, { data: [{ id: "7", name: "x" }], paging: after("QVFI"), summary: { total_count: 1234 } },
      { "x-app-usage": JSON.stringify({ call_count: 12, total_cputime: 3, total_time: 40 }) }));
    expect(page).toEqual({ ids: ["7"], next: "QVFI", total: 1234, rate: { usagePct: 40 } });
  });

  it("does not end on short or empty pages while paging.next is present", () => {
    expect(read(facebook, jsonRes(200, { data: [], paging: after("C2") })).next).toBe("C2");
  });

  it("ends when paging.next is absent, even with cursors", () => {
    expect(read(facebook, jsonRes(200, { data: [{ id: "1" }], paging: after("C3", false) })).next).toBeNull();
    expect(read(facebook, jsonRes(200, { data: [] })).next).toBeNull();
  });

  it("takes only the after parameter from a next URL without cursors (never the URL: it holds the token)", () => {
    const page = read(facebook, jsonRes(200, { data: [{ id: "1" }], paging: { next: "https://graph.facebook.com/v19.0/42/friends?access_token=SECRET&after=XYZ" } }));
    expect(page.next).toBe("XYZ");
  });

  it("reads the highest BUC percentage and its regain time", () => {
    const buc = { "99": [{ type: "pages", call_count: 20, total_cputime: 95, total_time: 10, estimated_time_to_regain_access: 0 }] };
    const page = read(facebook, jsonRes(200, { data: [] }, { "x-business-use-case-usage": JSON.stringify(buc), "x-app-usage": "not json" }));
    expect(page.rate).toEqual({ usagePct: 95 });
  });
});

describe("linkedin pages", () => {
  it("reads ids out of person URNs and paging.total", () => {
    const page = read(linkedin, jsonRes(200, { elements: [{ to: "urn:li:person:AbC-1" }, { to: "urn:li:person:x_2" }], paging: { start: 0, count: 50, total: 120, links: [] } }));
    expect(page).toEqual({ ids: ["AbC-1", "x_2"], next: null, total: 120, rate: null });
  });

  it("passes total 0 through as 'unknown'", () => {
    expect(read(linkedin, jsonRes(200, { elements: [], paging: { start: 0, count: 50, total: 0 } })).total).toBe(0);
  });
});

describe("mastodon pages", () => {
  const link = '<https://m.example/api/v1/accounts/42/followers?limit=80&max_id=9001>; rel="next", <https://m.example/api/v1/accounts/42/followers?limit=80&since_id=9100>; rel="prev"';

  it("takes the cursor from the Link header: the query only, no host, no limit", () => {
    const page = read(mastodon, jsonRes(200, [{ id: "5", acct: "a@b" }, { id: "6" }], {
      link, "x-ratelimit-limit": "300", "x-ratelimit-remaining": "299", "x-ratelimit-reset": "2024-05-01T12:05:00.019685Z" }));
    expect(page).toEqual({ ids: ["5", "6"], next: "max_id=9001", total: null, rate: { limit: 300, remaining: 299, resetAtMs: NOW + 300_019 } });
  });

  it("ends on an empty page without Link, and on a page with only rel=prev", () => {
    expect(read(mastodon, jsonRes(200, [])).next).toBeNull();
    expect(read(mastodon, jsonRes(200, [{ id: "1" }], { link: '<https://m.example/x?since_id=3>; rel="prev"' })).next).toBeNull();
  });

  it("never derives the cursor from the body", () => {
    expect(read(mastodon, jsonRes(200, [{ id: "1" }, { id: "2" }])).next).toBeNull();
  });

  it("parses Link variants", () => {
    expect(linkNext('<https://a/x?max_id=1>; rel=next')).toBe("https://a/x?max_id=1");
    expect(linkNext('<https://a/x?min_id=2>; rel="prev next"')).toBe("https://a/x?min_id=2");
    expect(linkNext('<https://a/x?max_id=1,2>; rel="prev"')).toBeNull();
    expect(cursorFromLink('<https://evil.example/api?max_id=77&limit=5>; rel="next"', "http://base.invalid/")).toBe("max_id=77");
  });
});
