import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import type { Engine, NetworkRuntime } from "./engine.ts";
import { NetworkError, assertNever } from "./networks/errors.ts";
import type { Page } from "./networks/types.ts";
import { planNext } from "./paging.ts";
import { parsePayload, PayloadError, type PagePayload } from "./payloads.ts";
import { pageJobId } from "./queues.ts";
import { publishSettled } from "./settle.ts";

/**
 * One job = one API call. The processor turns what happened into exactly one outcome:
 * stored (and successors launched) | waiting for a limit or the breaker (no attempt spent) | parked until the account
 * reconnects | retried with backoff (transient) | failed for good (permanent, or out of attempts).
 */
export function createPageProcessor(engine: Engine) {
  let paused = { at: 0, set: new Set<string>() };
  const pausedNetworks = async (): Promise<Set<string>> => {
    if (engine.clock.now() - paused.at > 1_000) paused = { at: engine.clock.now(), set: new Set(await engine.redis.smembers(engine.keys.networkPaused())) };
    return paused.set;
  };
  return async function processPage(job: Job, token?: string): Promise<{ ids: number; successors: number } | { skipped: string }> {
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
    if ((await pausedNetworks()).has(p.network)) return delay(engine, job, token, p, node, 2_000);
    const tokens = await engine.accounts.tokens(p.network, p.authAccount);
    if (!tokens) return park(engine, job, token, p, node, "account not connected");

    const call = { tokenRef: p.authAccount, paging: p.cursor !== null || p.offset > 0, endpoint: "followers" };
    let probe = false;
    for (let tries = 0; ; tries++) {
      const verdict = await engine.limiter.acquire(net.limits, call);
      if (verdict.go) { probe = verdict.probe; break; }
      if (verdict.waitMs <= engine.settings.inlineWaitMs && tries < 8) {
        await sleep(verdict.waitMs);
        continue;
      }
      return delay(engine, job, token, p, node, verdict.waitMs);
    }

    const started = await engine.tree.setState(p.treeId, node, p.page, "running");
    if (started.nodeState === "orphan" || started.nodeState === "unknown") return { skipped: `tree ${started.nodeState}` };

    let page: Page;
    try {
      page = await net.client.fetchPage({ accountId: p.accountId, cursor: p.cursor, offset: p.offset, pageSize: p.pageSize }, { token: tokens.token });
    } catch (err) {
      return handleFailure(engine, net, job, token, p, node, err, probe);
    }
    await Promise.all([
      engine.limiter.observe(net.limits, call, page.rate, false),
      probe ? engine.limiter.breaker.success(net.limits) : undefined,
    ]);
    return store(engine, net, job, p, node, page);
  };
}

async function store(engine: Engine, net: NetworkRuntime, job: Job, p: PagePayload, node: string, page: Page) {
  const pages = Number(p.page.slice(1)) / (p.mode === "cursor" ? 1 : p.pageSize);
  const plan = planNext(p, page, { style: net.client.paging, window: p.window, maxPages: net.maxPages }, pages);
  const res = await engine.tree.done(p.treeId, node, p.page, {
    ids: page.ids, successors: plan.successors.map((s) => s.page), total: page.total,
    nextCursor: plan.nextCursor, stopIfNoNew: plan.stopIfNoNew, ...(plan.anomaly ? { anomaly: plan.anomaly } : {}),
  });
  const registered = new Set(res.registered);
  const launch = plan.successors.filter((s) => registered.has(s.page));
  if (launch.length) {
    const queue = engine.queues[job.queueName as keyof typeof engine.queues] ?? engine.queues.default;
    for (let i = 0; i < launch.length; i += 1_000) {
      await queue.addBulk(launch.slice(i, i + 1_000).map((s) => ({
        name: "followers.page", data: s,
        opts: { jobId: pageJobId(s.treeId, s.network, s.accountId, s.page), ...(job.opts.priority ? { priority: job.opts.priority } : {}) },
      })));
    }
  }
  if (res.nodeState === "committing") await commitNode(engine, p.treeId, p.network, p.accountId);
  else if (res.treeState) await publishSettled(engine, p.treeId, res.treeState);
  return { ids: page.ids.length, successors: launch.length };
}

