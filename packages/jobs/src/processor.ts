import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { emitAccountDisconnected } from "./delivery/events.ts";
import { enqueueSinkApply } from "./delivery/sink.ts";
import type { Engine, NetworkRuntime } from "./engine.ts";
import type { Charge } from "./limiter/limiter.ts";
import { NetworkError, assertNever } from "./networks/errors.ts";
import type { Page, RateObservation } from "./networks/types.ts";
import { coverStart, planNext } from "./paging.ts";
import { parsePayload, PayloadError, type PagePayload } from "./payloads.ts";
import { isQueueName, pageJobId, type QueueName } from "./queues.ts";
import type { ProcessObserver } from "./metrics.ts";
import { parkJob, type ParkingHooks } from "./parking.ts";
import { moveWaitingJobs } from "./ops.ts";
import { publishSettled } from "./settle.ts";
import { markSynced } from "./trickle.ts";

/**
 * One job = one API call. The processor turns what happened into exactly one outcome:
 * stored (and successors launched) | waiting for a limit or the breaker (no attempt spent) | parked until the account
 * reconnects | retried with backoff (transient) | failed for good (permanent, or out of attempts).
 */
type Outcome = { ids: number; successors: number } | { skipped: string };
/** Points where a test pins an interleaving (parking's, and the one before a committing node is verified). */
export interface ProcessorHooks extends ParkingHooks {
  /** Runs when a page's done left its node committing, before its coverage is verified and the node committed. */
  beforeVerify?: (job: Job) => Promise<void>;
}

interface Ctx { engine: Engine; net: NetworkRuntime; job: Job; token: string | undefined; p: PagePayload; node: string; tokenVersion: number; hooks: ProcessorHooks }

export function createPageProcessor(engine: Engine, signal?: AbortSignal, observer?: ProcessObserver, hooks: ProcessorHooks = {}) {
  return async function processPage(job: Job, token?: string): Promise<Outcome> {
    if (job.attemptsStarted <= 1) observer?.waited(job.queueName, Math.max(0, engine.clock.now() - job.timestamp - (job.opts.delay ?? 0)));
    try {
      const out = await runPage(job, token);
      observer?.page(String((job.data as { network?: unknown }).network), "stored");
      return out;
    } catch (err) {
      const network = String((job.data as { network?: unknown }).network);
      if (err instanceof DelayedError) observer?.page(network, err.message.startsWith("parked") ? "parked" : "delayed");
      else if (err instanceof UnrecoverableError) observer?.page(network, "failed");
      else observer?.page(network, "retried");
      if (err instanceof NetworkError) observer?.error(network, err.kind);
      throw err;
    }
  };

  async function runPage(job: Job, token?: string): Promise<Outcome> {
    let p: PagePayload;
    try {
      p = parsePayload("followers.page", job.data);
    } catch (err) {
      if (err instanceof PayloadError) throw new UnrecoverableError(err.message);
      throw err;
    }
    const node = `${p.network}:${p.accountId}`;
    const net = engine.networks.get(p.network);
    if (!net) {
      await failLeaf(engine, job, p, node, `unknown network ${p.network}`, "permanent");
      throw new UnrecoverableError(`unknown network ${p.network}`);
    }
    const ctx: Ctx = { engine, net, job, token, p, node, tokenVersion: 0, hooks };
    // The pause is read on every job, not cached: an operator's pause holds the very next job of that network,
    // fleet-wide. Read beside the token (usually cached), so it costs no round trip of its own when that is not.
    const [paused, tokens] = await Promise.all([engine.redis.sismember(engine.keys.networkPaused(), p.network), engine.accounts.tokens(p.network, p.authAccount)]);
    if (paused === 1) return delay(ctx, 2_000);
    if (!tokens) return park(ctx, "account not connected");
    ctx.tokenVersion = tokens.version;
    const call = { token: tokens.token, ...(signal ? { signal } : {}) };

    // The leaf goes running while the limiter decides: two slots, so two scripts, but one round trip (issue 11).
    // Nothing stands between a charge and the request it admits, so the API sees calls spread as the sliding log
    // spread them. A page of an expired tree (or one never registered) costs one unused charge, then does nothing.
    const acquire = () => engine.limiter.acquire(net.limits, callShape(p), job.queueName === "trickle" ? engine.settings.trickle.share : 1);
    const [started, first] = await Promise.all([engine.tree.setState(p.treeId, node, p.page, "running"), acquire()]);
    if (started.nodeState === "orphan" || started.nodeState === "unknown") return { skipped: `tree ${started.nodeState}` };
    let verdict = first;
    for (let tries = 0; !verdict.go; tries++) {
      // Woken a Redis timer tick early: a delayed job is taken when BullMQ's blocking read times out, which Redis
      // rounds up to its tick (100 ms at the default hz 10); the rest is slept here, so the call goes on time.
      if (verdict.waitMs > engine.settings.inlineWaitMs || tries >= 8) return delay(ctx, tries >= 8 ? verdict.waitMs : verdict.waitMs - Math.min(WAKE_EARLY_MS, engine.settings.inlineWaitMs));
      await sleep(verdict.waitMs);
      verdict = await acquire();
    }
    const probe = verdict.probe;
    // A reserved slot a little ahead (pacing inside the window): the charge is at that time, so the call goes then.
    const wait = verdict.dueAt - performance.now();
    if (wait > 0) await sleep(wait);
    // Late (the slot passed while this process was busy, or undici waited for a connection): the log learns when
    // the call really left as its headers are written to the socket, while the request travels.
    const { charge, dueAt } = verdict;
    let departed = Promise.resolve();
    const sent = { ...call, ...(charge ? { onSent: () => { departed = depart(ctx, charge, performance.now() - dueAt); } } : {}) };

    try {
      // The limiter hears of the call (breaker, rate headers) while the page is stored: one round trip, not two.
      if (p.mode === "size") {
        if (!net.client.fetchTotal) throw new Error(`${p.network} has no profile call`);
        const { total, rate } = await net.client.fetchTotal(p.accountId, sent);
        return (await Promise.all([storeSize(ctx, total), afterCall(ctx, rate), departed]))[0];
      }
      const page = await net.client.fetchPage({ accountId: p.accountId, cursor: p.cursor, offset: p.offset, pageSize: p.pageSize }, sent);
      return (await Promise.all([storePage(ctx, page), afterCall(ctx, page.rate), departed]))[0];
    } catch (err) {
      return handleFailure(ctx, err, probe);
    }
  }
}

