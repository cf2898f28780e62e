import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { route } from "../../../lib/route.ts";
import { loadWebhooks } from "../../../lib/server-data.ts";

const NewEndpoint = z.object({ url: z.string().min(1).max(2_048) }).strict();

/** Endpoints with their recent deliveries (never their secrets). */
export const GET = route("viewer", {}, async () => json(await loadWebhooks()));

/** Adds an endpoint; the answer is the only time its signing secret is shown. */
export const POST = route("admin", { body: NewEndpoint }, async ({ s, body, operator }) =>
  json(await s.delivery.webhooks.addWebhook(s.engine, body.url, { name: operator.name, via: "console" }), 201));