/** The node finished with no failed page: swap its set in for readers, then let the tree settle. */
export async function commitNode(engine: Engine, treeId: string, network: string, accountId: string): Promise<void> {
  const node = `${network}:${accountId}`;
  await engine.followers.publish(treeId, network, accountId);
  const res = await engine.tree.commit(treeId, node);
  await engine.redis.del(engine.keys.treeStaging(treeId, node));
  if (res.treeState) await publishSettled(engine, treeId, res.treeState);
}

async function handleFailure(engine: Engine, net: NetworkRuntime, job: Job, token: string | undefined, p: PagePayload, node: string, err: unknown, probe: boolean): Promise<never> {
  if (!(err instanceof NetworkError)) throw err; // a bug or Redis trouble: spend an attempt, keep the stack
  const call = { tokenRef: p.authAccount, paging: p.cursor !== null || p.offset > 0, endpoint: "followers" };
  await engine.errors.record(p.network, {
    at: engine.clock.now(), kind: err.kind, code: err.code ?? (err.status ? String(err.status) : "none"), status: err.status ?? null,
    message: err.message, account: node, jobId: job.id ?? "",
  });
  engine.log.warn({ jobId: job.id, network: p.network, account: node, kind: err.kind, code: err.code, status: err.status }, err.message);

  switch (err.kind) {
    case "rate_limited": { // wait without spending an attempt
      await engine.limiter.observe(net.limits, call, err.rate ?? null, true);
      const verdict = await engine.limiter.acquire(net.limits, call);
      const wait = Math.max(err.retryAfterMs ?? 0, verdict.go ? 0 : verdict.waitMs, 50);
      return delay(engine, job, token, p, node, wait);
    }
    case "outage": {
      const b = await engine.limiter.breaker.failure(net.limits);
      return delay(engine, job, token, p, node, Math.max(b.retryInMs, 1_000));
    }
    case "transient": {
      const b = await engine.limiter.breaker.failure(net.limits);
      // The failure opened (or met) an open breaker: an outage, not this page's fault: no attempt spent.
      if (b.open || probe) return delay(engine, job, token, p, node, Math.max(b.retryInMs, 1_000));
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        await failLeaf(engine, job, p, node, err.message, err.kind);
      } else {
        await engine.tree.setState(p.treeId, node, p.page, "delayed");
      }
      throw err;
    }
    case "auth_invalid": {
      engine.accounts.forget(p.network, p.authAccount);
      if (!p.authRetried) { // a fresh grant can answer "revoked" for a while: one retry after a delay
        await job.updateData({ ...p, authRetried: true });
        return delay(engine, job, token, p, node, engine.settings.authRetryDelayMs);
      }
      await engine.accounts.markDisconnected(p.network, p.authAccount, `${err.code ?? "auth"}: ${err.message}`);
      return park(engine, job, token, p, node, err.message);
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
  if (res.treeState) await publishSettled(engine, p.treeId, res.treeState);
}

async function delay(engine: Engine, job: Job, token: string | undefined, p: PagePayload, node: string, waitMs: number): Promise<never> {
  await engine.tree.setState(p.treeId, node, p.page, "delayed");
  await job.moveToDelayed(engine.clock.now() + Math.ceil(waitMs), token);
  throw new DelayedError(`waiting ${Math.ceil(waitMs)} ms`);
}

/** Kept, not retried and not failed: the job sleeps in the delayed set until the account reconnects. */
async function park(engine: Engine, job: Job, token: string | undefined, p: PagePayload, node: string, reason: string): Promise<never> {
  await engine.accounts.park(p.network, p.authAccount, job.queueName, job.id ?? "");
  await engine.tree.setState(p.treeId, node, p.page, "parked");
  await job.moveToDelayed(engine.clock.now() + engine.settings.parkMs, token);
  throw new DelayedError(`parked: ${reason}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
