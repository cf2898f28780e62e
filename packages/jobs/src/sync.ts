import { randomBytes } from "node:crypto";
import { parseAccount } from "./accounts.ts";
import type { Engine } from "./engine.ts";
import { firstPage } from "./paging.ts";
import { PRIORITIES, pageJobId, type Priority, type QueueName } from "./queues.ts";

export class SyncInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncInputError";
  }
}

export interface StartSyncOptions {
  priority?: Priority;
  queue?: QueueName;
  /** Use this connected account's token for networks that serve any account's list (Twitter, Mastodon). */
  via?: string;
}

/** Tree ids: time-ordered, never all digits, no ':'. */
export function newTreeId(now: number): string {
  return `t${now.toString(36)}${randomBytes(5).toString("hex")}`;
}

/** Starts one sync tree with a node per account and enqueues each account's first page. */
export async function startSync(engine: Engine, accounts: string[], opts: StartSyncOptions = {}): Promise<{ treeId: string }> {
  if (accounts.length === 0) throw new SyncInputError("no account given");
  const parsed = [...new Set(accounts)].map((a) => {
    const p = parseAccount(a);
    if (!p) throw new SyncInputError(`"${a}" is not NETWORK:ACCOUNT_ID`);
    const net = engine.networks.get(p.network);
    if (!net) throw new SyncInputError(`unknown network "${p.network}" in ${a}`);
    return { ...p, net };
  });
  const via = opts.via ? parseAccount(opts.via) : null;
  if (opts.via && !via) throw new SyncInputError(`--via "${opts.via}" is not NETWORK:ACCOUNT_ID`);
  const treeId = newTreeId(engine.clock.now());
  const pages = parsed.map(({ network, id, net }) => {
    const authAccount = via && via.network === network && net.client.readsOthers ? via.id : id;
    // Twitter and Mastodon pages carry no total: one profile call first tells whether the account is a whale.
    const sizeFirst = net.client.fetchTotal !== undefined && net.client.paging === "cursor" && net.sizeFirst;
    return firstPage({ treeId, network, accountId: id, authAccount, pageSize: net.pageSize }, net.client.paging, net.window, sizeFirst);
  });
  const priority = opts.priority ?? "normal";
  await engine.tree.create(treeId, pages.map((p) => ({ node: `${p.network}:${p.accountId}`, firstLeaf: p.page })), {
    accounts: JSON.stringify(parsed.map((p) => `${p.network}:${p.id}`)), priority,
  });
  const now = engine.clock.now();
  await engine.redis.zadd(engine.keys.treesIndex(), now, treeId);
  const byAcct = engine.redis.pipeline();
  for (const p of parsed) byAcct.zadd(engine.keys.treesByAccount(`${p.network}:${p.id}`), now, treeId);
  await byAcct.exec();
  const from = opts.queue ?? "default";
  for (const p of pages) {
    const queue = engine.queues[await engine.whales.route(`${p.network}:${p.accountId}`, from)];
    await queue.add("followers.page", p, { jobId: pageJobId(treeId, p.network, p.accountId, p.page), priority: PRIORITIES[priority] });
  }
  return { treeId };
}
