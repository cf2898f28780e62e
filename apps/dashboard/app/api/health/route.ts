import { json } from "../../../lib/http.ts";
import { publicRoute } from "../../../lib/route.ts";

/** 200 when Redis answers PING (within 2 s), 503 otherwise; no sign-in. */
export const GET = publicRoute({}, async ({ s }) => {
  const h = await s.health();
  return json(h.ok ? { ok: true, redis: "up", latencyMs: h.latencyMs } : { ok: false, redis: "down", error: h.error }, h.ok ? 200 : 503);
});
