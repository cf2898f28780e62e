import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";
import { NetworkParams } from "../../../../../lib/schemas.ts";

const Body = z.object({ paused: z.boolean() }).strict();

/** Pauses a network's jobs in every queue (others keep flowing), or resumes them; audited. */
export const POST = route("operator", { params: NetworkParams, body: Body }, async ({ s, params, body, operator }) =>
  json(await s.ops.setPaused(s.engine, `network:${params.network}`, body.paused, { name: operator.name, via: "console" })));
