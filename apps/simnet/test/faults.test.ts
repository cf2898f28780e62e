import { waitFor } from "@fanout/testkit/wait";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Network } from "../src/network.ts";
import { get, NETS, startHarness, type Harness } from "./helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
beforeEach(async () => {
  await h.ok("POST", "/_simnet/reset");
  await h.quiet({ networks: { twitter: { limits: [] }, mastodon: { limits: [] } } });
});
afterAll(() => h.close());

type Stats = { networks: Record<Network, { requests: number; byStatus: Record<string, number>; hung: number; dropped: number; inFlight: number; maxInFlight: number }> };

/** The follower-list URL of `id` as the token's owner reads it on each network. */
function listUrl(network: Network, id: string): string {
  switch (network) {
    case "twitter": return `${h.url}/twitter/2/users/${id}/followers?max_results=10`;
    case "facebook": return `${h.url}/facebook/v19.0/me/friends?limit=10`;
    case "linkedin": return `${h.url}/linkedin/v2/connections?q=viewer&count=10`;
    case "mastodon": return `${h.url}/mastodon/api/v1/accounts/${id}/followers?limit=10`;
  }
}

async function pageOf(network: Network, id = "small"): Promise<Response> {
  const { token } = await h.account(network, id);
  return get(listUrl(network, id), network, token);
}

/** The status, or 0 when the connection was reset. */
async function statusOf(network: Network): Promise<number> {
  try {
    const res = await pageOf(network);
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    if (err instanceof TypeError) return 0;
    throw err;
  }
}

const set = (network: Network, cfg: Record<string, unknown>): Promise<unknown> =>
  h.ok("PATCH", "/_simnet/config", { networks: { [network]: cfg } });

/** Each network's 5xx body shape. */
function checkServerError(network: Network, status: number, type: string, text: string): void {
  expect([500, 502, 503, 504]).toContain(status);
  if (network === "twitter" && type.includes("text/html")) {
    expect(status).toBe(503);
    expect(text).toContain("over capacity");
    return;
  }
  const body = JSON.parse(text) as Record<string, unknown>;
  switch (network) {
    case "twitter": expect(body).toMatchObject({ status, type: "about:blank" }); break;
    case "facebook": expect(body.error).toMatchObject({ type: "OAuthException", is_transient: true }); break;
    case "linkedin": expect(body).toMatchObject({ status }); break;
    case "mastodon": expect(typeof body.error).toBe("string"); break;
  }
}

describe("faults at rate 1.0", () => {
  for (const network of NETS) {
    it(`${network}: errorRate gives a mix of 500/502/503/504 in the network's own shape`, async () => {
      await set(network, { errorRate: 1 });
      const seen = new Set<number>();
      for (let i = 0; i < 16; i++) {
        const res = await pageOf(network);
        seen.add(res.status);
        checkServerError(network, res.status, res.headers.get("content-type") ?? "", await res.text());
      }
      expect(seen.size).toBeGreaterThanOrEqual(3);
    });

    it(`${network}: hangRate accepts and never answers until the client gives up`, async () => {
      await set(network, { hangRate: 1 });
      const { token } = await h.account(network, "small");
      const url = listUrl(network, "small") + (network === "facebook" ? `&access_token=${token}` : "");
      await expect(fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(150) })).rejects.toThrow();
      const s = await waitFor(() => h.ok<Stats>("GET", "/_simnet/stats"), (x) => x.networks[network].inFlight === 0, { timeoutMs: 5_000 });
      expect(s.networks[network].hung).toBe(1);
      expect(s.networks[network].byStatus).toEqual({});
    });

    it(`${network}: malformedRate gives 200s that are truncated JSON or an HTML page`, async () => {
      await set(network, { malformedRate: 1 });
      const kinds = new Set<string>();
      for (let i = 0; i < 10; i++) {
        const res = await pageOf(network);
        expect(res.status).toBe(200);
        const type = res.headers.get("content-type") ?? "";
        const text = await res.text();
        if (type.includes("text/html")) {
          kinds.add("html");
          expect(text).toMatch(/^<!DOCTYPE html>/);
        } else {
          kinds.add("truncated");
          expect(type).toContain("application/json");
          expect(() => JSON.parse(text) as unknown).toThrow();
        }
      }
      expect(kinds).toEqual(new Set(["html", "truncated"]));
    });

    it(`${network}: failAccounts answers 500 for the listed account only, until the list changes`, async () => {
      await set(network, { failAccounts: ["small"] });
      for (let i = 0; i < 3; i++) expect((await pageOf(network, "small")).status).toBe(500);
      expect((await pageOf(network, "medium")).status).toBe(200);
      await set(network, { failAccounts: [] });
      expect((await pageOf(network, "small")).status).toBe(200);
    });
  }

  it("outage: from startMs for durationMs, connections reset and 502/503 bursts; then the network recovers", async () => {
    await set("mastodon", { outage: { startMs: 0, durationMs: 400 } });
    const t0 = Date.now();
    const results: string[] = [];
    for (let i = 0; i < 12; i++) {
      try {
        const res = await pageOf("mastodon");
        results.push(String(res.status));
        await res.arrayBuffer();
      } catch (err) {
        expect(err).toBeInstanceOf(TypeError); // fetch failed: the socket was reset
        results.push("reset");
      }
    }
    if (Date.now() - t0 < 400) {
      expect(results.every((r) => r === "reset" || r === "502" || r === "503")).toBe(true);
      expect(results).toContain("reset");
    }
    // another network is unaffected
    expect((await pageOf("twitter")).status).toBe(200);
    await waitFor(() => statusOf("mastodon"), (s) => s === 200, { timeoutMs: 5_000 });
    const stats = await h.ok<Stats>("GET", "/_simnet/stats");
    expect(stats.networks.mastodon.dropped).toBeGreaterThan(0);
  });

  it("outage.startMs counts from the PATCH", async () => {
    await set("twitter", { outage: { startMs: 300, durationMs: 60_000 } });
    expect((await pageOf("twitter")).status).toBe(200);
    await waitFor(() => statusOf("twitter"), (s) => s !== 200, { timeoutMs: 5_000 });
    await set("twitter", { outage: null });
    expect((await pageOf("twitter")).status).toBe(200);
  });

  it("latencyMs: delays follow the configured median and tail; maxInFlight sees concurrent waits", async () => {
    await set("twitter", { latencyMs: { p50: 40, p99: 120 } });
    const { token } = await h.account("twitter", "small");
    const times: number[] = [];
    await Promise.all(Array.from({ length: 24 }, async () => {
      const t = performance.now();
      const res = await get(listUrl("twitter", "small"), "twitter", token);
      await res.arrayBuffer();
      times.push(performance.now() - t);
    }));
    times.sort((a, b) => a - b);
    const median = times[12] ?? 0;
    expect(median).toBeGreaterThan(20);
    expect(median).toBeLessThan(120);
    const stats = await h.ok<Stats>("GET", "/_simnet/stats");
    expect(stats.networks.twitter.maxInFlight).toBeGreaterThan(5);
    expect(stats.networks.twitter.inFlight).toBe(0);
  });
});
