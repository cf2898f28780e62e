import { z } from "zod";
import { json } from "../../../../lib/http.ts";
import { route } from "../../../../lib/route.ts";

const Params = z.object({ name: z.string().min(1).max(64) });

/** Revokes a key: the next request with it answers 401. */
export const DELETE = route("admin", { params: Params }, async ({ s, params, operator }) =>
  json(await s.delivery.apikeys.revokeApiKey(s.engine, params.name, { name: operator.name, via: "console" })));
