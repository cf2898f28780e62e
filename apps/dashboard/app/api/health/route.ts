import { loadEnv } from "@fanout/jobs/env";
import { createFastFailRedis } from "@fanout/jobs/redis";

export async function GET(): Promise<Response> {
  const env = loadEnv();
  const r = createFastFailRedis(env);
  try { const p = await r.ping(); return Response.json({ ok: true, p, prefix: env.FANOUT_PREFIX }); }
  finally { r.disconnect(); }
}
