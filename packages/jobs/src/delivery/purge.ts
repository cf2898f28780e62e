import type { Engine } from "../engine.ts";
import { safeId } from "../keys.ts";
import { pageJobId, QUEUES } from "../queues.ts";
import { runScript } from "../scripts.ts";
import { publishSettled } from "../settle.ts";
import { disconnectedEventId } from "./events.ts";
import { sinkFor, sinkJobId } from "./sink.ts";

/**
 * Purge: every trace of an account in Redis and in the PostgreSQL sink, except the audit entry that records it
 * (written by the caller after this).
 * Called by `disconnectAccount(…, purge = true)` after the token and parked jobs are gone. Deletes:
 *  - the account's own keys (tag `{a.NETWORK.ID}`): info, token, parked jobs, every follower version, change set,
 *    history and meta;
 *  - its place in the shared indexes: accounts, due (trickle), whales, failed jobs, the limiter's token windows;
 *  - its part of its recent syncs: the node's pages, staging set (follower ids), cursors and coverage, and its jobs
 *    (waiting, delayed, completed or failed; an open page is recorded failed "purged" so the tree still settles);
 *  - its account.disconnected events and their deliveries;
 *  - its mentions in the tree documents' account lists, the queues' event streams (job ids name the account), the
 *    limiter's history samples (its token's windows) and the audit log (earlier entries naming it: connect, whale,
 *    reprioritize, a job action on one of its jobs);
 *  - its sink rows and sink version.
 * A page job running at this very moment may still write its page back (its tree node is then unknown and the page
 * is dropped by the tree; its staging write expires with the tree).
 */
export interface PurgeReport { keys: number; jobs: number; trees: number; sinkRows: number; indexEntries: number; auditEntries: number }

const OPEN = new Set(["pending", "delayed", "parked", "running"]);

export async function purgeAccountData(engine: Engine, network: string, id: string): Promise<PurgeReport> {
  const { redis, keys } = engine;
  const account = `${network}:${id}`;
  const tokenVersion = Number(await redis.hget(keys.account(network, id), "tokenVersion") ?? 0);
  const report: PurgeReport = { keys: 0, jobs: 0, trees: 0, sinkRows: 0, indexEntries: 0, auditEntries: 0 };
  // The sink's jobs are named by account and version: every version this account ever had.
  const versions = (await engine.followers.info(network, id)).version;
  for (let v = 1; v <= versions; v++) report.jobs += await removeJob(engine, sinkJobId(network, id, v));

  report.keys += await engine.followers.purge(network, id);
  report.keys += await redis.del(keys.account(network, id), keys.accountToken(network, id), `${keys.accountToken(network, id)}:refresh-lock`, keys.parked(network, id));
  await redis.zrem(keys.accountsIndex(), account);
  await redis.zrem(keys.accountsDue(), account);
  await engine.whales.unflag(account);

  for (const treeId of await redis.zrange(keys.treesByAccount(account), 0, -1)) {
    report.jobs += await purgeNode(engine, treeId, network, id);
    report.trees++;
  }
  report.keys += await redis.del(keys.treesByAccount(account));
  report.indexEntries += await purgeFailedIndex(engine, account);
  report.keys += await purgeLimiterWindows(engine, network, id);
  report.jobs += await purgeDisconnectedEvents(engine, network, id, tokenVersion);
  await runScript(redis, "scrubSamples", [keys.limitHistory(network)], [`token.${id}.`, "keys"]);
  await runScript(redis, "scrubSamples", [keys.errorSamples(network)], [JSON.stringify(account), "drop"]);

  const sink = sinkFor(engine, 1);
  if (sink) {
    try {
      report.sinkRows = await sink.purge(network, id);
    } finally {
      await sink.close();
    }
  }
  // Last: every job removal above wrote a "removed" event naming the job.
  await scrubEventStreams(engine, [`-${safeId(id)}-`, account]);
  report.auditEntries = await scrubStream(engine, engine.keys.audit(), [`-${safeId(id)}-`, JSON.stringify(account)]);
  return report;
}

