import { z } from "zod";
import { error, json } from "../../../../lib/http.ts";
import { loadNetwork } from "../../../../lib/load/networks.ts";
import { route } from "../../../../lib/route.ts";
import { NetworkParams, Range } from "../../../../lib/schemas.ts";

const Query = z.object({ range: Range }).strict();

/** A network's error breakdown by kind and code over time, its error samples, breaker and pause state. */
export const GET = route("viewer", { params: NetworkParams, query: Query }, async ({ s, params, query }) => {
  if (!s.engine.networks.has(params.network)) return error(404, `unknown network "${params.network}"`, "network");
  return json(await loadNetwork(params.network, query.range));
});
