import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimnet, type SimnetProcess } from "@fanout/testkit/simnet";
import { waitFor } from "@fanout/testkit/wait";
import type { DefinedNetwork } from "../../src/networks/define.ts";
import { closeHttpAgent } from "../../src/networks/http.ts";
import { createRegistry, type NetworkRegistry } from "../../src/networks/registry.ts";
import type { PageRequest } from "../../src/networks/types.ts";
import { failure } from "./failure.ts";
import { digest, walk } from "./walk.ts";

// The clients against the real simnet over HTTP: every case of NETWORKS.md that simnet can provoke.
type Net = "twitter" | "facebook" | "linkedin" | "mastodon";
interface SimAccount { network: string; id: string; token: string; refreshToken: string; followers: number }

let sim: SimnetProcess;
let reg: NetworkRegistry;

beforeAll(async () => {
  sim = await startSimnet({ SIMNET_SEED: "1" });
  reg = createRegistry({ simnetUrl: sim.url, live: false });
});
afterAll(async () => {
  await closeHttpAgent();
  await sim?.stop();
});

const FAST = { latencyMs: { p50: 0, p99: 1 } };
beforeEach(async () => {
  await sim.admin("POST", "/_simnet/reset");
  await patch({ twitter: FAST, facebook: FAST, linkedin: FAST, mastodon: FAST });
});

function patch(networks: Partial<Record<Net, object>>, extra: object = {}): Promise<unknown> {
  return sim.admin("PATCH", "/_simnet/config", { networks, ...extra });
}

async function account(network: Net, id: string): Promise<SimAccount> {
  const all = await sim.admin<SimAccount[]>("GET", `/_simnet/accounts?network=${network}`);
  const found = all.find((a) => a.id === id);
  if (!found) throw new Error(`simnet has no ${network}:${id}`);
  return found;
}

const client = (network: Net): DefinedNetwork => reg.require(network);
const first = (accountId: string, pageSize = 10): PageRequest => ({ accountId, cursor: null, offset: 0, pageSize });
const NETS: Net[] = ["twitter", "facebook", "linkedin", "mastodon"];

describe("full walks match simnet's truth", () => {
  it.each(NETS)("%s: the 10,000-follower account, every id exactly", async (network) => {
    const acct = await account(network, "large");
    const result = await walk(client(network), "large", acct.token);
    const truth = await sim.admin<{ count: number; sha256: string }>("GET", `/_simnet/truth/${network}/large`);
    expect(result.ids.size).toBe(truth.count);
    expect(digest(result.ids)).toBe(truth.sha256);
  });

  it("mastodon: a total that the page size divides ends on an empty page without Link", async () => {
    const acct = await account("mastodon", "medium");
    const result = await walk(client("mastodon"), "medium", acct.token, { pageSize: 40 });
    expect(result.pages.length).toBe(1_000 / 40 + 1);
    expect(result.pages.at(-1)).toMatchObject({ ids: [], next: null });
    expect(result.pages[0]?.next).toMatch(/^max_id=\d+$/);
  });

  it("facebook: summary.total_count on the first page; linkedin: paging.total", async () => {
    const fb = await client("facebook").fetchPage(first("small"), { token: (await account("facebook", "small")).token });
    expect(fb.total).toBeGreaterThanOrEqual(37);
    const li = await client("linkedin").fetchPage(first("small"), { token: (await account("linkedin", "small")).token });
    expect(li.total).toBe(37);
  });

  it("totals from the twitter and mastodon profiles", async () => {
    for (const network of ["twitter", "mastodon"] as const) {
      const res = await client(network).fetchTotal?.("large", { token: (await account(network, "small")).token });
      expect(res?.total, network).toBe(10_000);
    }
  });

  it("twitter and mastodon pages carry their rate headers", async () => {
    const tw = await client("twitter").fetchPage(first("small"), { token: (await account("twitter", "small")).token });
    expect(tw.rate).toMatchObject({ limit: 15, remaining: 14 });
    expect(tw.rate?.resetAtMs).toBeGreaterThan(Date.now());
    const ma = await client("mastodon").fetchPage(first("small"), { token: (await account("mastodon", "small")).token });
    expect(ma.rate).toMatchObject({ limit: 300, remaining: 299 });
  });
});