/** The account's node in one tree: jobs removed, open pages failed as purged (the tree settles), node keys deleted. */
async function purgeNode(engine: Engine, treeId: string, network: string, id: string): Promise<number> {
  const { redis, keys } = engine;
  const node = `${network}:${id}`;
  let removed = 0;
  let settled: string | null = null;
  let cursor: string | null = "0";
  const pages: string[] = [];
  while (cursor !== null) {
    const res: Awaited<ReturnType<typeof engine.tree.leaves>> = await engine.tree.leaves(treeId, node, cursor, 500);
    cursor = res.next;
    for (const l of res.leaves) {
      pages.push(l.page);
      removed += await removeJob(engine, pageJobId(treeId, network, id, l.page));
      if (!OPEN.has(l.state)) continue;
      const r = await engine.tree.fail(treeId, node, l.page, { error: "account purged", kind: "cancelled" });
      settled = r.treeState ?? settled;
    }
  }
  for (let i = 0; i < pages.length; i += 500) await redis.hdel(keys.treeFailed(treeId), ...pages.slice(i, i + 500).map((p) => `${node}|${p}`));
  await redis.del(keys.treeNode(treeId, node), keys.treeLeaves(treeId, node), keys.treeStaging(treeId, node), keys.treeCursors(treeId, node), keys.treeCover(treeId, node));
  await redis.zrem(keys.treeNodes(treeId), node);
  const listed = await redis.hget(keys.treeMeta(treeId), "accounts");
  if (listed?.includes(node)) {
    const rest = (JSON.parse(listed) as string[]).filter((a) => a !== node);
    await redis.hset(keys.treeMeta(treeId), "accounts", JSON.stringify(rest));
  }
  // Announced once the node is gone, so the settled tree's document (and its webhook event) does not name the account.
  if (settled) await publishSettled(engine, treeId, settled);
  return removed;
}

/** Removes a job by id from whichever queue holds it (an active one cannot be removed and is left to finish). */
async function removeJob(engine: Engine, jobId: string): Promise<number> {
  for (const q of QUEUES) {
    const job = await engine.queues[q].getJob(jobId);
    if (!job) continue;
    if ((await job.getState()) === "active") return 0;
    await job.remove();
    return 1;
  }
  return 0;
}

async function purgeFailedIndex(engine: Engine, account: string): Promise<number> {
  const k = engine.keys.failedIndex();
  let cursor = "0";
  let n = 0;
  do {
    const [next, flat] = await engine.redis.zscan(k, cursor, "MATCH", `*|${globEscape(account)}`, "COUNT", 1_000);
    cursor = next;
    const members = flat.filter((_, i) => i % 2 === 0).filter((m) => m.endsWith(`|${account}`));
    if (members.length) n += await engine.redis.zrem(k, ...members);
  } while (cursor !== "0");
  return n;
}

/** The limiter's windows of the account's own token (`token.<id>.<window>…`); shared windows (app, ip) stay. */
async function purgeLimiterWindows(engine: Engine, network: string, id: string): Promise<number> {
  const idx = engine.keys.limitKeys(network);
  const prefix = `token.${id}.`;
  const mine = (await engine.redis.zrange(idx, 0, -1)).filter((k) => k.startsWith(prefix) && /^\d/.test(k.slice(prefix.length)));
  if (!mine.length) return 0;
  let n = 0;
  for (const k of mine) n += await engine.redis.del(engine.keys.limitWindow(network, k), engine.keys.limitWindow(network, `${k}:b`));
  await engine.redis.zrem(idx, ...mine);
  return n;
}

/** account.disconnected events name the account: their bodies, deliveries and jobs go too. */
async function purgeDisconnectedEvents(engine: Engine, network: string, id: string, tokenVersion: number): Promise<number> {
  const { redis, keys } = engine;
  const endpoints = await redis.zrange(keys.webhookEndpoints(), 0, -1);
  let n = 0;
  for (let v = 1; v <= tokenVersion; v++) {
    const eventId = disconnectedEventId(network, id, v);
    if (!(await redis.exists(keys.webhookEvent(eventId))) && !(await engine.queues.system.getJob(eventId))) continue;
    n += await removeJob(engine, eventId);
    await redis.del(keys.webhookEvent(eventId));
    for (const ep of endpoints) {
      const deliveryId = `${eventId}-${ep}`;
      await redis.del(keys.webhookDelivery(deliveryId));
      await redis.zrem(keys.webhookDeliveries(ep), deliveryId);
      n += await removeJob(engine, `wh-${deliveryId}`);
    }
  }
  return n;
}

/**
 * BullMQ's event streams (capped at ~10,000 entries per queue) carry job ids, which name the account: its entries
 * go. Read in pages, so the cost is bounded by the cap, not by history.
 */
async function scrubEventStreams(engine: Engine, needles: string[]): Promise<void> {
  for (const q of QUEUES) {
    const stream = engine.queues[q].keys.events;
    if (stream) await scrubStream(engine, stream, needles);
  }
}

/** Deletes a stream's entries with a field containing any of `needles`; answers how many. */
async function scrubStream(engine: Engine, stream: string, needles: string[]): Promise<number> {
  let n = 0;
  let start = "-";
  for (;;) {
    const entries = (await engine.redis.xrange(stream, start, "+", "COUNT", 1_000)) as [string, string[]][];
    const doomed = entries.filter(([, fields]) => fields.some((f) => needles.some((x) => f.includes(x)))).map(([eid]) => eid);
    if (doomed.length) n += await engine.redis.xdel(stream, ...doomed);
    if (entries.length < 1_000) return n;
    start = `(${entries[entries.length - 1]?.[0] ?? "+"}`;
  }
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
