import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";
import { NetworkParams } from "../../../../../lib/schemas.ts";

const Body = z.object({ key: z.string().min(1).max(400).regex(/^(token|app|ip)(\.[^\s]+)?$/, "a limit key") }).strict();

/** Admins only: forgets a limit key's counted calls and any block on it (the API's next answer corrects it); audited. */
export const POST = route("admin", { params: NetworkParams, body: Body }, async ({ s, params, body, operator }) =>
  json(await s.limits.clearLimitKey(s.engine, params.network, body.key, { name: operator.name, via: "console" })));
