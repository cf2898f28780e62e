import { z } from "zod";
import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";

const Params = z.object({ name: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/, "a schedule name") });

/** Runs a schedule now (one tick in the system queue); audited. */
export const POST = route("operator", { params: Params }, async ({ s, params, operator }) =>
  json(await s.schedules.runScheduleNow(s.engine, params.name, { name: operator.name, via: "console" })));
