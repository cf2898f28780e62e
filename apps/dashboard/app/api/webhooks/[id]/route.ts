import { z } from "zod";
import { json } from "../../../../lib/http.ts";
import { route } from "../../../../lib/route.ts";

const Params = z.object({ id: z.string().min(1).max(64) });

/** Removes an endpoint; its pending deliveries end as cancelled. */
export const DELETE = route("admin", { params: Params }, async ({ s, params, operator }) =>
  json(await s.delivery.webhooks.removeWebhook(s.engine, params.id, { name: operator.name, via: "console" })));