describe("rate limits", () => {
  it("twitter: 429 about:blank once the token's window is spent, waiting until its reset", async () => {
    await patch({ twitter: { limits: [{ scope: "token", max: 2, windowMs: 60_000 }] } });
    const acct = await account("twitter", "small");
    await client("twitter").fetchPage(first("small"), { token: acct.token });
    await client("twitter").fetchPage(first("small"), { token: acct.token });
    const { err } = await failure(client("twitter").fetchPage(first("small"), { token: acct.token }));
    expect([err.kind, err.status, err.code]).toEqual(["rate_limited", 429, "about:blank"]);
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(err.rate?.remaining).toBe(0);
  });

  it("twitter: the usage cap is permanent and distinguishable, though the headers say remaining > 0", async () => {
    await patch({ twitter: { usageCap: { max: 1 } } });
    const acct = await account("twitter", "small");
    await client("twitter").fetchPage(first("small"), { token: acct.token });
    const { err } = await failure(client("twitter").fetchPage(first("small"), { token: acct.token }));
    expect([err.kind, err.status, err.code]).toEqual(["permanent", 429, "UsageCapExceeded"]);
    expect(err.rate?.remaining).toBeGreaterThan(0);
  });

  it("mastodon: 429 with the reset of the limit nearest exhaustion; the paging bucket spares first pages", async () => {
    await patch({ mastodon: { limits: [{ scope: "token", max: 50, windowMs: 300_000 }, { scope: "token", max: 1, windowMs: 900_000, paging: true }] } });
    const acct = await account("mastodon", "medium");
    const page = await client("mastodon").fetchPage(first("medium", 40), { token: acct.token });
    await client("mastodon").fetchPage({ ...first("medium", 40), cursor: page.next }, { token: acct.token });
    const { err } = await failure(client("mastodon").fetchPage({ ...first("medium", 40), cursor: page.next }, { token: acct.token }));
    expect([err.kind, err.status]).toEqual(["rate_limited", 429]);
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(900_000);
    await client("mastodon").fetchPage(first("medium", 40), { token: acct.token });
  });

  it("facebook: an exhausted limit answers code 17 with X-App-Usage at 100", async () => {
    await patch({ facebook: { limits: [{ scope: "token", max: 1, windowMs: 60_000 }] } });
    const acct = await account("facebook", "small");
    await client("facebook").fetchPage(first("small"), { token: acct.token });
    const { err } = await failure(client("facebook").fetchPage(first("small"), { token: acct.token }));
    expect([err.kind, err.code]).toEqual(["rate_limited", "17"]);
    expect(err.rate?.usagePct).toBe(100);
  });

  it.each(NETS)("%s: a hidden limit is rate_limited (linkedin: no wait at all)", async (network) => {
    await patch({ [network]: { hiddenLimit: { perSecond: 1 } } });
    const acct = await account(network, "small");
    const calls = [0, 1, 2, 3].map(() => client(network).fetchPage(first("small"), { token: acct.token }).then(() => null, (e: unknown) => e));
    const errors = (await Promise.all(calls)).filter((e) => e !== null);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const e of errors) expect(e).toMatchObject({ kind: "rate_limited", network });
    if (network === "linkedin") expect(errors[0]).toMatchObject({ code: "101", retryAfterMs: undefined });
  });
});

describe("auth", () => {
  it.each(NETS)("%s: a revoked token is auth_invalid; a reissued one works", async (network) => {
    const acct = await account(network, "small");
    await sim.admin("POST", `/_simnet/accounts/${network}/small/revoke`);
    const { err } = await failure(client(network).fetchPage(first("small"), { token: acct.token }));
    expect([err.kind, err.network, err.name]).toEqual(["auth_invalid", network, `${{ twitter: "Twitter", facebook: "Facebook", linkedin: "LinkedIn", mastodon: "Mastodon" }[network]}Error`]);
    expect(err.message).not.toContain(acct.token);
    const fresh = await sim.admin<{ token: string }>("POST", `/_simnet/accounts/${network}/small/token`);
    expect((await client(network).fetchPage(first("small"), { token: fresh.token })).ids.length).toBeGreaterThan(0);
  });

  it("facebook: another account's list is a permission error (auth_invalid); no token is 104", async () => {
    const acct = await account("facebook", "small");
    const other = await failure(client("facebook").fetchPage(first("medium"), { token: acct.token }));
    expect(other.err.kind).toBe("auth_invalid");
    const none = await failure(client("facebook").fetchPage(first("small"), { token: "" }));
    expect([none.err.kind, none.err.code]).toEqual(["auth_invalid", "104"]);
  });

  it("twitter: refresh rotates the pair; a used refresh token is auth_invalid", async () => {
    await patch({ twitter: { tokenTtlMs: 60_000 } });
    const acct = await account("twitter", "small");
    const refresh = client("twitter").refresh;
    if (!refresh) throw new Error("twitter has no refresh");
    const next = await refresh(acct.refreshToken);
    expect(next.accessToken).not.toBe(acct.token);
    expect(next.expiresInMs).toBe(60_000);
    expect((await client("twitter").fetchPage(first("small"), { token: next.accessToken })).ids.length).toBeGreaterThan(0);
    const { err } = await failure(refresh(acct.refreshToken));
    expect([err.kind, err.code]).toEqual(["auth_invalid", "invalid_request"]);
  });

  it("twitter: an expired access token is auth_invalid; its refresh token still gets a working pair", async () => {
    await patch({ twitter: { tokenTtlMs: 300 } });
    const refresh = client("twitter").refresh;
    if (!refresh) throw new Error("twitter has no refresh");
    const short = await refresh((await account("twitter", "small")).refreshToken);
    const expired = await waitFor(
      () => client("twitter").fetchPage(first("small"), { token: short.accessToken }).then(() => null, (e: unknown) => e),
      (e) => e !== null, { timeoutMs: 5_000, what: "the token to expire" });
    expect(expired).toMatchObject({ kind: "auth_invalid", status: 401 });
    if (!short.refreshToken) throw new Error("no refresh token issued");
    const again = await refresh(short.refreshToken);
    expect((await client("twitter").fetchPage(first("small"), { token: again.accessToken })).ids.length).toBeGreaterThan(0);
  });
});

