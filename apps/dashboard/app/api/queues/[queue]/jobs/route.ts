import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { loadJobList } from "../../../../../lib/load/jobs.ts";
import { route } from "../../../../../lib/route.ts";
import { JobState, QueueName } from "../../../../../lib/schemas.ts";

const Params = z.object({ queue: QueueName });
const Query = z.object({
  state: JobState,
  start: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(25),
}).strict();

/** One page of a queue's jobs in one state, by index: the millionth job costs what the first does. */
export const GET = route("viewer", { params: Params, query: Query }, async ({ params, query }) =>
  json(await loadJobList(params.queue, query.state, query.start, query.limit)));
