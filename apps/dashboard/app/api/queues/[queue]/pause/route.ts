import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";

const Params = z.object({ queue: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, "a queue name") });
const Body = z.object({ paused: z.boolean() }).strict();

/** Pauses or resumes one queue (ops.setPaused, audited under the operator's name). */
export const POST = route("operator", { params: Params, body: Body }, async ({ s, params, body, operator }) =>
  json(await s.ops.setPaused(s.engine, params.queue, body.paused, { name: operator.name, via: "console" })));