function callShape(p: PagePayload) {
  return { tokenRef: p.authAccount, paging: p.cursor !== null || p.offset > 0, endpoint: p.mode === "size" ? "profile" : "followers" };
}

async function afterCall({ engine, net, p }: Ctx, rate: RateObservation | null): Promise<void> {
  await engine.limiter.observe(net.limits, callShape(p), rate, false, true);
}

/** Moves a late call's charge to when it left; a Redis error here must not fail the call that is already going. */
async function depart({ engine, job }: Ctx, charge: Charge, lateMs: number): Promise<void> {
  await engine.limiter.departed(charge, lateMs).catch((err: unknown) => {
    engine.log.warn({ jobId: job.id, err: err instanceof Error ? err.message : String(err) }, "could not move a late call's charge");
  });
}

/** The profile's follower total decides where the paging runs: a whale's pages go to the whales queue. */
async function storeSize(ctx: Ctx, total: number): Promise<Outcome> {
  const { engine, p, node } = ctx;
  await detectWhale(ctx, total);
  const first: PagePayload = { ...p, page: "p0", mode: "cursor", cursor: null, offset: 0, authRetried: false };
  const res = await engine.tree.done(p.treeId, node, p.page, { ids: [], successors: [first.page], total });
  return launch(ctx, [first], res);
}

async function storePage(ctx: Ctx, page: Page): Promise<Outcome> {
  const { engine, net, p, node } = ctx;
  if (p.offset === 0 && page.total !== null && page.total > 0 && (p.page === "o0" || p.page === "p0")) await detectWhale(ctx, page.total);
  const pages = p.mode === "cursor" ? Number(p.page.slice(1)) : Math.floor(p.offset / p.pageSize);
  const plan = planNext(p, page, { style: net.client.paging, window: p.window, maxPages: net.maxPages }, pages);
  const res = await engine.tree.done(p.treeId, node, p.page, {
    ids: page.ids, successors: plan.successors.map((s) => s.page), total: page.total,
    nextCursor: plan.nextCursor, stopIfNoNew: plan.stopIfNoNew, ...(plan.anomaly ? { anomaly: plan.anomaly } : {}),
    coverStart: coverStart(p, page),
  });
  if (res.pagesThisMinute > engine.whales.spikePagesPerMinute) await detectSpike(ctx, res.pagesThisMinute);
  const out = await launch(ctx, plan.successors, res);
  return { ids: page.ids.length, successors: "successors" in out ? out.successors : 0 };
}

