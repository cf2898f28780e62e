import { error, json } from "../../../../lib/http.ts";
import { loadLimits } from "../../../../lib/load/networks.ts";
import { route } from "../../../../lib/route.ts";
import { NetworkParams } from "../../../../lib/schemas.ts";

/** A network's limit gauges (used/limit, remaining, reset, block), the adaptive controller, 30 min of history. */
export const GET = route("viewer", { params: NetworkParams }, async ({ s, params }) => {
  if (!s.engine.networks.has(params.network)) return error(404, `unknown network "${params.network}"`, "network");
  return json(await loadLimits(params.network));
});
