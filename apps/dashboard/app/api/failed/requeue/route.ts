import { z } from "zod";
import { error, json } from "../../../../lib/http.ts";
import { route } from "../../../../lib/route.ts";
import { FailedFilter } from "../../../../lib/schemas.ts";

/**
 * Bulk requeue of the failed jobs matching a filter. `dryRun: true` only counts (nothing changes, nothing is
 * audited): the console shows that count and asks to confirm, then sends `expect` with it. When the count changed
 * since, the server refuses (409) rather than touch a number of jobs the operator did not see.
 */
const Body = z.object({
  filter: FailedFilter,
  dryRun: z.boolean(),
  expect: z.number().int().min(0).optional(),
}).strict().refine((b) => b.dryRun || b.expect !== undefined, { message: "confirm with the dry run's count", path: ["expect"] });

export const POST = route("operator", { body: Body }, async ({ s, body, operator }) => {
  const actor = { name: operator.name, via: "console" as const };
  if (!body.dryRun) {
    const now = await s.jobs.requeueFailed(s.engine, body.filter, actor, true);
    if (now.matched !== body.expect) return error(409, `${now.matched} jobs match now, not ${body.expect ?? 0}: count again before confirming`, "expect");
  }
  return json(await s.jobs.requeueFailed(s.engine, body.filter, actor, body.dryRun));
});
