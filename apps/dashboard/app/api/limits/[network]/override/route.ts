import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";
import { NetworkParams } from "../../../../../lib/schemas.ts";

const DAY = 86_400_000;
const Factor = z.object({
  scope: z.enum(["token", "app", "ip"]),
  max: z.number().int().min(1).max(1_000_000),
  windowMs: z.number().int().min(100).max(DAY),
  paging: z.boolean().optional(),
  aligned: z.boolean().optional(),
  endpoint: z.string().min(1).max(32).regex(/^[a-z]+$/).optional(),
}).strict();
const Body = z.object({
  limits: z.array(Factor).min(1).max(8).optional(),
  adaptiveCap: z.number().positive().max(10_000).optional(),
}).strict().refine((b) => b.limits !== undefined || b.adaptiveCap !== undefined, "give limits or adaptiveCap");

/** Admins only: replaces a network's published limits and/or caps its adaptive rate, fleet-wide within a second; audited. */
export const POST = route("admin", { params: NetworkParams, body: Body }, async ({ s, params, body, operator }) => {
  await s.limits.overrideLimits(s.engine, params.network, body, { name: operator.name, via: "console" });
  return json({ network: params.network, overridden: true });
});