async function detectWhale({ engine, p, node }: Ctx, total: number): Promise<void> {
  if (total > engine.whales.threshold && !(await engine.whales.isWhale(node))) {
    await engine.whales.flag(node, `follower total ${total} above the threshold ${engine.whales.threshold}`, total, false);
    engine.log.info({ account: node, total, treeId: p.treeId }, "whale detected");
  }
}

/**
 * The job-rate trigger: an account whose pages run faster than the spike threshold (a size the network understated
 * or never gave) becomes a whale; the first worker to flag it moves its waiting pages to the whale queue.
 */
async function detectSpike({ engine, p, node }: Ctx, pagesThisMinute: number): Promise<void> {
  if (await engine.whales.isWhale(node)) return;
  const reason = `job rate spike: ${pagesThisMinute} pages in a minute, above the threshold ${engine.whales.spikePagesPerMinute}`;
  if (!(await engine.whales.flag(node, reason, null, false))) return;
  const moved = await moveWaitingJobs(engine, node, "whales");
  engine.log.info({ account: node, pagesThisMinute, moved, treeId: p.treeId }, "whale detected (job rate spike)");
}

/** Enqueues the successors the tree accepted, in the account's queue (whales go to `whales`), then settles. */
async function launch(ctx: Ctx, successors: PagePayload[], res: { nodeState: string; treeState: string; registered: string[] }): Promise<Outcome> {
  const { engine, job, p, node } = ctx;
  const registered = new Set(res.registered);
  const go = successors.filter((s) => registered.has(s.page));
  if (go.length) {
    const from: QueueName = isQueueName(job.queueName) ? job.queueName : "default";
    const queue = engine.queues[await engine.whales.route(node, from)];
    // A fan-out (LinkedIn's known-size pages, a window's first pages) queues one step behind its sync's priority, so
    // the next page of a sequential cursor chain at that priority is not stuck behind thousands of them; the job's
    // current priority (an operator may have changed it) is what its successors inherit.
    const priority = job.priority > 0 && go.length > 1 ? job.priority + 1 : job.priority;
    const opts = (s: PagePayload) => ({ jobId: pageJobId(s.treeId, s.network, s.accountId, s.page), ...(priority ? { priority } : {}) });
    const [only] = go;
    // A cursor chain's one successor: Queue.add is one script call, where addBulk builds a MULTI (and ioredis copies
    // every script defined on the connection, BullMQ's 64, into each MULTI it builds: ~80 µs; issue 11).
    if (go.length === 1 && only) await queue.add("followers.page", only, opts(only));
    else {
      for (let i = 0; i < go.length; i += 1_000) {
        await queue.addBulk(go.slice(i, i + 1_000).map((s) => ({ name: "followers.page", data: s, opts: opts(s) })));
      }
    }
  }
  if (res.nodeState === "committing") {
    await ctx.hooks.beforeVerify?.(job);
    if ((await verifyCoverage(ctx)) === "commit") {
      await commitNode(engine, p.treeId, p.network, p.accountId);
      await markSynced(engine, node);
    }
  } else if (res.treeState) await publishSettled(engine, p.treeId, res.treeState);
  return { ids: 0, successors: go.length };
}

const MAX_VERIFY_ROUNDS = 5;

/**
 * Offset paging under drift (followers added mid-walk shift every later offset; the total grows with them): pages
 * fetched in parallel can straddle a shift and leave a gap. Before a node completes, its coverage bitmap shows any
 * true position not yet held; those are fetched again, at offsets moved by the drift the latest total reveals.
 *
 * Several jobs can be told "committing" for one node: the one whose page completed it, and any duplicate run of a
 * page already done (a whale move's copy, a stalled job run again), which must be able to finish a commit whose
 * job died. Only a node still committing is verified or committed, and only the job whose `extend` moved it on
 * launches a round: a job that finds the round launched by another answers "verifying", never "commit" (committing
 * then would publish the set before the round's pages land, and a tree publishes once). After MAX_VERIFY_ROUNDS with
 * positions still missing, the node commits what it holds, marked with an anomaly (it settles partial).
 */
