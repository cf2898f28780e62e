import { z } from "zod";
import { json } from "../../../../lib/http.ts";
import { loadJobDetail } from "../../../../lib/load/jobs.ts";
import { route } from "../../../../lib/route.ts";
import { JobId, Priority } from "../../../../lib/schemas.ts";

const Params = z.object({ id: JobId });
const Action = z.discriminatedUnion("action", [
  z.object({ action: z.enum(["retry", "promote", "remove"]) }).strict(),
  z.object({ action: z.literal("reprioritize"), priority: Priority }).strict(),
]);

/** A job by id (at most one lookup per queue): payload (known fields only), attempts, error, stack, logs. */
export const GET = route("viewer", { params: Params }, async ({ params }) => json(await loadJobDetail(params.id)));

/** retry | promote | remove | reprioritize, refused (400) when the job's state does not allow it; audited. */
export const POST = route("operator", { params: Params, body: Action }, async ({ s, params, body, operator }) =>
  json(await s.jobs.jobAction(s.engine, params.id, body.action, { name: operator.name, via: "console" }, body.action === "reprioritize" ? body.priority : undefined)));
