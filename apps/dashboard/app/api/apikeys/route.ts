import { z } from "zod";
import { json } from "../../../lib/http.ts";
import { route } from "../../../lib/route.ts";
import { loadApiKeys } from "../../../lib/server-data.ts";

const NewKey = z.object({ name: z.string().min(1).max(64) }).strict();

/** The host website's API keys: name, creation and last use (never the key). Admins only. */
export const GET = route("admin", {}, async () => json(await loadApiKeys()));

/** Creates a key; the answer is the only time the key is shown. */
export const POST = route("admin", { body: NewKey }, async ({ s, body, operator }) =>
  json(await s.delivery.apikeys.createApiKey(s.engine, body.name, { name: operator.name, via: "console" }), 201));
