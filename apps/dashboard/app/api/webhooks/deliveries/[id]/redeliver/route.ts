import { z } from "zod";
import { json } from "../../../../../../lib/http.ts";
import { route } from "../../../../../../lib/route.ts";

const Params = z.object({ id: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.-]+$/, "a delivery id") });

/** Sends one delivery again by hand (same event id and body, freshly signed), recorded in the audit log. */
export const POST = route("operator", { params: Params }, async ({ s, params, operator }) =>
  json(await s.delivery.webhooks.redeliver(s.engine, params.id, { name: operator.name, via: "console" })));
