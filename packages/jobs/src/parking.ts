import type { Job } from "bullmq";
import type { Engine } from "./engine.ts";
import { parsePayload, type PagePayload } from "./payloads.ts";
import { isQueueName } from "./queues.ts";

/**
 * Parking: a page whose account lost its authorization sleeps in the delayed set (for `parkMs`, a year) until the
 * account reconnects. Two sides race. The processor parks in three steps: a ticket in the account's parked set, the
 * leaf marked parked, the job moved to delayed; the steps live in two cluster slots (the account's, the queue's), so
 * no transaction can join them. connectAccount writes the new token, then resumes the tickets it finds.
 *
 * The rule that leaves no window: a ticket is claimed by removing it (SREM answers 1 to one caller only), and only
 * the claimer of a delayed job wakes it, so a job is woken at most once and, as shown below, at least once.
 *  - The processor, after its move, reads whether the account reconnected since the token it failed with (fresh from
 *    Redis). If so it claims its own ticket and wakes itself.
 *  - connectAccount claims each ticket. A delayed job is woken. An active job is one whose processor is between its
 *    ticket and its move: the ticket goes back, and the job is looked at once more. Delayed by now: claim again (of
 *    it and its processor, one wins). Still active: its move comes after that look, which comes after the ticket went
 *    back and after the new token was written, so the processor's own check finds both and wakes it.
 *  - A reconnect before the ticket exists is found by the processor's check; one before the account was marked
 *    disconnected is found by markDisconnected itself (it leaves a newer token alone and the page retries).
 */
/** Test seams: each pins one interleaving with a reconnect, at a point a real race can hit. */
export interface ParkingHooks {
  /** Runs after a call failed as unauthorized, before the account is marked disconnected (processor.ts). */
  beforeDisconnect?: (job: Job) => Promise<void>;
  /** Runs between the ticket (and the leaf's parked state) and the move to delayed. */
  beforeMove?: (job: Job) => Promise<void>;
}

/** Parks `job`, or wakes it at once when the account reconnected (token newer than `tokenVersion`) meanwhile. */
export async function parkJob(engine: Engine, job: Job, token: string | undefined, p: PagePayload, tokenVersion: number, hooks?: ParkingHooks): Promise<void> {
  const queue = job.queueName;
  const jobId = job.id ?? "";
  await engine.accounts.park(p.network, p.authAccount, queue, jobId);
  await engine.tree.setState(p.treeId, `${p.network}:${p.accountId}`, p.page, "parked");
  await hooks?.beforeMove?.(job);
  await job.moveToDelayed(engine.clock.now() + engine.settings.parkMs, token);
  if (!(await engine.accounts.reconnectedSince(p.network, p.authAccount, tokenVersion))) return;
  // This process may still cache "not connected": the woken job must read the new token.
  engine.accounts.forget(p.network, p.authAccount);
  if (await engine.accounts.claimParked(p.network, p.authAccount, queue, jobId)) await wake(engine, job, p);
}

/** connectAccount's side: wakes every parked job of the account it can claim; answers how many. */
export async function resumeParked(engine: Engine, network: string, id: string): Promise<number> {
  let resumed = 0;
  for (const t of await engine.accounts.parkedJobs(network, id)) {
    if (await resumeOne(engine, network, id, t.queue, t.jobId)) resumed++;
  }
  return resumed;
}

async function resumeOne(engine: Engine, network: string, id: string, queue: string, jobId: string): Promise<boolean> {
  if (!(await engine.accounts.claimParked(network, id, queue, jobId))) return false; // claimed by someone else
  if (!isQueueName(queue)) return false;
  const job = await engine.queues[queue].getJob(jobId);
  if (!job) return false;
  let state = await job.getState();
  if (state === "active") { // its processor is between the ticket and the move (see above)
    await engine.accounts.park(network, id, queue, jobId);
    state = await job.getState();
    if (state === "active") return false; // its processor wakes it after the move
    if (!(await engine.accounts.claimParked(network, id, queue, jobId))) return false; // its processor did
  }
  if (state !== "delayed") return false; // done, failed or removed since: nothing to wake
  await wake(engine, job, parsePayload("followers.page", job.data));
  return true;
}

async function wake(engine: Engine, job: Job, p: PagePayload): Promise<void> {
  await engine.tree.setState(p.treeId, `${p.network}:${p.accountId}`, p.page, "pending");
  await job.updateData({ ...p, authRetried: false });
  await job.promote();
}
