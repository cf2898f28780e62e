import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { connectAccount, waitForTree } from "../../src/ops.ts";
import { digestIds } from "../../src/store/followers.ts";
import { startSync } from "../../src/sync.ts";
import type { TreeDoc } from "../../src/tree/tree.ts";
import type { Harness, TestEngine } from "../harness.ts";

/** simnet at full speed: no latency, rate-limit windows shrunk 1000×. */
export const FAST = { timeScale: 0.001, networks: Object.fromEntries(["twitter", "facebook", "linkedin", "mastodon"].map((n) => [n, { latencyMs: { p50: 0, p99: 0 } }])) };

/** A fresh simnet account of its own (unique id per test), connected. */
export async function newAccount(h: Harness, network: string, followers: number): Promise<{ account: string; id: string; token: string }> {
  const id = `d${randomUUID().slice(0, 8)}`;
  const a = await h.simnet.admin<{ token: string; refreshToken?: string | null }>("POST", "/_simnet/accounts", { network, followers, id });
  await connectAccount(h.engine, `${network}:${id}`, a.token, a.refreshToken ?? null);
  return { account: `${network}:${id}`, id, token: a.token };
}

export async function syncDone(h: Harness, accounts: string[]): Promise<TreeDoc> {
  const { treeId } = await startSync(h.engine, accounts);
  const doc = await waitForTree(h.engine, treeId, { timeoutMs: 60_000 });
  expect(doc.state, JSON.stringify(doc.failed)).toBe("done");
  return doc;
}

/** Every page of the account's current version through the library, `limit` at a time. */
export async function readAll(engine: TestEngine, account: string, limit: number): Promise<{ ids: string[]; version: string; pages: number }> {
  const i = account.indexOf(":");
  const [network, id] = [account.slice(0, i), account.slice(i + 1)];
  const ids: string[] = [];
  let cursor: string | null = null;
  let version = "";
  let pages = 0;
  do {
    const p = await engine.followers.page(network, id, { cursor, limit });
    if (version && p.version !== version) throw new Error(`page ${pages} switched from ${version} to ${p.version}`);
    version = p.version;
    ids.push(...p.followers);
    cursor = p.next;
    pages++;
  } while (cursor);
  return { ids, version, pages };
}

/** The ids equal simnet's truth: same count, same sha256 (sorted bytes, "\n" after each). */
export async function expectTruth(h: Harness, account: string, ids: string[]): Promise<void> {
  const i = account.indexOf(":");
  const truth = await h.truth(account.slice(0, i), account.slice(i + 1));
  expect(new Set(ids).size).toBe(ids.length);
  expect(digestIds(ids)).toEqual({ count: truth.count, sha256: truth.sha256 });
}
