import type { Job } from "bullmq";
import type { Engine } from "../engine.ts";
import { processWebhookDelivery, processWebhookEvent } from "./deliver.ts";
import { parseDeliveryJob, type DeliveryJobName } from "./jobs.ts";
import type { PgSink, SinkResult } from "./sink.ts";

/** Runs delivery's jobs in the `system` queue (worker.ts routes their names here). */
export function createDeliveryProcessor(engine: Engine, sink: PgSink | null) {
  return async function processDelivery(job: Job & { name: DeliveryJobName }): Promise<unknown> {
    switch (job.name) {
      case "webhook.event": return processWebhookEvent(engine, job);
      case "webhook.deliver": return processWebhookDelivery(engine, job);
      case "sink.apply": return applySink(engine, sink, job);
    }
  };
}

async function applySink(engine: Engine, sink: PgSink | null, job: Job): Promise<SinkResult> {
  const p = parseDeliveryJob("sink.apply", job.data);
  // Not unrecoverable: in a fleet where only some workers have FANOUT_PG_URL, another one takes the retry.
  if (!sink) throw new Error("this worker has no FANOUT_PG_URL: cannot apply the PostgreSQL sink");
  const res = await sink.apply(p.network, p.accountId);
  engine.log.info({ ...res, queuedFor: p.version }, "sink applied");
  return res;
}