async function verifyCoverage(ctx: Ctx): Promise<"commit" | "verifying"> {
  const { engine, net, job, p, node } = ctx;
  const nd = await engine.tree.node(p.treeId, node);
  if (nd?.state !== "committing") return "verifying"; // another job moved it on: a round, or the commit itself
  if (net.client.paging !== "offset" || !nd.total0) return "commit";
  const gaps = await engine.tree.gaps(p.treeId, node, nd.total0);
  if (!gaps.length) return "commit";
  if (nd.verify >= MAX_VERIFY_ROUNDS) {
    const missing = gaps.reduce((n, [a, b]) => n + b - a, 0);
    await engine.tree.flagAnomaly(p.treeId, node, `${missing} positions still missing after ${nd.verify} coverage rounds (offset drift): stored what was held`);
    return "commit";
  }
  const drift = (nd.total ?? nd.total0) - nd.total0;
  const round = nd.verify + 1;
  const pages: PagePayload[] = [];
  for (const [a, b] of gaps) {
    for (let s = a; s < b; s += p.pageSize) {
      const offset = Math.max(0, s + drift);
      pages.push({ ...p, page: `v${round}-${offset}`, offset, cursor: null, mode: "fill", authRetried: false, total0: nd.total0 });
    }
  }
  const res = await engine.tree.extend(p.treeId, node, pages.map((x) => x.page));
  // Nothing registered: the node was no longer committing when `extend` ran (another job launched this round).
  if (!res.registered.length) return "verifying";
  engine.log.info({ treeId: p.treeId, account: node, gaps: gaps.length, pages: pages.length, drift, round }, "coverage gaps: fetching again");
  const accepted = new Set(res.registered);
  const go = pages.filter((x) => accepted.has(x.page));
  const from: QueueName = isQueueName(job.queueName) ? job.queueName : "default";
  const queue = engine.queues[await engine.whales.route(node, from)];
  await queue.addBulk(go.map((s) => ({ name: "followers.page", data: s, opts: { jobId: pageJobId(s.treeId, s.network, s.accountId, s.page) } })));
  return "verifying";
}

/** The node finished with no failed page: swap its set in for readers, then let the tree settle. */
export async function commitNode(engine: Engine, treeId: string, network: string, accountId: string): Promise<void> {
  const node = `${network}:${accountId}`;
  const published = await engine.followers.publish(treeId, network, accountId);
  // Issue 12: the PostgreSQL sink gets the version (job id per account + version: a retried commit adds nothing).
  await enqueueSinkApply(engine, network, accountId, published.version);
  const res = await engine.tree.commit(treeId, node);
  // UNLINK: a whale's staged set holds a million ids; freeing it is Redis's background work, not the commit's.
  await engine.redis.unlink(engine.keys.treeStaging(treeId, node));
  if (res.treeState) await publishSettled(engine, treeId, res.treeState);
}

