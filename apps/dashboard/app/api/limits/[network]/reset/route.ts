import { json } from "../../../../../lib/http.ts";
import { route } from "../../../../../lib/route.ts";
import { NetworkParams } from "../../../../../lib/schemas.ts";

/** Admins only: drops a network's overrides (back to its configured limits); audited. */
export const POST = route("admin", { params: NetworkParams }, async ({ s, params, operator }) => {
  await s.engine.limiter.clearOverrides(params.network);
  await s.ops.audit(s.engine, { name: operator.name, via: "console" }, "limit-reset", { network: params.network });
  return json({ network: params.network, overridden: false });
});