describe("faults", () => {
  it.each(NETS)("%s: 5xx is transient", async (network) => {
    await patch({ [network]: { errorRate: 1 } });
    const { err } = await failure(client(network).fetchPage(first("small"), { token: (await account(network, "small")).token }));
    expect(err.kind).toBe("transient");
    expect(err.status).toBeGreaterThanOrEqual(500);
  });

  it.each(NETS)("%s: a malformed 200 (truncated JSON or HTML) is transient, never a page", async (network) => {
    await patch({ [network]: { malformedRate: 1 } });
    const acct = await account(network, "small");
    for (let i = 0; i < 4; i++) {
      const { err } = await failure(client(network).fetchPage(first("small"), { token: acct.token }));
      expect([err.kind, err.status, err.code]).toEqual(["transient", 200, "MALFORMED"]);
    }
  });

  it.each(NETS)("%s: a socket that never answers is abandoned within timeout + 1 s", async (network) => {
    await patch({ [network]: { hangRate: 1 } });
    const short = createRegistry({ simnetUrl: sim.url, live: false, timeoutMs: { [network]: 300 } }).require(network);
    const { err, ms } = await failure(short.fetchPage(first("small"), { token: (await account(network, "small")).token }));
    expect([err.kind, err.code]).toEqual(["transient", "ETIMEDOUT"]);
    expect(ms).toBeLessThan(1_300);
  });

  it.each(NETS)("%s: failAccounts fails that account's list only", async (network) => {
    await patch({ [network]: { failAccounts: ["small"] } });
    const { err } = await failure(client(network).fetchPage(first("small"), { token: (await account(network, "small")).token }));
    expect([err.kind, err.status]).toEqual(["transient", 500]);
    expect((await client(network).fetchPage(first("solo"), { token: (await account(network, "solo")).token })).ids).toHaveLength(1);
  });

  it("an outage is transient for every call (the engine's breaker makes it an outage)", async () => {
    await patch({ mastodon: { outage: { startMs: 0, durationMs: 60_000 } } });
    const { err } = await failure(client("mastodon").fetchPage(first("small"), { token: (await account("mastodon", "small")).token }));
    expect(err.kind).toBe("transient");
  });

  it("linkedin: the pagination cap is permanent PAGINATION_LIMIT", async () => {
    await patch({ linkedin: { paginationCap: 50 } });
    const acct = await account("linkedin", "medium");
    const { err } = await failure(client("linkedin").fetchPage({ ...first("medium", 50), offset: 50 }, { token: acct.token }));
    expect([err.kind, err.status, err.code]).toEqual(["permanent", 400, "PAGINATION_LIMIT"]);
  });

  it("linkedin: zeroTotal pages report total 0 (unknown)", async () => {
    await patch({ linkedin: { zeroTotal: true } });
    const page = await client("linkedin").fetchPage(first("small"), { token: (await account("linkedin", "small")).token });
    expect(page.total).toBe(0);
  });

  it.each([["twitter", "garbage"], ["facebook", "Z2FyYmFnZQ"], ["mastodon", "max_id=abc"]] as const)("%s: a cursor the API does not take is permanent", async (network, cursor) => {
    const { err } = await failure(client(network).fetchPage({ ...first("small"), cursor }, { token: (await account(network, "small")).token }));
    expect([err.kind, err.status]).toEqual(["permanent", 400]);
  });

  it.each(["twitter", "mastodon"] as const)("%s: an unknown account is permanent", async (network) => {
    const { err } = await failure(client(network).fetchPage(first("no-such-account"), { token: (await account(network, "small")).token }));
    expect(err.kind).toBe("permanent");
  });

  it.each(["facebook", "mastodon"] as const)("%s: short pages and overlaps still add up to the truth", async (network) => {
    await patch({ [network]: { shortPageRate: 0.3, overlapRate: 0.3 } });
    const acct = await account(network, "medium");
    const result = await walk(client(network), "medium", acct.token);
    const truth = await sim.admin<{ count: number; sha256: string }>("GET", `/_simnet/truth/${network}/medium`);
    expect(digest(result.ids)).toBe(truth.sha256);
  });
});