async function handleFailure(ctx: Ctx, err: unknown, probe: boolean): Promise<never> {
  const { engine, net, job, p, node } = ctx;
  if (!(err instanceof NetworkError)) throw err; // a bug or Redis trouble: spend an attempt, keep the stack
  const call = callShape(p);
  await engine.errors.record(p.network, {
    at: engine.clock.now(), kind: err.kind, code: err.code ?? (err.status ? String(err.status) : "none"), status: err.status ?? null,
    message: err.message, account: node, jobId: job.id ?? "",
  });
  engine.log.warn({ jobId: job.id, network: p.network, account: node, kind: err.kind, code: err.code, status: err.status }, err.message);

  switch (err.kind) {
    case "rate_limited": { // wait without spending an attempt
      await engine.limiter.observe(net.limits, call, err.rate ?? null, true);
      // Asked only for how long to wait: a slot it reserved would go unused, so it is given back.
      const verdict = await engine.limiter.acquire(net.limits, call);
      if (verdict.go && verdict.charge) await engine.limiter.release(verdict.charge);
      return delay(ctx, Math.max(err.retryAfterMs ?? 0, verdict.go ? 0 : verdict.waitMs, 50));
    }
    case "outage": {
      const b = await engine.limiter.breaker.failure(net.limits, node);
      return delay(ctx, Math.max(b.retryInMs, 1_000));
    }
    case "transient": {
      const b = await engine.limiter.breaker.failure(net.limits, node);
      // The failure opened (or met) an open breaker: an outage, not this page's fault: no attempt spent.
      if (b.open || probe) return delay(ctx, Math.max(b.retryInMs, 1_000));
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await failLeaf(engine, job, p, node, err.message, err.kind);
      else await engine.tree.setState(p.treeId, node, p.page, "delayed");
      throw err;
    }
    case "auth_invalid": {
      engine.accounts.forget(p.network, p.authAccount);
      const refresh = net.client.refresh?.bind(net.client);
      if (refresh) { // an expired token is refreshed once, fleet-wide, before the account counts as disconnected
        const outcome = await engine.accounts.refreshOnce(p.network, p.authAccount, ctx.tokenVersion, async (rt) => {
          const fresh = await refresh(rt);
          return { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken };
        }).catch((e: unknown) => {
          if (e instanceof NetworkError && e.kind === "auth_invalid") return "dead" as const;
          throw e;
        });
        if (outcome === "refreshed" || outcome === "changed") return delay(ctx, 0);
        if (outcome === "busy") return delay(ctx, 1_000);
      }
      if (!p.authRetried && net.authRetryDelayMs > 0) { // a fresh grant can answer "revoked" for a while: one retry
        await job.updateData({ ...p, authRetried: true });
        return delay(ctx, net.authRetryDelayMs);
      }
      const reason = `${err.code ?? "auth"}: ${err.message}`;
      await ctx.hooks.beforeDisconnect?.(job);
      const marked = await engine.accounts.markDisconnected(p.network, p.authAccount, reason, ctx.tokenVersion);
      if (marked === "reconnected") return delay(ctx, 0); // a new token landed since this call read its own
      // Issue 12: the host hears of a lost authorization once per connection (event id from the token version).
      if (marked === "disconnected") await emitAccountDisconnected(engine, p.network, p.authAccount, reason, ctx.tokenVersion);
      return park(ctx, err.message);
    }
    case "permanent": {
      if (err.code === "UsageCapExceeded") await engine.limiter.block(net.limits, call, engine.clock.now() + 3_600_000);
      await failLeaf(engine, job, p, node, err.message, err.kind);
      throw new UnrecoverableError(err.message);
    }
    default:
      return assertNever(err.kind);
  }
}

async function failLeaf(engine: Engine, job: Job, p: PagePayload, node: string, error: string, kind: string): Promise<void> {
  const res = await engine.tree.fail(p.treeId, node, p.page, { error, kind, payload: p, queue: job.queueName });
  await indexFailure(engine, job.queueName, job.id ?? "", p.network, kind, node);
  if (res.treeState) await publishSettled(engine, p.treeId, res.treeState);
}

/** How much sooner than its limit allows a delayed job is woken (one Redis timer tick at hz 10); less than inlineWaitMs. */
const WAKE_EARLY_MS = 100;

async function delay({ engine, job, token, p, node }: Ctx, waitMs: number): Promise<never> {
  await engine.tree.setState(p.treeId, node, p.page, "delayed");
  await job.moveToDelayed(engine.clock.now() + Math.ceil(waitMs), token);
  throw new DelayedError(`waiting ${Math.ceil(waitMs)} ms`);
}

/** Kept, not retried and not failed: the job sleeps in the delayed set until the account reconnects (parking.ts). */
async function park({ engine, job, token, p, tokenVersion, hooks }: Ctx, reason: string): Promise<never> {
  await parkJob(engine, job, token, p, tokenVersion, hooks);
  throw new DelayedError(`parked: ${reason}`);
}

const FAILED_RETENTION_MS = 7 * 24 * 3_600_000;

/** Failed jobs are what operators search: one sorted set by time, trimmed by age (one round trip per failure). */
async function indexFailure(engine: Engine, queue: string, jobId: string, network: string, kind: string, account: string): Promise<void> {
  const now = engine.clock.now();
  await engine.redis.pipeline()
    .zadd(engine.keys.failedIndex(), now, [queue, jobId, network, kind, account].join("|"))
    .zremrangebyscore(engine.keys.failedIndex(), "-inf", now - FAILED_RETENTION_MS)
    .exec();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
